"""Fixtures every test folder may use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from returns_devstack.localstripe_server import LocalStripe


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    """The payment server of the tests: Stripe's API, stateful, in memory, on a free loopback port."""
    server = LocalStripe(port=0).start()
    yield server
    server.stop()
