"""The Stripe adapter through the official SDK: refunds against localstripe (Stripe's API, stateful),
and Stripe's error answers replayed through the SDK for the error mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import stripe

from returns_shared.adapters.stripe_payments import StripePayments, minor_units
from returns_shared.domain.money import Money
from returns_shared.domain.vocabulary import RefundStatus
from returns_shared.service.ports import PaymentDeclined, PaymentUnavailable

ERRORS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "stripe" / "errors.json").read_text())
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.fixture
def payments(localstripe) -> StripePayments:
    return StripePayments(lambda: "sk_test_adapter", api_base=localstripe.url, max_network_retries=0)


def test_refund_pays_the_payment_intent_in_minor_units_with_the_return_as_metadata(payments, localstripe):
    intent = localstripe.paid_payment_intent(Decimal("45.00"), "USD")
    receipt = payments.refund(idempotency_key="refund:RMA-A1", payment_reference=intent, amount=usd("30.10"),
                              return_id="RMA-A1", at=NOW)
    assert receipt.refund_id.startswith("re_") and receipt.status == RefundStatus.SUCCEEDED
    assert (receipt.amount, receipt.payment_reference, receipt.duplicate) == (usd("30.10"), intent, False)
    [stored] = localstripe.refunds_of(intent)
    assert (stored["id"], stored["amount"], stored["currency"]) == (receipt.refund_id, 3010, "usd")
    assert stored["metadata"] == {"return_id": "RMA-A1", "idempotency_key": "refund:RMA-A1"}


def test_a_charge_id_works_as_the_payment_reference(payments, localstripe):
    intent = localstripe.paid_payment_intent(Decimal("20.00"), "USD")
    latest = localstripe.client().v1.payment_intents.retrieve(intent).latest_charge
    charge = latest if isinstance(latest, str) else latest.id  # localstripe expands it
    receipt = payments.refund(idempotency_key="refund:RMA-C1", payment_reference=charge, amount=usd("20.00"),
                              return_id="RMA-C1", at=NOW)
    assert receipt.status == RefundStatus.SUCCEEDED
    assert [r["id"] for r in localstripe.refunds_of(intent)] == [receipt.refund_id]


def test_refunds_for_answers_the_refunds_made_for_a_return_and_nothing_else(payments, localstripe):
    intent = localstripe.paid_payment_intent(Decimal("45.00"), "USD")
    assert payments.refunds_for(payment_reference=intent, return_id="RMA-F1", idempotency_keys=[]) == []
    paid = payments.refund(idempotency_key="refund:RMA-F1", payment_reference=intent, amount=usd("20.00"),
                           return_id="RMA-F1", at=NOW)
    payments.refund(idempotency_key="refund:RMA-F2", payment_reference=intent, amount=usd("5.00"),
                    return_id="RMA-F2", at=NOW)  # another return of the order
    [found] = payments.refunds_for(payment_reference=intent, return_id="RMA-F1",
                                   idempotency_keys=["refund:RMA-F1"])
    assert (found.refund_id, found.amount, found.status, found.return_id, found.idempotency_key) == (
        paid.refund_id, usd("20.00"), RefundStatus.SUCCEEDED, "RMA-F1", "refund:RMA-F1")
    assert found.receipt().duplicate
    # found by the attempt's key alone too (a refund whose metadata names no return)
    by_key = payments.refunds_for(payment_reference=intent, return_id="RMA-X",
                                  idempotency_keys=["refund:RMA-F2"])
    assert [r.amount for r in by_key] == [usd("5.00")]


def test_refund_record_is_stripes_current_word_on_a_refund(payments, localstripe):
    intent = localstripe.paid_payment_intent(Decimal("45.00"), "USD")
    paid = payments.refund(idempotency_key="refund:RMA-R1", payment_reference=intent, amount=usd("45.00"),
                           return_id="RMA-R1", at=NOW)
    record = payments.refund_record(paid.refund_id)
    assert record is not None and (record.status, record.return_id) == (RefundStatus.SUCCEEDED, "RMA-R1")
    localstripe.fail_refund(paid.refund_id, "expired_or_canceled_card")
    record = payments.refund_record(paid.refund_id)
    assert record is not None
    assert (record.status, record.failure_reason) == (RefundStatus.FAILED, "expired_or_canceled_card")
    assert payments.refund_record("re_nobody_made_this") is None


def test_payment_reads_what_the_checkout_recorded(payments, localstripe):
    intent = localstripe.paid_payment_intent(Decimal("50.99"), "USD", order_id="AK-2001",
                                             email="jane@example.com")
    recorded = payments.payment(intent)
    assert (recorded.received, recorded.order_id, recorded.customer_email) == (
        usd("50.99"), "AK-2001", "jane@example.com")
    bare = payments.payment(localstripe.paid_payment_intent(Decimal("9.50"), "EUR"))
    assert (bare.received, bare.order_id, bare.customer_email) == (Money.of("9.50", "EUR"), None, None)
    with pytest.raises(PaymentDeclined):
        payments.payment("pi_nobody_paid_this")


def test_an_unknown_payment_is_declined_for_good(payments):
    with pytest.raises(PaymentDeclined):
        payments.refund(idempotency_key="refund:RMA-U1", payment_reference="pi_nobody_paid_this",
                        amount=usd("1.00"), return_id="RMA-U1", at=NOW)
    with pytest.raises(PaymentDeclined) as declined:
        payments.refund(idempotency_key="refund:RMA-U2", payment_reference="PAY-12345", amount=usd("1.00"),
                        return_id="RMA-U2", at=NOW)
    assert declined.value.code == "unknown_payment_reference"


class Replay(stripe.HTTPClient):
    """Answers every request with one recorded Stripe answer (or raises a network failure)."""

    name = "replay"

    def __init__(self, answer: str | None = None, *, network_error: bool = False) -> None:
        super().__init__()
        self.answer, self.network_error, self.requests = answer, network_error, []

    def request(self, method: str, url: str, headers: Any, post_data: Any = None, **_: Any) -> Any:
        self.requests.append((method, url, headers, post_data))
        if self.network_error:
            raise stripe.APIConnectionError("Request timed out")
        recorded = ERRORS[self.answer]
        return json.dumps(recorded["body"]), recorded["status"], {"request-id": "req_replay"}

    def close(self) -> None:
        pass


def replaying(answer: str | None = None, **kwargs: Any) -> tuple[StripePayments, Replay]:
    client = Replay(answer, **kwargs)
    return StripePayments(lambda: "sk_test_replay", max_network_retries=0, http_client=client), client


@pytest.mark.parametrize(("answer", "code"), [
    ("charge_already_refunded", "charge_already_refunded"),
    ("amount_too_large", "amount_too_large"),
    ("resource_missing", "resource_missing"),
    ("idempotency_key_reused", None),
])
def test_refusals_stripe_will_repeat_are_declined_with_its_code(answer, code):
    payments, client = replaying(answer)
    with pytest.raises(PaymentDeclined) as declined:
        payments.refund(idempotency_key="refund:RMA-E1", payment_reference="pi_123", amount=usd("45.00"),
                        return_id="RMA-E1", at=NOW)
    assert declined.value.code == code
    assert declined.value.message == ERRORS[answer]["body"]["error"]["message"]
    [(method, url, headers, body)] = client.requests
    assert method == "post" and url.endswith("/v1/refunds")
    assert headers["Idempotency-Key"] == "refund:RMA-E1"
    assert "amount=4500" in body and "payment_intent=pi_123" in body


@pytest.mark.parametrize("answer", ["rate_limit", "api_error", "lock_timeout", "invalid_api_key"])
def test_transient_answers_are_unavailable_not_declined(answer):
    payments, _ = replaying(answer)
    with pytest.raises(PaymentUnavailable):
        payments.refund(idempotency_key="refund:RMA-T1", payment_reference="pi_123", amount=usd("45.00"),
                        return_id="RMA-T1", at=NOW)


def test_a_timeout_is_unavailable():
    payments, _ = replaying(network_error=True)
    with pytest.raises(PaymentUnavailable):
        payments.refunds_for(payment_reference="pi_123", return_id="RMA-T2", idempotency_keys=[])
    with pytest.raises(PaymentUnavailable):
        payments.refund_record("re_123")
    with pytest.raises(PaymentUnavailable):
        payments.payment("pi_123")


@pytest.mark.parametrize(("money", "units"), [
    (Money.of("19.99", "USD"), 1999), (Money.of("0.01", "EUR"), 1), (Money.of("500", "JPY"), 500),
    (Money.of("1.235", "KWD"), 1235), (Money.of("6.99", "CAD"), 699),
])
def test_minor_units(money, units):
    assert minor_units(money) == units


def test_amounts_stripe_cannot_express_are_refused():
    with pytest.raises(PaymentDeclined):
        minor_units(Money.of("10.005", "USD"))
    with pytest.raises(PaymentDeclined):
        minor_units(Money.of("0.5", "JPY"))
