"""The thinnest complete path, on real parts: gateway → request function → DynamoDB → EventBridge →
SQS → screening function → (label function), all deployed from template.yaml into moto."""

from __future__ import annotations

from .support import line, order_input


def test_return_policy_is_public(gql):
    data = gql("{ returnPolicy { version returnWindowDays exchangesOffered clauses { id text } } }")
    policy = data["returnPolicy"]
    assert policy["returnWindowDays"] == 30
    assert policy["exchangesOffered"] is False
    assert {"WINDOW-30D", "NO-EXCHANGE", "REFUND-7D"} <= {c["id"] for c in policy["clauses"]}


def test_recorded_order_is_readable_by_its_customer(flow, gql, tokens):
    order = flow.record(order_input(line("L1")))
    data = gql(
        "query($id: ID!) { order(id: $id) { id email lines { id } returnability { orderLineId eligible } } }",
        {"id": order["id"]},
        token=tokens.customer(),
    )
    assert data["order"]["id"] == order["id"]
    assert data["order"]["returnability"] == [{"orderLineId": "L1", "eligible": True}]


def test_request_is_stored_screened_and_labelled(flow, stack):
    order = flow.record(order_input(line("L1", price="45.00")))
    answer = flow.request(order, method="PREPAID_LABEL")
    assert answer["userErrors"] == []
    ret = answer["return"]
    assert ret["status"] == "APPROVED"
    assert [event["status"] for event in ret["timeline"]][:2] == ["REQUESTED", "APPROVED"]
    assert ret["screening"]["outcome"] == "PASS"
    assert ret["label"]["trackingNumber"].startswith("1Z")
    stored = stack.deps.repo.get_return(ret["id"])
    assert (
        stored is not None and stored.version >= 3
    )  # requested, screened, labelled: three conditioned writes


def test_returns_of_several_orders_come_in_one_batched_read(flow, stack):
    first = flow.record(order_input(line("L1"), line("L2")))
    second = flow.record(order_input(line("L1")))
    a = flow.request(first, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["return"]["id"]
    b = flow.request(first, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])["return"]["id"]
    found = stack.deps.repo.returns_of_orders([first["id"], second["id"], "missing"])
    assert [r.id for r in found[first["id"]]] == [a, b]  # request order, strongly consistent
    assert found[second["id"]] == [] and found["missing"] == []
