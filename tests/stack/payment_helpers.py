"""Signed provider webhook calls for the stack tests: what Stripe and EasyPost would POST (the local
stack's own simulators, returns_devstack.webhooks)."""

from __future__ import annotations

from typing import Any

from returns_devstack.webhooks import post_stripe_event, stripe_refund_event, stripe_signature

refund_event = stripe_refund_event
__all__ = ["post_stripe", "refund_event", "stripe_signature"]


def post_stripe(stack: Any, body: bytes, *, signature: str | None = "sign") -> tuple[int, dict[str, Any]]:
    return post_stripe_event(stack, body, signature=signature)
