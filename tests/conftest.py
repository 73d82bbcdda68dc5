"""Fixtures every test folder may use."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from returns_devstack.localstripe_server import LocalStripe


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    """The payment server of the tests: Stripe's API, stateful, in memory, on a free loopback port."""
    server = LocalStripe(port=0).start()
    yield server
    server.stop()


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session's objects (moto's in-memory AWS, many stacks of it) are never collected again:
    the interpreter's shutdown ran full collections over gigabytes of them, 1-1.5 min of CI time."""
    gc.freeze()
