"""Fixtures for the adapter tests: moto in-process with fake credentials."""

from __future__ import annotations

import pytest

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch):
    """moto for the duration of one test; no real endpoint or profile can leak in."""
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield
