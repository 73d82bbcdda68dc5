"""Signed provider webhook calls for the stack tests: what Stripe and EasyPost would POST."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any


def stripe_signature(body: bytes, secret: str, *, at: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<body>")."""
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def refund_event(event_id: str, refund_id: str, status: str, *, return_id: str | None,
                 failure_reason: str | None = None, event_type: str = "refund.updated",
                 amount: int = 4500) -> bytes:
    """A Stripe event about a refund (the shape of Stripe's Event and Refund objects)."""
    now = int(time.time())
    event = {
        "id": event_id, "object": "event", "api_version": "2025-10-29.clover", "created": now,
        "livemode": False, "pending_webhooks": 1, "type": event_type,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {
            "id": refund_id, "object": "refund", "amount": amount, "currency": "usd", "created": now - 60,
            "status": status, "failure_reason": failure_reason, "reason": None,
            "metadata": {"return_id": return_id} if return_id else {},
        }},
    }
    return json.dumps(event, separators=(",", ":")).encode()


def post_stripe(stack: Any, body: bytes, *, signature: str | None = "sign") -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json"}
    if signature == "sign":
        signature = stripe_signature(body, stack.secret("STRIPE_WEBHOOK_SECRET_ARN"))
    if signature is not None:
        headers["Stripe-Signature"] = signature
    status, answer = stack.runtime.http("POST", "/webhooks/stripe", body, headers)
    return status, json.loads(answer or b"{}")
