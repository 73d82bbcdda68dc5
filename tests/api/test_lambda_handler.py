"""One call through the real Lambda entry point (Mangum) with an HTTP API v2 event from events/."""

from __future__ import annotations

import gc
import json
import sys
import types
from pathlib import Path

import pytest

from returns_api import lambda_handler

from .support import FakeBus, FakeLabelStore, FakeReader, token

EVENT = Path(__file__).resolve().parents[2] / "events" / "graphql" / "http_api_v2_request.json"


class LambdaContext:
    function_name = "returns-graphql"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:returns-graphql"
    aws_request_id = "11111111-2222-3333-4444-555555555555"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


@pytest.fixture
def wired(monkeypatch):
    """The bootstrap seam replaced by fakes; the handler rebuilt for this test."""
    built: list[tuple] = []

    def gateway_dependencies():
        deps = (FakeReader(), FakeBus(), FakeLabelStore())
        built.append(deps)
        return deps

    checked: list[tuple[str, ...]] = []
    monkeypatch.setitem(sys.modules, "returns_shared.bootstrap",
                        types.SimpleNamespace(gateway_dependencies=gateway_dependencies,
                                              gateway_photo_store=lambda: None,
                                              gateway_mail_store=lambda: None,
                                              check_configuration=lambda needs: checked.append(needs)))
    monkeypatch.setattr(lambda_handler, "_handler", None)
    monkeypatch.setenv("AUTH_MODE", "local")
    monkeypatch.setenv("RETURNS_LOCAL_JWT_SECRET", "lambda-secret-of-at-least-thirty-two-bytes")
    monkeypatch.delenv("STAGE", raising=False)
    return built


def test_the_app_is_built_without_collections_then_frozen_and_the_collector_resumes(wired, monkeypatch):
    """Cold start: the collector is paused while the app is built (nothing built is garbage), what was
    built moves to the permanent generation, and the collector runs again for the invocations."""
    seen: list[bool] = []
    original = sys.modules["returns_shared.bootstrap"].gateway_dependencies

    def watched():
        seen.append(gc.isenabled())
        return original()

    monkeypatch.setattr(sys.modules["returns_shared.bootstrap"], "gateway_dependencies", watched)
    frozen_before = gc.get_freeze_count()
    try:
        assert lambda_handler.handler(json.loads(EVENT.read_text()), LambdaContext())["statusCode"] == 200
        assert seen == [False] and gc.isenabled() and gc.get_freeze_count() > frozen_before
    finally:
        gc.unfreeze()  # this test process goes on: its objects may be collected again


def test_the_policy_through_mangum(wired):
    event = json.loads(EVENT.read_text())
    response = lambda_handler.handler(event, LambdaContext())
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["data"]["returnPolicy"]["returnWindowDays"] == 30
    assert response["headers"]["x-request-id"] == LambdaContext.aws_request_id
    # every gateway log line of this invocation carries the id a masked error would quote
    assert lambda_handler.logger.get_correlation_id() == LambdaContext.aws_request_id
    # Built once, reused by the next (warm) invocation.
    lambda_handler.handler(event, LambdaContext())
    assert len(wired) == 1


def test_a_protected_query_with_a_token_through_mangum(wired):
    event = json.loads(EVENT.read_text())
    event["headers"]["authorization"] = "Bearer " + token(
        "agent", email=None, secret="lambda-secret-of-at-least-thirty-two-bytes"
    )
    event["body"] = json.dumps({"query": '{ return(id: "nope") { id } }'})
    response = lambda_handler.handler(event, LambdaContext())
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"data": {"return": None}}


def test_a_malformed_body_through_mangum_is_a_4xx(wired):
    event = json.loads(EVENT.read_text())
    event["body"] = "{oops"
    assert lambda_handler.handler(event, LambdaContext())["statusCode"] == 400
