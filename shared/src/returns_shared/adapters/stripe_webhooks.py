"""Stripe's webhook calls: the signature checked with the endpoint secret through the SDK, then the
refund events read into `RefundUpdate`s. Any other event type is acknowledged and ignored.

The SDK bounds a signature's age only; its timestamp is bounded here the other way too (a signature
dated ahead of our clock would stay replayable until then). A header that is not ASCII is refused
before the SDK sees it (its hmac.compare_digest raises TypeError on non-ASCII text)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from returns_shared.adapters.stripe_payments import refund_status
from returns_shared.adapters.webhook_signatures import signature_header
from returns_shared.service.ports import InvalidWebhook, RefundUpdate

REFUND_EVENTS = frozenset({"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"})
TOLERANCE_SECONDS = 300  # Stripe's default: an older signed call is a replay; a newer one is refused too


def _signed_at(signature: str) -> int | None:
    for part in signature.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t" and value.strip().isdigit():
            return int(value.strip())
    return None


class StripeWebhookEvents:
    provider = "stripe"

    def __init__(self, endpoint_secret: Callable[[], str], *, clock: Callable[[], float] = time.time) -> None:
        self._secret = endpoint_secret
        self._clock = clock

    def refund_update(self, body: bytes, headers: Mapping[str, str]) -> RefundUpdate | None:
        import stripe

        signature = signature_header(headers, "Stripe-Signature")
        try:
            event = stripe.Webhook.construct_event(
                body, signature, self._secret(), tolerance=TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"the Stripe signature does not match: {exc.user_message or exc}") from exc
        except (ValueError, TypeError, AttributeError) as exc:  # not JSON, or JSON that is no event
            raise InvalidWebhook("the body is not a Stripe event") from exc
        signed_at = _signed_at(signature)  # verified above: the timestamp is Stripe's
        if signed_at is None or signed_at > self._clock() + TOLERANCE_SECONDS:
            raise InvalidWebhook("the Stripe signature is dated in the future (beyond the tolerance)")
        data = event.to_dict()  # signed by Stripe, but read defensively: a malformed event is a 400
        if data.get("type") not in REFUND_EVENTS:
            return None
        refund = (data.get("data") or {}).get("object") or {}
        if refund.get("object") != "refund" or not refund.get("id") or not data.get("id"):
            raise InvalidWebhook(f"a {data.get('type')} event without an id or a refund object")
        created = data.get("created")
        if not isinstance(created, int):
            raise InvalidWebhook("a Stripe event without its creation time")
        return RefundUpdate(
            event_id=str(data["id"]),
            refund_id=str(refund["id"]),
            status=refund_status(refund.get("status")),
            failure_reason=refund.get("failure_reason"),
            return_id=(refund.get("metadata") or {}).get("return_id"),
            occurred_at=datetime.fromtimestamp(created, UTC),
        )
