"""Stripe's webhook calls: the signature checked with the endpoint secret through the SDK, then the
refund events read into `RefundUpdate`s. Any other event type is acknowledged and ignored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from returns_shared.adapters.stripe_payments import refund_status
from returns_shared.service.ports import InvalidWebhook, RefundUpdate

REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"})
TOLERANCE_SECONDS = 300  # Stripe's default: an older signed call is a replay


class StripeWebhookEvents:
    provider = "stripe"

    def __init__(self, endpoint_secret: Callable[[], str]) -> None:
        self._secret = endpoint_secret

    def refund_update(self, body: bytes, headers: Mapping[str, str]) -> RefundUpdate | None:
        import stripe

        signature = {k.lower(): v for k, v in headers.items()}.get("stripe-signature")
        if not signature:
            raise InvalidWebhook("no Stripe-Signature header")
        try:
            event = stripe.Webhook.construct_event(body, signature, self._secret(), tolerance=TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"the Stripe signature does not match: {exc.user_message or exc}") from exc
        except ValueError as exc:  # not JSON
            raise InvalidWebhook("the body is not a Stripe event") from exc
        if event.type not in REFUND_EVENTS:
            return None
        refund = event.data.object.to_dict()
        if refund.get("object") != "refund":
            raise InvalidWebhook(f"a {event.type} event without a refund object")
        return RefundUpdate(
            event_id=event.id,
            refund_id=refund["id"],
            status=refund_status(refund.get("status")),
            failure_reason=refund.get("failure_reason"),
            return_id=(refund.get("metadata") or {}).get("return_id"),
            occurred_at=datetime.fromtimestamp(event.created, UTC),
        )
