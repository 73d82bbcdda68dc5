"""Provider webhook calls nobody should be able to turn into an error page, a replay window or a memory
bill (issue 19, holes 3, 4 and 7): any malformed signature is a 400 counted as a refused call, a Stripe
signature from too far in the future is refused like one from too far in the past, and the local
webhook routes read a bounded body, as /graphql does."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from returns_devstack.local_routes import local_app
from returns_devstack.webhooks import easypost_signature
from returns_shared.service import limits, webhook_calls

from .payment_helpers import post_stripe, refund_event, stripe_signature

LOOPBACK = "http://127.0.0.1:8000"


@pytest.fixture
def refused_calls(monkeypatch) -> list[str]:
    """The WebhookRefused metric as the ops alarm counts it (one data point per refused call)."""
    counted: list[str] = []
    real = webhook_calls.metrics.add_metric

    def count(*, name: str, unit: Any, value: float) -> None:
        counted.append(name)
        real(name=name, unit=unit, value=value)

    monkeypatch.setattr(webhook_calls.metrics, "add_metric", count)
    return counted


def _post(app: Any, path: str, headers: dict[str, Any], content: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=LOOPBACK) as client:
            return await client.post(path, headers=headers, content=content)

    return asyncio.run(go())


@pytest.mark.parametrize("path", ["/webhooks/stripe", "/webhooks/easypost"])
def test_a_non_ascii_signature_is_a_refused_call_not_a_function_error(stack, refused_calls, path):
    """The SDKs compare signatures with hmac.compare_digest, which raises TypeError for non-ASCII text:
    one anonymous request was a 500 (a function error that pages ops). Over real HTTP, as the probe
    sent it: the header's bytes are not ASCII."""
    header = "Stripe-Signature" if path.endswith("stripe") else "X-Hmac-Signature"
    value = f"t={int(time.time())},v1=café" if path.endswith("stripe") else "hmac-sha256-hex=café"
    answer = _post(local_app(stack), path, {header: value.encode(), "content-type": "application/json"},
                   b'{"id": "evt_1"}')
    assert answer.status_code == 400, answer.text
    assert "signature" in answer.json()["error"]
    assert refused_calls == ["WebhookRefused"]


@pytest.mark.parametrize("signature", [
    "t=,v1=", "t=abc,v1=00", "v1=00", "garbage", "t=1,v1=" + "0" * 64 + ",v0=\x00",
    "t=99999999999999999999,v1=00",
])
def test_any_malformed_stripe_signature_is_a_refused_call(stack, refused_calls, signature):
    body = refund_event("evt_malformed", "re_x", "failed", return_id=None)
    assert post_stripe(stack, body, signature=signature)[0] == 400
    assert refused_calls == ["WebhookRefused"]


def test_a_stripe_signature_from_the_future_is_refused_like_a_replay(flow, stack, refused_calls):
    """The SDK's tolerance bounds a signature's age only: one dated a day ahead verified, and stayed
    replayable for a day. The tolerance is bounded both ways."""
    body = refund_event("evt_future", "re_x", "failed", return_id=None)
    secret = stack.secret("STRIPE_WEBHOOK_SECRET_ARN")
    future = post_stripe(stack, body, signature=stripe_signature(body, secret, at=int(time.time()) + 86_400))
    assert future[0] == 400 and "future" in future[1]["error"]
    assert refused_calls == ["WebhookRefused"]
    # a clock a little ahead of ours (Stripe's, within the tolerance) is still fine
    slightly = stripe_signature(body, secret, at=int(time.time()) + 60)
    assert post_stripe(stack, body, signature=slightly) == (200, {"outcome": "ignored"})


@pytest.mark.parametrize("path", ["/webhooks/stripe", "/webhooks/easypost"])
def test_the_local_webhook_routes_read_a_bounded_body(stack, path):
    """40 MB posted to a local webhook route cost 314 MB of memory: it read every byte first. Now it
    stops reading past the limit (a declared length is refused before a byte is read)."""
    app = local_app(stack)
    limit = limits.MAX_WEBHOOK_BODY_BYTES
    declared = _post(app, path, {"content-type": "application/json"}, b"x" * (limit + 1))
    assert declared.status_code == 413
    chunk = b"x" * 65_536
    sent = {"chunks": 0}

    async def forty_megabytes() -> AsyncIterator[bytes]:  # streamed: no length declared
        for _ in range(40 * 1024 * 1024 // len(chunk)):
            sent["chunks"] += 1
            yield chunk

    streamed = _post(app, path, {"content-type": "application/json"}, forty_megabytes())
    assert streamed.status_code == 413
    assert sent["chunks"] * len(chunk) <= limit + 2 * len(chunk)  # it stopped reading at the limit
    # a body within the limit still reaches the function (here: unsigned, so refused by it)
    small = _post(app, path, {"content-type": "application/json"}, json.dumps({"id": "evt"}).encode())
    assert small.status_code == 400


def test_a_signed_easypost_call_within_the_limit_still_works(stack):
    body = json.dumps({"id": "evt_other", "object": "Event", "description": "batch.updated"}).encode()
    headers = {"X-Hmac-Signature": easypost_signature(body, stack.secret("EASYPOST_WEBHOOK_SECRET_ARN"))}
    answer = _post(local_app(stack), "/webhooks/easypost", headers, body)
    assert (answer.status_code, answer.json()) == (200, {"outcome": "ignored"})
