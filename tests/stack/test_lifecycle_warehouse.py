"""Receiving (REQ-FIRST, receivedAt), inspection (COND-NEW, merchant responsibility) and refunds
(REFUND-ONCE) through the GraphQL API on the whole stack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from .lifecycle_helpers import (
    approved,
    at,
    inspect_all,
    mails_about,
    ok,
    receive,
    refund,
    refunds_paid,
    refused,
    statuses,
    unknown_packages,
)
from .support import (
    APPROVE,
    CANCEL,
    DECLINE,
    INSPECT,
    RECEIVE,
    REFUND,
    TRACKING,
    address,
    iso,
    line,
    order_input,
)


def _inspect(flow, return_id, *checks):
    lines = [{"orderLineId": line_id, "condition": condition, **({} if confirmed is None else
                                                                   {"defectConfirmed": confirmed})}
             for line_id, condition, confirmed in checks]
    return flow.act(INSPECT, flow.tokens.warehouse, id=return_id, lines=lines)


def _received(flow, order, lines=None, *, method="SELF_SHIP"):
    ret = approved(flow, order, lines, method=method)
    return receive(flow, ret["id"])


def test_req_first_unknown_and_unapproved_packages_are_refused_and_recorded(flow, stack, tokens):
    wh = tokens.warehouse
    assert unknown_packages(stack) == []

    # no such return
    error = refused(flow.act(RECEIVE, wh, id="RMA-NOSUCHRMA1", at=None), "NOT_FOUND")
    assert "REQ-FIRST" in error["message"]
    [item] = unknown_packages(stack)
    assert item["pk"]["S"].startswith("UNKNOWN_PACKAGE#")
    assert item["returnId"]["S"] == "RMA-NOSUCHRMA1"
    assert item["scannedBy"]["S"] == "warehouse:warehouse@allegra-k.com"

    # a return under review, and a canceled one: refused, recorded, unchanged
    reviewed_order = flow.record(order_input(line("L1"), line("L2"), billing=address("GB")))
    under_review = ok(flow.request(reviewed_order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}]))
    canceled = ok(flow.request(reviewed_order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}]))
    ok(flow.act(CANCEL, tokens.customer(reviewed_order["email"]), id=canceled["id"]))
    declined = flow.record(order_input(line("L1"), billing=address("GB")))
    declined = ok(flow.request(declined))
    ok(flow.act(DECLINE, tokens.agent, id=declined["id"], reason="could not confirm"))
    for ret, status in ((under_review, "UNDER_REVIEW"), (canceled, "CANCELED"), (declined, "DECLINED")):
        error = refused(flow.act(RECEIVE, wh, id=ret["id"], at=None), "INVALID_STATE")
        assert "REQ-FIRST" in error["message"]
        after = flow.get(ret["id"])
        assert after["status"] == status and after["receivedAt"] is None
    recorded = {item["returnId"]["S"] for item in unknown_packages(stack)}
    assert recorded == {"RMA-NOSUCHRMA1", under_review["id"], canceled["id"], declined["id"]}

    # receiving twice: the second is refused, the timeline holds one RECEIVED
    order = flow.record(order_input(line("L1")))
    ret = _received(flow, order)
    refused(flow.act(RECEIVE, wh, id=ret["id"], at=None), "INVALID_STATE", "ALREADY_RECEIVED")
    after = flow.get(ret["id"])
    assert [e["status"] for e in after["timeline"]].count("RECEIVED") == 1
    assert after["receivedAt"] == ret["receivedAt"]
    assert len(unknown_packages(stack)) == 4  # a known, received return is not an unknown package


def test_received_at_rules(flow, tokens):
    wh = tokens.warehouse
    now = datetime.now(UTC)
    order = flow.record(order_input(line("L1", delivered_days_ago=5), line("L2", delivered_days_ago=5),
                                    line("L3", delivered_days_ago=5), line("L4", delivered_days_ago=5)))
    a, b, c, d = (approved(flow, order, [{"orderLineId": f"L{i}", "quantity": 1, "reason": "STYLE"}])
                  for i in range(1, 5))

    # later than now + 5 minutes: refused, nothing changes
    refused(flow.act(RECEIVE, wh, id=a["id"], at=iso(now + timedelta(minutes=10))), "INVALID_INPUT")
    # earlier than the line's deliveredAt: refused
    refused(flow.act(RECEIVE, wh, id=a["id"], at=iso(now - timedelta(days=6))), "INVALID_INPUT")
    assert flow.get(a["id"])["status"] == "APPROVED"

    # back-dated (before the request was even made, after delivery): accepted as given
    back = (now - timedelta(days=2)).replace(microsecond=0)
    ret = receive(flow, a["id"], iso(back))
    assert at(ret["receivedAt"]) == back and at(ret["refundDueAt"]) == back + timedelta(days=7)
    assert at(ret["receivedAt"]) < at(ret["createdAt"])

    # a few minutes ahead of the server clock (scanner clock skew): accepted
    ahead = (now + timedelta(minutes=3)).replace(microsecond=0)
    assert at(receive(flow, b["id"], iso(ahead))["receivedAt"]) == ahead

    # no receivedAt: now
    before = datetime.now(UTC)
    ret = receive(flow, c["id"])
    assert before - timedelta(seconds=1) <= at(ret["receivedAt"]) <= datetime.now(UTC) + timedelta(seconds=1)
    assert at(ret["refundExpectedBy"]) == at(ret["receivedAt"]) + timedelta(days=12)

    # a non-UTC offset is the same instant
    offset = (now - timedelta(hours=1)).replace(microsecond=0)
    ret = receive(flow, d["id"], offset.astimezone(timezone(timedelta(hours=-5))).isoformat())
    assert at(ret["receivedAt"]) == offset


def test_partial_inspection_refunds_the_accepted_lines_only(flow, stack, mailbox):
    order = flow.record(order_input(line("L1", price="30.00"), line("L2", price="20.00", tax="1.60")))
    ret = _received(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"},
                                  {"orderLineId": "L2", "quantity": 1, "reason": "SIZE_TOO_LARGE"}])
    assert ret["quote"]["total"]["amount"] == "51.60"

    # every returned line must be inspected, once
    refused(_inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", None)), "INVALID_INPUT")
    refused(_inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", None), ("L9", "NEW_WITH_TAGS", None)))
    assert flow.get(ret["id"])["status"] == "RECEIVED"

    inspected = ok(_inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", None), ("L2", "WORN", None)))
    assert inspected["status"] == "INSPECTED"
    assert {(li["orderLineId"], li["condition"], li["accepted"]) for li in inspected["lines"]} == {
        ("L1", "NEW_WITH_TAGS", True), ("L2", "WORN", False)}
    refund_ = refund(flow, ret["id"])["refund"]
    assert refund_["amount"]["amount"] == "30.00"
    assert "COND-NEW" in {c["id"] for c in refund_["appliedClauses"]}
    [payment] = refunds_paid(stack, ret["id"])
    assert payment["amount"] == 3000
    [mail] = mails_about(mailbox, ret["id"], "refund")
    assert "$30.00" in mail["subject"]
    assert "Items not accepted" in mail["body"] and "COND-NEW" in mail["body"]


def test_merchant_responsibility_at_inspection(flow, stack):
    # a DEFECTIVE line that came back DAMAGED, defect confirmed: accepted, the US self-ship credit stays
    us = flow.record(order_input(line("L1", price="30.00"), line("L2", price="30.00")))
    defective = [{"orderLineId": "L1", "quantity": 1, "reason": "DEFECTIVE"}]
    ret = _received(flow, us, defective)
    assert ret["quote"]["merchantResponsibility"] is True and ret["quote"]["total"]["amount"] == "36.99"
    inspected = ok(_inspect(flow, ret["id"], ("L1", "DAMAGED", True)))
    assert [(li["condition"], li["accepted"]) for li in inspected["lines"]] == [("DAMAGED", True)]
    assert refund(flow, ret["id"])["refund"]["amount"]["amount"] == "36.99"

    # defect not confirmed on the only merchant-reason line: the ordinary rule, FEE-US-SELF, no credit
    ret = _received(flow, us, [{"orderLineId": "L2", "quantity": 1, "reason": "DEFECTIVE"}])
    assert ret["quote"]["total"]["amount"] == "36.99"
    ok(_inspect(flow, ret["id"], ("L2", "NEW_WITH_TAGS", False)))
    done = refund(flow, ret["id"])
    assert done["refund"]["amount"]["amount"] == "30.00"
    clauses = {c["id"] for c in done["refund"]["appliedClauses"]}
    assert "FEE-US-SELF" in clauses and "FEE-US-QUALITY" not in clauses
    assert done["quote"]["total"]["amount"] == "36.99"  # the quote is what was promised; the refund changed

    # defect not confirmed and the item DAMAGED: rejected; nothing accepted → refund 0.00, no payment
    other = flow.record(order_input(line("L1", price="30.00")))
    ret = _received(flow, other, [{"orderLineId": "L1", "quantity": 1, "reason": "WRONG_ITEM"}])
    inspected = ok(_inspect(flow, ret["id"], ("L1", "DAMAGED", False)))
    assert inspected["lines"][0]["accepted"] is False
    done = refund(flow, ret["id"])
    assert done["status"] == "REFUNDED" and done["refund"]["amount"]["amount"] == "0.00"
    assert refunds_paid(stack, ret["id"]) == []

    # an omitted defectConfirmed leaves the claim standing (NEW_WITH_TAGS accepted, credit kept)
    kept = flow.record(order_input(line("L1", price="30.00")))
    ret = _received(flow, kept, [{"orderLineId": "L1", "quantity": 1, "reason": "NOT_AS_DESCRIBED"}])
    ok(_inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", None)))
    assert refund(flow, ret["id"])["refund"]["amount"]["amount"] == "36.99"


def test_ca_first_package_keeps_its_credit_when_the_defect_is_refuted(flow):
    ca = flow.record(order_input(line("L1", price="30.00"), line("L2", price="10.00"), country="CA"))
    ret = _received(flow, ca, [{"orderLineId": "L1", "quantity": 1, "reason": "DEFECTIVE"},
                               {"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])
    assert ret["quote"]["total"]["amount"] == "46.99"  # one credit per package
    ok(_inspect(flow, ret["id"], ("L1", "NEW_WITH_TAGS", False), ("L2", "NEW_WITH_TAGS", None)))
    done = refund(flow, ret["id"])
    assert done["refund"]["amount"]["amount"] == "46.99"
    clauses = {c["id"] for c in done["refund"]["appliedClauses"]}
    assert "FEE-CAJP-FIRST" in clauses and "FEE-CAJP-QUALITY" not in clauses

    # all lines rejected: 0.00 and no shipping credit either
    ret = _received(flow, flow.record(order_input(line("L1", price="30.00"), line("L2", price="10.00"),
                                                  country="CA")),
                    [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"},
                     {"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])
    inspected = ok(_inspect(flow, ret["id"], ("L1", "WORN", None), ("L2", "WASHED", None)))
    assert [li["accepted"] for li in inspected["lines"]] == [False, False]
    assert refund(flow, ret["id"])["refund"]["amount"]["amount"] == "0.00"


def test_refund_once_and_only_after_inspection(flow, stack, mailbox, tokens):
    order = flow.record(order_input(line("L1", price="45.00")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    rid = ret["id"]
    refused(flow.act(REFUND, tokens.agent, id=rid), "INVALID_STATE")  # approved, not received
    receive(flow, rid)
    refused(flow.act(REFUND, tokens.agent, id=rid), "INVALID_STATE")  # received, not inspected
    refused(
        flow.act(
            INSPECT,
            tokens.warehouse,
            id=order["id"],
            lines=[{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}],
        ),
        "NOT_FOUND",
    )
    inspect_all(flow, flow.get(rid))
    refused(flow.act(INSPECT, tokens.warehouse, id=rid, lines=[{"orderLineId": "L1", "condition": "WORN"}]),
            "INVALID_STATE")
    assert refunds_paid(stack, rid) == []
    refund(flow, rid)
    refused(flow.act(REFUND, tokens.agent, id=rid), "ALREADY_REFUNDED", "INVALID_STATE")
    after = flow.get(rid)
    assert [e["status"] for e in after["timeline"]].count("REFUNDED") == 1
    assert len(refunds_paid(stack, rid)) == 1
    assert len(mails_about(mailbox, rid, "refund")) == 1


def test_transitions_are_conditional_under_concurrency(flow, stack, mailbox, tokens):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    # two agents approve the same reviewed return at once: one wins, the other gets INVALID_STATE
    order = flow.record(order_input(line("L1"), billing=address("GB")))
    ret = ok(flow.request(order, method="PREPAID_LABEL"))
    assert ret["status"] == "UNDER_REVIEW"
    barrier = threading.Barrier(2)

    def approve(_):
        barrier.wait()
        return flow.act(APPROVE, tokens.agent, id=ret["id"], note=None)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(approve, range(2)))
    winners = [a for a in answers if not a["userErrors"]]
    losers = [a for a in answers if a["userErrors"]]
    assert len(winners) == 1 and len(losers) == 1, answers
    assert losers[0]["userErrors"][0]["code"] == "INVALID_STATE"
    after = flow.get(ret["id"])
    assert statuses(after) == ["REQUESTED", "UNDER_REVIEW", "APPROVED"]
    assert [e["actor"] for e in after["timeline"] if e["status"] == "APPROVED"] == [
        "agent:agent@allegra-k.com", "label"]  # one approval, then the label note
    assert after["label"] is not None
    assert len(mails_about(mailbox, ret["id"], "label")) == 1

    # several refund runs at once (agent clicks, the deadline workflow): one payment, one event, one mail
    receive(flow, ret["id"])
    inspect_all(flow, flow.get(ret["id"]))
    event = {"command": "issueRefund", "caller": {"sub": "agent-1", "email": "agent@allegra-k.com",
                                                  "groups": ["agent"]}, "input": {"id": ret["id"]}}
    runs = 6
    barrier = threading.Barrier(runs)

    def pay(_):
        barrier.wait()
        return stack.runtime.invoke("RefundFunction", event)

    with ThreadPoolExecutor(runs) as pool:
        answers = list(pool.map(pay, range(runs)))
    assert sum(1 for a in answers if not a["userErrors"]) == 1, answers
    assert {a["userErrors"][0]["code"] for a in answers if a["userErrors"]} <= {
        "ALREADY_REFUNDED",
        "INVALID_STATE",
    }
    stack.runtime.drain()
    after = flow.get(ret["id"])
    assert after["status"] == "REFUNDED"
    assert [e["status"] for e in after["timeline"]].count("REFUNDED") == 1
    [payment] = refunds_paid(stack, ret["id"])
    assert payment["id"] == after["refund"]["id"]
    assert len(mails_about(mailbox, ret["id"], "refund")) == 1


def test_authorization_of_lifecycle_mutations(flow, gql, tokens):
    order = flow.record(order_input(line("L1"), line("L2")))
    ret = approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])
    rid = ret["id"]
    stranger = tokens.customer("someone.else@example.com")
    customer = tokens.customer(order["email"])
    inspect_lines = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}]

    def code(document, token, **variables):
        errors = gql.errors(document, variables, token=token)
        return errors[0]["extensions"]["code"]

    # a customer of another order: as if the return did not exist
    not_found = {
        "return": None,
        "userErrors": [{"field": ["id"], "message": f"There is no return {rid}.", "code": "NOT_FOUND"}],
    }
    assert flow.act(CANCEL, stranger, id=rid) == not_found
    assert flow.act(TRACKING, stranger, id=rid, carrier="USPS", number="9400111899223856928499") == not_found
    # wrong roles
    assert code(APPROVE, tokens.warehouse, id=rid, note=None) == "FORBIDDEN"
    assert code(DECLINE, tokens.warehouse, id=rid, reason="no") == "FORBIDDEN"
    assert code(APPROVE, customer, id=rid, note=None) == "FORBIDDEN"
    assert code(RECEIVE, customer, id=rid, at=None) == "FORBIDDEN"
    assert code(INSPECT, customer, id=rid, lines=inspect_lines) == "FORBIDDEN"
    assert code(REFUND, customer, id=rid) == "FORBIDDEN"
    assert code(RECEIVE, tokens.agent, id=rid, at=None) == "FORBIDDEN"
    assert code(REFUND, tokens.warehouse, id=rid) == "FORBIDDEN"
    assert code(CANCEL, tokens.warehouse, id=rid) == "FORBIDDEN"
    assert (
        code(TRACKING, tokens.integration, id=rid, carrier="USPS", number="9400111899223856928499")
        == "FORBIDDEN"
    )
    # nobody
    for document, variables in (
        (CANCEL, {"id": rid}),
        (APPROVE, {"id": rid, "note": None}),
        (RECEIVE, {"id": rid, "at": None}),
        (INSPECT, {"id": rid, "lines": inspect_lines}),
        (REFUND, {"id": rid}),
        (DECLINE, {"id": rid, "reason": "x"}),
        (TRACKING, {"id": rid, "carrier": "USPS", "number": "9400111899223856928499"}),
    ):
        assert code(document, None, **variables) == "UNAUTHENTICATED"
    # nothing happened
    after = flow.get(rid)
    assert after["status"] == "APPROVED" and after["trackingNumber"] is None
    assert statuses(after) == ["REQUESTED", "APPROVED"]



def test_functions_recheck_authorization(flow, stack):
    order = flow.record(order_input(line("L1")))
    rid = approved(flow, order)["id"]
    stranger = {"sub": "x", "email": "someone.else@example.com", "groups": []}
    warehouse = {"sub": "w", "email": "warehouse@allegra-k.com", "groups": ["warehouse"]}
    customer = {"sub": "c", "email": order["email"], "groups": []}
    look_alike = {
        **customer,
        "email": "\uff4aane.doe@example.com",
    }  # FULLWIDTH j: NFKC-equal, another mailbox
    assert order["email"] == "jane.doe@example.com"
    for function, command, caller, payload in (
        ("RequestFunction", "cancelReturn", stranger, {"id": rid}),
        ("RequestFunction", "cancelReturn", look_alike, {"id": rid}),
        ("RequestFunction", "submitReturnTracking", stranger,
         {"id": rid, "carrier": "USPS", "trackingNumber": "9400111899223856928499"}),
        ("ScreeningFunction", "approveReturn", warehouse, {"id": rid, "note": None}),
        ("RefundFunction", "receiveReturn", customer, {"id": rid, "receivedAt": None}),
        ("RefundFunction", "issueRefund", warehouse, {"id": rid}),
    ):
        answer = stack.runtime.invoke(function, {"command": command, "caller": caller, "input": payload})
        assert [e["code"] for e in answer["userErrors"]] == ["FORBIDDEN"], (command, answer)
    assert flow.get(rid)["status"] == "APPROVED"
