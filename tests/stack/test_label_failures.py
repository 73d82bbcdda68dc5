"""A prepaid label the carrier refuses, through GraphQL on moto: the return stays APPROVED without a
label, the refusal is on it and on the agents' failedLabels list, the customer is emailed; an agent's
retryLabel gets the label once the carrier sells it; or the customer ships on their own (SELF_SHIP).
The local carrier refuses the ZIP code 00000 for good, as EasyPost refuses an address."""

from __future__ import annotations

from .lifecycle_helpers import ok
from .support import TRACKING, address, line, mutation, order_input

FAILURE = "labelFailure { reason attempt failedAt }"
FAILED_LABELS = f"{{ failedLabels(first: 10) {{ edges {{ node {{ id status {FAILURE} }} }} }} }}"
RETRY = mutation("retryLabel", "id: $id", "$id: ID!")
SEEN_BY_CUSTOMER = ("query($id: ID!) { return(id: $id) { status method shipBy label { url } "
                    f"{FAILURE} }} }}")


def _refused(flow, stack) -> tuple[dict, dict]:
    nowhere = address("US", postalCode="00000")
    order = flow.record(order_input(line("L1"), shipping=nowhere))
    ret = ok(flow.request(order, method="PREPAID_LABEL"))
    return order, ret


def _listed(gql, tokens) -> list[str]:
    return [edge["node"]["id"] for edge in gql(FAILED_LABELS, token=tokens.agent)["failedLabels"]["edges"]]


def test_a_refused_label_is_visible_to_agents_and_their_retry_gets_it(flow, gql, tokens, stack, mailbox,
                                                                       monkeypatch):
    order, ret = _refused(flow, stack)
    assert ret["status"] == "APPROVED" and ret["label"] is None
    staff_view = flow.get(ret["id"])["timeline"][-1]["note"]  # the customer reads labelFailure instead
    assert staff_view.startswith("label not issued (attempt 1): the carrier refused")
    seen = gql(SEEN_BY_CUSTOMER, {"id": ret["id"]}, token=tokens.customer(order["email"]))["return"]
    assert seen["labelFailure"]["attempt"] == 1 and "00000" in seen["labelFailure"]["reason"]
    assert seen["shipBy"]  # EXPIRE-APPROVED still counts from the approval
    [told] = [m for m in mailbox() if "could not create your return label" in m["subject"]]
    assert ret["id"] in told["subject"] and "traceable carrier" in told["body"]
    assert _listed(gql, tokens) == [ret["id"]]

    again = ok(flow.act(RETRY, tokens.agent, id=ret["id"]))  # still refused: a new attempt
    assert again["label"] is None and again["timeline"][-1]["note"].startswith("label not issued (attempt 2)")
    assert _listed(gql, tokens) == [ret["id"]]

    monkeypatch.setattr(stack.deps.carrier, "refused_postal_codes", set())  # the carrier's data fixed
    labelled = ok(flow.act(RETRY, tokens.agent, id=ret["id"]))
    assert labelled["status"] == "APPROVED" and labelled["label"]["url"]
    assert _listed(gql, tokens) == []
    assert gql(SEEN_BY_CUSTOMER, {"id": ret["id"]}, token=tokens.customer(order["email"]))["return"][
        "labelFailure"] is None
    assert any(m["subject"].startswith(f"Return {ret['id']}") and m["attachments"] for m in mailbox())
    retried = flow.act(RETRY, tokens.agent, id=ret["id"])
    assert [e["code"] for e in retried["userErrors"]] == ["INVALID_STATE"]


def test_the_customer_may_ship_on_their_own_after_a_refusal(flow, gql, tokens, stack):
    order, ret = _refused(flow, stack)
    shipped = ok(flow.act(TRACKING, tokens.customer(order["email"]), id=ret["id"], carrier="USPS",
                          number="9400111899223100000077"))
    assert (shipped["status"], shipped["method"]) == ("IN_TRANSIT", "SELF_SHIP")
    assert _listed(gql, tokens) == []
    retried = flow.act(RETRY, tokens.agent, id=ret["id"])
    assert [e["code"] for e in retried["userErrors"]] == ["INVALID_STATE"]
