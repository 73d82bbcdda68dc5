"""The providers' webhooks on the local stack, and a simulated carrier.

- `POST /webhooks/<provider>` reaches the function the template routes it to (API Gateway's job in
  AWS), as a payload v2 event with the raw body and headers: the function verifies the signature.
  The body is read bounded (`MAX_WEBHOOK_BODY_BYTES`, 413 beyond), as the gateway bounds /graphql.
- `stripe_refund_event` / `post_stripe_event` play Stripe: a refund event signed with the local
  webhook secret as Stripe signs, posted to POST /webhooks/stripe (the soak and the tests use them).
- `POST /_local/carrier/scan` plays the carrier: it builds the `tracker.updated` event EasyPost would
  send for a scan of a tracking number, signs it with the local webhook secret exactly as EasyPost
  signs (HMAC-SHA256 of the body, secret NFKD-normalised), and posts it through the same webhook
  path, so a local package moves the way a real one does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from returns_devstack.stack import EmbeddedStack

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

SCAN_MESSAGES = {
    "pre_transit": "Shipping label created",
    "in_transit": "Picked up by the carrier",
    "out_for_delivery": "Out for delivery",
    "delivered": "Delivered to the warehouse dock",
    "return_to_sender": "Returned to sender",
    "failure": "Delivery exception",
}


def stripe_signature(body: bytes, secret: str, *, at: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<body>")."""
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def stripe_refund_event(event_id: str, refund_id: str, status: str, *, return_id: str | None,
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


def post_stripe_event(embedded: EmbeddedStack, body: bytes, *,
                      signature: str | None = "sign") -> tuple[int, dict[str, Any]]:
    """What Stripe posts to POST /webhooks/stripe, signed with the local webhook secret (`signature`:
    "sign", a given header value, or None for none)."""
    headers = {"content-type": "application/json"}
    if signature == "sign":
        signature = stripe_signature(body, embedded.secret("STRIPE_WEBHOOK_SECRET_ARN"))
    if signature is not None:
        headers["Stripe-Signature"] = signature
    status, answer = embedded.runtime.http("POST", "/webhooks/stripe", body, headers)
    return status, json.loads(answer or b"{}")


def easypost_signature(body: bytes, secret: str) -> str:
    key = unicodedata.normalize("NFKD", secret).encode()
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


@dataclass
class CarrierSimulator:
    """Remembers each number's scans: EasyPost's events carry the whole history, newest last."""

    embedded: EmbeddedStack
    carrier: str = "UPS"
    _scans: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def scan(self, tracking_number: str, status: str, *, at: datetime | None = None,
             message: str | None = None) -> tuple[int, dict[str, Any]]:
        """The carrier scans the package: EasyPost's signed event, posted through the webhook path."""
        return self.post(*self.event(tracking_number, status, at=at, message=message))

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Post a signed event (again: EasyPost redelivers an event it got no 2xx for)."""
        status_code, answer = self.embedded.runtime.http("POST", "/webhooks/easypost", body, headers)
        return status_code, json.loads(answer or b"{}")

    def event(self, tracking_number: str, status: str, *, at: datetime | None = None,
              message: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The signed tracker.updated event EasyPost sends for a new scan (body, headers)."""
        if status not in SCAN_MESSAGES:
            raise ValueError(f"status must be one of {sorted(SCAN_MESSAGES)}")
        when = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        number = "".join(tracking_number.split()).upper()
        with self._lock:
            history = self._scans.setdefault(number, [])
            history.append({
                "object": "TrackingDetail", "status": status, "message": message or SCAN_MESSAGES[status],
                "description": message or SCAN_MESSAGES[status], "datetime": when, "source": self.carrier,
                "tracking_location": {"object": "TrackingLocation", "city": "New York", "state": "NY",
                                      "country": "US", "zip": "10118"},
            })
            details = list(history)
        event = {
            "id": f"evt_local_{uuid.uuid4().hex}",
            "object": "Event",
            "description": "tracker.updated",
            "mode": "test",
            "created_at": when,
            "updated_at": when,
            "status": "pending",
            "result": {
                "id": f"trk_local_{number}",
                "object": "Tracker",
                "mode": "test",
                "tracking_code": number,
                "status": status,
                "carrier": self.carrier,
                "tracking_details": details,
                "created_at": details[0]["datetime"],
                "updated_at": when,
            },
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        signature = easypost_signature(body, self.embedded.secret("EASYPOST_WEBHOOK_SECRET_ARN"))
        return body, {"content-type": "application/json", "X-Hmac-Signature": signature}


def webhook_routes(embedded: EmbeddedStack) -> list[BaseRoute]:
    """Starlette routes for the local server."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from returns_api.middleware import BodyLimit
    from returns_shared.service.limits import MAX_WEBHOOK_BODY_BYTES

    simulator = CarrierSimulator(embedded)

    async def forward(request: Request) -> Response:
        status, body = embedded.runtime.http(request.method, request.url.path, await request.body(),
                                             dict(request.headers))
        return Response(body, status_code=status, media_type="application/json")

    async def scan(request: Request) -> JSONResponse:
        try:
            wanted = json.loads(await request.body() or b"{}")
            status, answer = simulator.scan(
                str(wanted["trackingNumber"]), str(wanted.get("status", "in_transit"))
            )
        except (KeyError, ValueError) as exc:
            return JSONResponse(
                {"error": f'send {{"trackingNumber": ..., "status": ...}}: {exc}'}, status_code=400
            )
        return JSONResponse(
            {"webhookStatus": status, "webhookAnswer": answer}, status_code=200 if status < 300 else 502
        )

    paths = sorted(
        {route.path for route in embedded.stack.http_routes if route.path.startswith("/webhooks/")}
    )
    bounded = BodyLimit(Route("/{path:path}", forward, methods=["POST"]), max_bytes=MAX_WEBHOOK_BODY_BYTES)
    return [*(Route(path, bounded, methods=["POST"]) for path in paths),
            Route("/_local/carrier/scan", scan, methods=["POST"])]
