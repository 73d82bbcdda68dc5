"""Real money on the stack: refunds through the Stripe adapter to localstripe, Stripe's refund webhook
(POST /webhooks/stripe), failed refunds for agents, retries, and REFUND-ONCE when the provider is
slow, unreachable, or answered but the answer was not recorded."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3

from returns_shared.service.ports import PaymentUnavailable

from .lifecycle_helpers import approved, inspect_all, mails_about, ok, receive, refund, refunds_paid
from .payment_helpers import post_stripe, refund_event, stripe_signature
from .support import REFUND, line, mutation, order_input

EVENTS = Path(__file__).resolve().parents[2] / "events"
RETRY = mutation("retryRefund", "id: $id", "$id: ID!")
FAILED = """query { failedRefunds(first: 10) {
  edges { node { id status refund { id status failureReason attempt } } } } }"""


def _inspected(flow, *, price: str = "45.00") -> tuple[dict[str, Any], str]:
    order = flow.record(order_input(line("L1", price=price)))
    rid = approved(flow, order)["id"]
    receive(flow, rid)
    inspect_all(flow, flow.get(rid))
    return order, rid


def _ops_alerts(stack) -> list[str]:
    from moto.sns.models import sns_backends

    topic = sns_backends["123456789012"]["us-east-1"].topics[stack.stack.ops_topic_arn]
    return [str(notification) for notification in topic.sent_notifications]


def _failed_ids(gql, tokens) -> list[str]:
    edges = gql(FAILED, token=tokens.agent)["failedRefunds"]["edges"]
    return [edge["node"]["id"] for edge in edges]


def _webhook_claims(stack) -> int:
    client = boto3.client("dynamodb")
    items = client.scan(TableName=stack.stack.table_name, FilterExpression="begins_with(pk, :p)",
                        ExpressionAttributeValues={":p": {"S": "WEBHOOK#"}})["Items"]  # test-only look
    return len(items)


def test_a_refund_that_fails_later_is_owed_again_listed_alerted_and_retried_once(
    flow, gql, tokens, stack, mailbox
):
    order, rid = _inspected(flow)
    paid = refund(flow, rid)
    assert (paid["status"], paid["refund"]["status"]) == ("REFUNDED", "SUCCEEDED")
    first_refund = paid["refund"]["id"]
    alerts = len(_ops_alerts(stack))

    stack.payments.fail_refund(first_refund, "expired_or_canceled_card")  # the bank returned it
    body = refund_event(
        "evt_fail_1", first_refund, "failed", return_id=rid, failure_reason="expired_or_canceled_card"
    )
    assert post_stripe(stack, body) == (200, {"outcome": "applied"})
    after = flow.get(rid)
    assert (after["status"], after["refund"]["status"]) == ("INSPECTED", "FAILED")
    assert after["refund"]["failureReason"] == "expired_or_canceled_card"
    assert "owed again" in after["timeline"][-1]["note"] and after["timeline"][-1]["actor"] == "payments"
    assert _failed_ids(gql, tokens) == [rid]
    assert len(_ops_alerts(stack)) == alerts + 1 and rid in _ops_alerts(stack)[-1]

    # Stripe redelivers the same event: nothing changes
    version = stack.deps.repo.get_return(rid).version
    assert post_stripe(stack, body) == (200, {"outcome": "duplicate"})
    assert stack.deps.repo.get_return(rid).version == version and len(_ops_alerts(stack)) == alerts + 1

    # the deadline workflow does not pay it behind the agents' backs; issueRefund points to the retry
    answer = flow.act(REFUND, tokens.agent, id=rid)
    assert [e["code"] for e in answer["userErrors"]] == ["REFUND_FAILED"]

    retried = ok(flow.act(RETRY, tokens.agent, id=rid))
    assert (retried["status"], retried["refund"]["status"]) == ("REFUNDED", "SUCCEEDED")
    assert retried["refund"]["id"] != first_refund
    assert _failed_ids(gql, tokens) == []
    refunds = refunds_paid(stack, rid)  # localstripe: the failed one (Stripe's record) and the retry
    assert sorted(r["metadata"]["idempotency_key"] for r in refunds) == [f"refund:{rid}", f"refund:{rid}:2"]
    assert len(mails_about(mailbox, rid, "refund")) == 2  # a confirmation for the refund that really paid
    again = flow.act(RETRY, tokens.agent, id=rid)
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    assert [e["code"] for e in flow.act(REFUND, tokens.agent, id=rid)["userErrors"]] == ["ALREADY_REFUNDED"]
    assert len(refunds_paid(stack, rid)) == 2


def test_unsigned_forged_and_stale_calls_answer_400_and_write_nothing(flow, stack):
    _, rid = _inspected(flow)
    refund_id = refund(flow, rid)["refund"]["id"]
    version = stack.deps.repo.get_return(rid).version
    claims = _webhook_claims(stack)
    body = refund_event("evt_forged", refund_id, "failed", return_id=rid)
    assert post_stripe(stack, body, signature=None)[0] == 400
    assert post_stripe(stack, body, signature=stripe_signature(body, "whsec_somebody_else"))[0] == 400
    assert (
        post_stripe(
            stack,
            body,
            signature=stripe_signature(body, stack.secret("STRIPE_WEBHOOK_SECRET_ARN"), at=1_700_000_000),
        )[0]
        == 400
    )  # a replay
    tampered = body.replace(b'"failed"', b'"canceled"')
    assert (
        post_stripe(
            stack, tampered, signature=stripe_signature(body, stack.secret("STRIPE_WEBHOOK_SECRET_ARN"))
        )[0]
        == 400
    )
    assert post_stripe(stack, b"not json")[0] == 400
    assert post_stripe(stack, b"[1, 2]")[0] == 400  # signed JSON that is no event
    untyped = json.dumps({"id": "evt_untyped", "object": "event", "created": 1796040000,
                          "data": {"object": {"id": refund_id, "object": "refund"}}}).encode()
    assert post_stripe(stack, untyped)[1] == {"outcome": "ignored"}  # no type: nothing to act on
    no_refund = json.dumps({"id": "evt_empty", "object": "event", "type": "refund.updated", "created": 1,
                            "data": {}}).encode()
    assert post_stripe(stack, no_refund)[0] == 400
    assert stack.deps.repo.get_return(rid).version == version
    assert _webhook_claims(stack) == claims


def test_late_foreign_and_other_events_change_nothing(flow, stack):
    _, rid = _inspected(flow)
    refund_id = refund(flow, rid)["refund"]["id"]
    version = stack.deps.repo.get_return(rid).version
    assert post_stripe(stack, refund_event("evt_late", refund_id, "pending", return_id=rid)) == (
        200,
        {"outcome": "ignored"},
    )
    assert post_stripe(stack, refund_event("evt_other", "re_not_ours", "failed", return_id=rid))[1] == {
        "outcome": "ignored"
    }
    assert post_stripe(stack, refund_event("evt_nobody", "re_x", "failed", return_id=None))[1] == {
        "outcome": "ignored"
    }
    assert post_stripe(
        stack,
        refund_event("evt_pi", refund_id, "failed", return_id=rid, event_type="payment_intent.succeeded"),
    )[1] == {"outcome": "ignored"}
    assert stack.deps.repo.get_return(rid).version == version
    assert flow.get(rid)["refund"]["status"] == "SUCCEEDED"


def test_the_webhook_event_file_through_the_refund_function(flow, stack):
    _, rid = _inspected(flow)
    refund_id = refund(flow, rid)["refund"]["id"]
    event = json.loads((EVENTS / "refund/http_stripe_webhook.json").read_text())
    stack.payments.fail_refund(refund_id, "expired_or_canceled_card")  # what the event reports
    body = json.loads(event["body"])
    body["data"]["object"].update(id=refund_id, metadata={"return_id": rid})
    raw = json.dumps(body, separators=(",", ":"))
    event.update(body=raw, isBase64Encoded=False)
    event["headers"]["stripe-signature"] = stripe_signature(
        raw.encode(), stack.secret("STRIPE_WEBHOOK_SECRET_ARN")
    )
    answer = stack.runtime.invoke("RefundFunction", event)
    assert answer["statusCode"] == 200 and json.loads(answer["body"]) == {"outcome": "applied"}
    assert flow.get(rid)["refund"]["status"] == "FAILED"


def test_stripe_unreachable_answers_payment_unavailable_then_the_retry_pays_once(
    flow, stack, tokens, monkeypatch
):
    _, rid = _inspected(flow)
    payments = stack.deps.payments
    real_refund = payments.refund

    def unreachable(**kwargs: Any) -> Any:
        raise PaymentUnavailable("Stripe unavailable: Request timed out")

    monkeypatch.setattr(payments, "refund", unreachable)
    answer = flow.act(REFUND, tokens.agent, id=rid)
    assert [e["code"] for e in answer["userErrors"]] == ["PAYMENT_UNAVAILABLE"]
    stored = stack.deps.repo.get_return(rid)
    assert stored.status.value == "INSPECTED" and stored.refund_attempt.interrupted
    monkeypatch.setattr(payments, "refund", real_refund)
    assert refund(flow, rid)["status"] == "REFUNDED"  # resumed at once, with the same key
    [paid] = refunds_paid(stack, rid)
    assert paid["metadata"]["idempotency_key"] == f"refund:{rid}"


def test_a_refund_paid_but_not_recorded_is_found_never_paid_twice(flow, stack, tokens, monkeypatch):
    """The worker dies after Stripe paid (here: its write of the outcome fails). Until the attempt's
    lease ends, other runs pay nothing; then the next run asks Stripe, finds the refund, records it."""
    _, rid = _inspected(flow)
    deps = stack.deps
    real_unit_of_work = deps.unit_of_work
    failing = {"left": 1}

    class DyingUnitOfWork:
        def __init__(self) -> None:
            self.inner = real_unit_of_work()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def commit(self) -> None:
            writes = json.dumps(self.inner._writes)
            if failing["left"] and '"REFUNDED"' in writes:
                failing["left"] -= 1
                raise RuntimeError("the function timed out")
            self.inner.commit()

    monkeypatch.setattr(deps, "unit_of_work", DyingUnitOfWork)
    assert "errors" in flow.gql.raw(REFUND, {"id": rid}, token=tokens.agent).json()  # masked INTERNAL error
    assert len(refunds_paid(stack, rid)) == 1  # Stripe paid
    monkeypatch.setattr(deps, "unit_of_work", real_unit_of_work)

    busy = flow.act(REFUND, tokens.agent, id=rid)  # within the lease: somebody may still be paying
    assert [e["code"] for e in busy["userErrors"]] == ["ALREADY_REFUNDED"]
    now = deps.clock()
    monkeypatch.setattr(deps, "clock", lambda: now + timedelta(minutes=3))
    done = refund(flow, rid)
    [paid] = refunds_paid(stack, rid)
    assert (done["status"], done["refund"]["id"]) == ("REFUNDED", paid["id"])


def test_a_refund_stripe_refuses_stays_owed_and_alerts_ops(flow, gql, tokens, stack, monkeypatch):
    from returns_shared.service.ports import PaymentDeclined

    _, rid = _inspected(flow)
    alerts = len(_ops_alerts(stack))

    def refused(**kwargs: Any) -> Any:
        raise PaymentDeclined("Charge ch_3QH1 has already been refunded.", code="charge_already_refunded")

    monkeypatch.setattr(stack.deps.payments, "refund", refused)
    answer = ok(flow.act(REFUND, tokens.agent, id=rid))  # recorded, so no userError: the refund shows it
    assert (answer["status"], answer["refund"]["status"]) == ("INSPECTED", "FAILED")
    assert (
        answer["refund"]["failureReason"]
        == "charge_already_refunded: Charge ch_3QH1 has already been refunded."
    )
    assert _failed_ids(gql, tokens) == [rid]
    assert len(_ops_alerts(stack)) == alerts + 1 and "charge_already_refunded" in _ops_alerts(stack)[-1]
    assert refunds_paid(stack, rid) == []
    # the deadline workflow leaves it to the agents (no second try, no second alert)
    from returns_shared.service.refunds import deadline_due

    with monkeypatch.context() as later:
        now = stack.deps.clock()
        later.setattr(stack.deps, "clock", lambda: now + timedelta(days=8))
        assert deadline_due(rid, stack.deps) == "refund-failed"
    assert len(_ops_alerts(stack)) == alerts + 1


def test_returns_inspected_before_any_is_paid_never_refund_more_than_the_items_cost(flow, tokens, stack):
    """REFUND-AMOUNT: 0.335 × 3 paid 1.00 for the items (sum of rounded lines). Three returns of one
    unit each are 0.34 each; inspected all before any refund, the third is capped at what is left."""
    order = flow.record(order_input(line("L1", price="0.335", quantity=3)))
    rids = [approved(flow, order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["id"]
            for _ in range(3)]
    for rid in rids:
        receive(flow, rid)
    settled = [inspect_all(flow, flow.get(rid))["id"] for rid in rids]
    amounts = [refund(flow, rid)["refund"]["amount"]["amount"] for rid in settled]
    assert amounts == ["0.34", "0.34", "0.32"]
    paid = sum(r["amount"] for rid in rids for r in refunds_paid(stack, rid))
    assert paid == 100  # cents: never more than the order paid for its items


def test_a_refund_event_that_arrives_before_the_refund_is_recorded_is_not_lost(flow, stack, monkeypatch):
    """Stripe may send a refund's event while the payer has not yet written Stripe's answer on the return
    (an async failure within a second). Acknowledging it then would lose it for good (Stripe does not
    resend an acknowledged event): the return would say REFUNDED for money that never left. The webhook
    answers a retryable error and claims nothing; Stripe's redelivery applies it."""
    _, rid = _inspected(flow)
    payments = stack.deps.payments
    real_refund = payments.refund
    early: dict[str, Any] = {}

    def refund_then_fail_at_once(**kwargs: Any) -> Any:
        receipt = real_refund(**kwargs)
        stack.payments.fail_refund(receipt.refund_id, "lost_or_stolen_card")
        early["body"] = refund_event("evt_early_fail", receipt.refund_id, "failed", return_id=rid,
                                     failure_reason="lost_or_stolen_card")
        early["answer"] = post_stripe(stack, early["body"])
        return receipt

    monkeypatch.setattr(payments, "refund", refund_then_fail_at_once)
    refund(flow, rid)
    status, _ = early["answer"]
    assert status >= 400  # not acknowledged: Stripe retries it
    monkeypatch.setattr(payments, "refund", real_refund)
    assert post_stripe(stack, early["body"]) == (200, {"outcome": "applied"})  # the redelivery
    after = flow.get(rid)
    assert (after["status"], after["refund"]["status"]) == ("INSPECTED", "FAILED")
    assert after["refund"]["failureReason"] == "lost_or_stolen_card"


def test_refused_webhook_calls_are_counted_for_the_ops_alarm(flow, stack, capsys, monkeypatch):
    """A wrong webhook secret refuses every event silently otherwise (WebhookRefused, template alarm)."""
    from aws_lambda_powertools import Metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the local stack turns them off
    Metrics().clear_metrics()  # disabled, they were never flushed: earlier tests' would show here
    body = refund_event("evt_forged_metric", "re_x", "failed", return_id=None)
    capsys.readouterr()
    assert post_stripe(stack, body, signature=stripe_signature(body, "whsec_somebody_else"))[0] == 400
    status, _ = stack.runtime.http("POST", "/webhooks/easypost", b"{}",
                                   {"x-hmac-signature": "hmac-sha256-hex=00"})
    assert status == 400
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    counted = [m for m in emitted if "WebhookRefused" in m]
    assert [m["WebhookRefused"] for m in counted] == [[1.0], [1.0]]  # one refusal per call
    assert all(m["service"] == "returns" for m in counted)


def test_a_signed_failure_event_for_a_paid_refund_then_a_retry_pays_once(flow, gql, tokens, stack):
    """Issue 19, the attacker's repro against localstripe: a signed `refund.failed` for a refund Stripe
    paid put the return back to INSPECTED and retryRefund paid a second time (two succeeded refunds on
    one PaymentIntent). Stripe's record says succeeded: the event changes nothing."""
    _, rid = _inspected(flow)
    paid = refund(flow, rid)["refund"]["id"]
    body = refund_event("evt_forged_failure", paid, "failed", return_id=rid, event_type="refund.failed",
                        failure_reason="expired_or_canceled_card")
    assert post_stripe(stack, body) == (200, {"outcome": "ignored"})
    after = flow.get(rid)
    assert (after["status"], after["refund"]["status"]) == ("REFUNDED", "SUCCEEDED")
    assert _failed_ids(gql, tokens) == []
    assert [e["code"] for e in flow.act(RETRY, tokens.agent, id=rid)["userErrors"]] == ["INVALID_STATE"]
    [only] = refunds_paid(stack, rid)
    assert (only["id"], only["status"]) == (paid, "succeeded")


def test_the_order_feed_cannot_name_another_customers_payment(flow, gql, tokens, stack):
    """Issue 19 hole 5: the feed recorded a new order with another customer's PaymentIntent, and the
    order's refund went to that customer's card. Before the first refund, Stripe's record of the
    payment is checked (here its metadata names another order, its customer another email): nothing is
    paid, the refund is FAILED with the reason, listed for agents, ops alerted."""
    theirs = flow.record(order_input(line("L1", price="80.00"), email="bob@example.com"))
    mine = order_input(line("L1", price="45.00"))
    mine["paymentReference"] = theirs["paymentReference"]
    flow.record(mine)
    rid = approved(flow, mine)["id"]
    receive(flow, rid)
    inspect_all(flow, flow.get(rid))
    alerts = len(_ops_alerts(stack))
    answer = ok(flow.act(REFUND, tokens.agent, id=rid))
    assert (answer["status"], answer["refund"]["status"]) == ("INSPECTED", "FAILED")
    reason = answer["refund"]["failureReason"]
    assert reason.startswith("payment_not_of_order:") and f"made for order {theirs['id']}" in reason
    assert "another customer's email" in reason
    assert stack.payments.refunds_of(theirs["paymentReference"]) == []  # not a cent to bob's card
    assert _failed_ids(gql, tokens) == [rid]
    assert len(_ops_alerts(stack)) == alerts + 1 and "payment not the order's" in _ops_alerts(stack)[-1]


def test_a_payment_that_does_not_cover_the_order_is_not_refunded(flow, tokens, stack):
    """A PaymentIntent for less than the order (the checkout set no metadata): not this order's."""
    small = stack.payments.paid_payment_intent(Decimal("5.00"), "USD")
    order = order_input(line("L1", price="45.00"))
    order["paymentReference"] = small
    flow.record(order)
    rid = approved(flow, order)["id"]
    receive(flow, rid)
    inspect_all(flow, flow.get(rid))
    answer = ok(flow.act(REFUND, tokens.agent, id=rid))
    assert answer["refund"]["status"] == "FAILED"
    assert "less than the order's 50.99 USD" in answer["refund"]["failureReason"]
    assert stack.payments.refunds_of(small) == []
