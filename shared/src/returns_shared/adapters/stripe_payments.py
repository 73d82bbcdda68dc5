"""Refunds through Stripe, with the official SDK (production), or localstripe (the local stack).

`payment_reference` is the order's PaymentIntent (`pi_…`) or Charge (`ch_…`). Amounts go to Stripe in
the currency's minor units. Every refund carries its return id and idempotency key as metadata, so
`refunds_for` finds what was already paid for a return (an interrupted attempt, a refund a webhook
called failed) even where the server ignores idempotency keys (localstripe does). `refund_record` is
Stripe's current word on one refund (a webhook body only says which refund to ask about); `payment`
reads the PaymentIntent or Charge with its customer, to check it is the order's own.

Errors: rate limits, 5xx, timeouts and network failures are `PaymentUnavailable` (the attempt is
resumed later with the same key); a refusal Stripe will repeat (already refunded, amount too large,
unknown payment) is `PaymentDeclined` with Stripe's error code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from returns_shared.domain.money import Money
from returns_shared.domain.vocabulary import RefundStatus
from returns_shared.service.ports import (
    PaymentDeclined,
    PaymentReceipt,
    PaymentUnavailable,
    ProviderPayment,
    ProviderRefund,
)

# https://docs.stripe.com/currencies#zero-decimal and #three-decimal
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])
STATUSES = {
    "pending": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "requires_action": RefundStatus.REQUIRES_ACTION,
    "canceled": RefundStatus.CANCELED,
}
LIST_PAGE = 100  # refunds of one payment per page (a payment has a handful)


def _exponent(currency: str) -> int:
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def minor_units(money: Money) -> int:
    """19.99 USD → 1999; 500 JPY → 500. Refuses amounts Stripe cannot express exactly."""
    currency = money.currency.upper()
    scaled = money.amount * (Decimal(10) ** _exponent(currency))
    if scaled != scaled.to_integral_value():
        raise PaymentDeclined(
            f"{money} cannot be paid in {currency} minor units", code="amount_not_representable"
        )
    return int(scaled)


def refund_status(value: str | None) -> RefundStatus:
    return STATUSES.get(value or "", RefundStatus.PENDING)  # an unknown newer status: not final yet


class StripePayments:
    provider = "stripe"

    def __init__(
        self,
        api_key: Callable[[], str],
        *,
        api_base: str | None = None,  # localstripe's address locally; Stripe's own otherwise
        max_network_retries: int = 2,  # the SDK retries with the same idempotency key
        timeout_seconds: float = 10.0,
        http_client: Any = None,  # tests replay recorded answers through a stripe.HTTPClient
    ) -> None:
        self._api_key = api_key
        self._api_base = api_base
        self._retries = max_network_retries
        self._timeout = timeout_seconds
        self._http_client = http_client
        self._clients: dict[str, Any] = {}

    def _client(self) -> Any:
        key = self._api_key()  # cached by the secret provider; a rotated key gets a new client
        if key not in self._clients:
            import stripe

            http_client = self._http_client or stripe.RequestsClient(timeout=self._timeout)
            self._clients = {key: stripe.StripeClient(
                key,
                base_addresses={"api": self._api_base} if self._api_base else None,
                max_network_retries=self._retries,
                http_client=http_client,
            )}
        return self._clients[key]

    def refund(self, *, idempotency_key: str, payment_reference: str, amount: Money, return_id: str,
               at: datetime) -> PaymentReceipt:
        params: dict[str, Any] = {
            _payment_field(payment_reference): payment_reference,
            "amount": minor_units(amount),
            "metadata": {"return_id": return_id, "idempotency_key": idempotency_key},
        }
        refund = self._call(lambda client: client.v1.refunds.create(
            params=params, options={"idempotency_key": idempotency_key}))
        return _receipt(refund.to_dict(), amount=amount, payment_reference=payment_reference, at=at)

    def refunds_for(self, *, payment_reference: str, return_id: str,
                    idempotency_keys: Sequence[str]) -> list[ProviderRefund]:
        keys = set(idempotency_keys)
        listed = self._call(lambda client: [item.to_dict() for item in client.v1.refunds.list(
            params={_payment_field(payment_reference): payment_reference, "limit": LIST_PAGE}
        ).auto_paging_iter()])
        made = []
        for refund in listed:
            metadata = refund.get("metadata") or {}
            if metadata.get("return_id") == return_id or metadata.get("idempotency_key") in keys:
                made.append(_provider_refund(refund, payment_reference))
        return made

    def refund_record(self, refund_id: str) -> ProviderRefund | None:
        def retrieve(client: Any) -> dict[str, Any] | None:
            import stripe

            try:
                return dict(client.v1.refunds.retrieve(refund_id).to_dict())
            except stripe.InvalidRequestError as exc:
                if exc.http_status == 404:  # resource_missing: a refund Stripe does not know
                    return None
                raise

        refund = self._call(retrieve)
        if refund is None:
            return None
        reference = refund.get("payment_intent") or refund.get("charge") or ""
        return _provider_refund(refund, reference if isinstance(reference, str) else reference.get("id", ""))

    def payment(self, payment_reference: str) -> ProviderPayment:
        field = _payment_field(payment_reference)
        params = {"expand": ["customer"]}
        if field == "payment_intent":
            found = self._call(lambda client: client.v1.payment_intents.retrieve(
                payment_reference, params=params).to_dict())
            captured = found.get("amount_received")
            if captured is None:  # an API answer without it (localstripe): all of it once it succeeded
                captured = found.get("amount", 0) if found.get("status") == "succeeded" else 0
        else:
            found = self._call(lambda client: client.v1.charges.retrieve(
                payment_reference, params=params).to_dict())
            captured = found.get("amount_captured")
            if captured is None:
                captured = found.get("amount", 0) if found.get("captured") and found.get("paid") else 0
        currency = str(found.get("currency") or "").upper()
        customer = found.get("customer") if isinstance(found.get("customer"), dict) else {}
        billing = found.get("billing_details") or {}
        email = found.get("receipt_email") or customer.get("email") or billing.get("email")
        return ProviderPayment(
            reference=payment_reference,
            received=Money(amount=_from_minor_units(int(captured), currency), currency=currency),
            order_id=(found.get("metadata") or {}).get("order_id") or None,
            customer_email=email or None,
        )

    def _call(self, request: Callable[[Any], Any]) -> Any:
        import stripe

        client = self._client()
        try:
            return request(client)
        except (stripe.RateLimitError, stripe.APIConnectionError, stripe.APIError) as exc:
            raise PaymentUnavailable(f"Stripe unavailable: {exc.user_message or exc}") from exc
        except (stripe.AuthenticationError, stripe.PermissionError) as exc:
            # our configuration, not the refund: it waits (and alerts) until somebody fixes the key
            raise PaymentUnavailable(f"Stripe refused our credentials: {exc.user_message or exc}") from exc
        except stripe.StripeError as exc:  # invalid request, idempotency error, card error: final
            raise PaymentDeclined(str(exc.user_message or exc), code=getattr(exc, "code", None)) from exc


def _payment_field(payment_reference: str) -> str:
    if payment_reference.startswith("pi_"):
        return "payment_intent"
    if payment_reference.startswith("ch_") or payment_reference.startswith("py_"):
        return "charge"
    raise PaymentDeclined(f"{payment_reference!r} is neither a Stripe PaymentIntent nor a Charge",
                          code="unknown_payment_reference")


def _from_minor_units(value: int, currency: str) -> Decimal:
    exponent = _exponent(currency)
    return (Decimal(value) / (Decimal(10) ** exponent)).quantize(Decimal(1).scaleb(-exponent))


def _receipt(refund: dict[str, Any], *, amount: Money, payment_reference: str,
             at: datetime) -> PaymentReceipt:
    return PaymentReceipt(
        refund_id=refund["id"],
        amount=amount,
        payment_reference=payment_reference,
        issued_at=at,
        status=refund_status(refund.get("status")),
        failure_reason=refund.get("failure_reason"),
    )


def _provider_refund(refund: dict[str, Any], payment_reference: str) -> ProviderRefund:
    currency = str(refund["currency"]).upper()
    metadata = refund.get("metadata") or {}
    return ProviderRefund(
        refund_id=refund["id"],
        amount=Money(amount=_from_minor_units(refund["amount"], currency), currency=currency),
        payment_reference=payment_reference,
        status=refund_status(refund.get("status")),
        created_at=datetime.fromtimestamp(refund["created"], UTC),
        failure_reason=refund.get("failure_reason"),
        return_id=metadata.get("return_id"),
        idempotency_key=metadata.get("idempotency_key"),
    )
