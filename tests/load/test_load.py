"""The bounded load run in `make test`: 20 concurrent clients for 20 s against the real local stack
(`make dev`'s server in its own process), mixing quotes, return requests and listings. Zero errors;
p50/p95 are printed in the session summary (`make load` runs the same on its own). A second, short
run against the same stack (what `make load --url` does twice) reuses no idempotency key."""

from __future__ import annotations

import asyncio

import pytest

from returns_devstack.load import run_load
from returns_devstack.local_server import LocalServer

from .conftest import FIGURES

pytestmark = pytest.mark.slow
CLIENTS, SECONDS = 20, 20  # issue 11: 20 concurrent clients for 20 s
AGAIN_CLIENTS, AGAIN_SECONDS = 5, 1.5


def test_concurrent_clients_see_no_errors():
    server = LocalServer()
    try:
        report = asyncio.run(run_load(server.url, clients=CLIENTS, seconds=SECONDS))
        again = asyncio.run(run_load(server.url, clients=AGAIN_CLIENTS, seconds=AGAIN_SECONDS))
    finally:
        server.stop()
    summary = report.summary()
    FIGURES.append(summary)
    assert report.errors == []
    assert again.errors == [] and again.latencies["request"], again.summary()  # the same customers, new keys
    assert all(summary[kind]["count"] > 0 for kind in ("quote", "list", "request")), summary
    assert server.process.returncode is not None  # stopped, nothing left running
