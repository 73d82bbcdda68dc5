"""Correlation (issue 11, item 8): the gateway's request id travels in the command to the function, onto
its log lines, into the events it publishes and from them onto the reacting functions' log lines; the
reference a customer quotes from a masked error finds the failure in the function's log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .support import CANCEL, REQUEST_RETURN, line, order_input

FUNCTION_IDS = ("RequestFunction", "ScreeningFunction", "LabelFunction", "RefundFunction")


@pytest.fixture
def logs(stack) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The functions' and the gateway's log lines as CloudWatch would get them (Powertools' JSON)."""
    for function_id in FUNCTION_IDS:
        stack.runtime.handler(function_id)  # imported: their loggers exist
    from returns_api.observability import logger as gateway_logger

    stream = io.StringIO()
    added = []
    for name in ("returns", gateway_logger.name):
        std = logging.getLogger(name)
        powertools = next(h for h in std.handlers if getattr(h, "formatter", None) is not None)
        handler = logging.StreamHandler(stream)
        handler.setFormatter(powertools.formatter)
        std.addHandler(handler)
        added.append((std, handler))
    yield lambda: [json.loads(text) for text in stream.getvalue().splitlines() if text.startswith("{")]
    for std, handler in added:
        std.removeHandler(handler)


def test_a_request_id_travels_through_the_command_the_events_and_every_function_log_line(
        flow, gql, tokens, stack, logs):
    order = flow.record(order_input(line("L1")))
    stack.command_bus.deliver_events = False  # look at the event on its queue before it is delivered
    seen_before = len(logs())
    variables = {"input": {"orderId": order["id"], "method": "SELF_SHIP", "conditionAttested": True,
                           "idempotencyKey": "correlated-1",
                           "lines": [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}]}}
    response = gql.raw(REQUEST_RETURN, variables, token=tokens.customer())
    request_id = response.headers["x-request-id"]
    return_id = response.json()["data"]["requestReturn"]["return"]["id"]

    sqs = stack.stack.client("sqs")
    [message] = sqs.receive_message(QueueUrl=stack.stack.queues["ScreeningQueue"], VisibilityTimeout=0)[
        "Messages"
    ]
    published = json.loads(message["Body"])
    assert published["detail-type"] == "ReturnRequested" and published["detail"]["returnId"] == return_id
    assert published["detail"]["metadata"] == {"correlationId": request_id}

    assert stack.runtime.drain() >= 2  # screening approves → ReturnApproved → instructions (request fn)
    lines = logs()[seen_before:]
    handled = {(entry["function_name"], entry.get("event") or entry.get("command")) for entry in lines
               if entry["message"] in ("command handled", "event handled")}
    assert handled >= {("RequestFunction", "requestReturn"), ("ScreeningFunction", "ReturnRequested"),
                       ("RequestFunction", "ReturnApproved")}
    assert {entry.get("correlation_id") for entry in lines} == {request_id}  # every line of that work


def test_a_masked_error_reference_finds_the_failure_in_the_function_log(flow, gql, tokens, stack, logs,
                                                                        monkeypatch):
    order = flow.record(order_input(line("L1")))
    ret = flow.request(order)["return"]
    monkeypatch.setattr(stack.deps, "unit_of_work", _table_unavailable)
    response = gql.raw(CANCEL, {"id": ret["id"]}, token=tokens.customer())
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    reference = error["extensions"]["requestId"]
    assert reference in error["message"] and reference == response.headers["x-request-id"]
    found = [entry for entry in logs() if reference in (entry.get("correlation_id"), entry.get("request_id"))]
    failed = [entry for entry in found if entry["message"] == "command failed"]
    assert len(failed) == 1 and failed[0]["function_name"] == "RequestFunction"
    assert "DynamoDB is unavailable" in failed[0]["exception"]
    assert any(entry["service"] == "returns-graphql" for entry in found)  # and the gateway's own line


def _table_unavailable(*_args: Any, **_kwargs: Any) -> None:
    raise ConnectionError("DynamoDB is unavailable")
