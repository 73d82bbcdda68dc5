"""EasyPost's webhook calls: the `X-Hmac-Signature` checked through the SDK (HMAC-SHA256 of the raw body
with the webhook secret), then `tracker.updated` events read into `TrackingUpdate`s."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from returns_shared.adapters.webhook_signatures import signature_header
from returns_shared.domain.tracking import CarrierScan
from returns_shared.service.ports import InvalidWebhook, TrackingUpdate

SIGNATURE_HEADER = "X-Hmac-Signature"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _place(location: Mapping[str, Any] | None) -> str | None:
    if not location:
        return None
    parts = [location.get("city"), location.get("state"), location.get("country")]
    return " ".join(str(p) for p in parts if p) or None


class EasyPostWebhookEvents:
    provider = "easypost"

    def __init__(self, secret: Callable[[], str]) -> None:
        self._secret = secret

    def tracking_update(self, body: bytes, headers: Mapping[str, str]) -> TrackingUpdate | None:
        from easypost.errors import SignatureVerificationError
        from easypost.util import validate_webhook

        # the SDK looks the header up by its exact name; API Gateway hands headers over lower-cased. Not
        # ASCII: refused before the SDK's hmac.compare_digest raises TypeError on it (a 500).
        signature = signature_header(headers, SIGNATURE_HEADER)
        try:
            event = validate_webhook(body, {SIGNATURE_HEADER: signature}, self._secret())
        except SignatureVerificationError as exc:
            raise InvalidWebhook(f"the EasyPost signature does not match: {exc}") from exc
        except ValueError as exc:  # signed, but not JSON
            raise InvalidWebhook("the body is not an EasyPost event") from exc
        if not isinstance(event, dict) or event.get("description") != "tracker.updated":
            return None
        try:
            return _tracking_update(event)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # signed, not EasyPost's shape
            raise InvalidWebhook(f"a malformed tracker.updated event: {type(exc).__name__}") from exc


def _tracking_update(event: Mapping[str, Any]) -> TrackingUpdate:
    tracker = event.get("result") or {}
    if tracker.get("object") != "Tracker" or not tracker.get("tracking_code") or not event.get("id"):
        raise InvalidWebhook("a tracker.updated event without its id or tracker")
    scans = tuple(
        CarrierScan(status=detail.get("status") or "unknown", message=detail.get("message") or "",
                    at=_when(detail["datetime"]), location=_place(detail.get("tracking_location")))
        for detail in tracker.get("tracking_details") or [] if detail.get("datetime")
    )
    return TrackingUpdate(event_id=str(event["id"]), tracking_number=str(tracker["tracking_code"]),
                          carrier=tracker.get("carrier"), status=str(tracker.get("status") or "unknown"),
                          scans=tuple(sorted(scans, key=lambda scan: scan.at)))
