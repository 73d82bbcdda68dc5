"""moto's Lambda invoke needs Docker, so the bus is tested against botocore's Stubber."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from returns_shared.adapters.errors import CommandFailed
from returns_shared.adapters.lambda_command_bus import LambdaCommandBus
from returns_shared.service.ports import Caller

CALLER = Caller(sub="u-1", email="jane@example.com", groups=frozenset({"customers"}))
FUNCTIONS = {"refund": "returns-refund-fn"}


def body(value) -> StreamingBody:
    raw = json.dumps(value).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


@pytest.fixture
def client():
    return boto3.client(
        "lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def test_send_invokes_synchronously_with_the_command_event(client):
    bus = LambdaCommandBus(FUNCTIONS, client)
    with Stubber(client) as stub:
        stub.add_response(
            "invoke",
            {"StatusCode": 200, "Payload": body({"ok": True, "returnId": "RMA-1"})},
            {
                "FunctionName": "returns-refund-fn",
                "InvocationType": "RequestResponse",
                "Payload": ANY,
            },
        )
        answer = bus.send("refund", "receiveReturn", CALLER, {"returnId": "RMA-1"})
        stub.assert_no_pending_responses()
    assert answer == {"ok": True, "returnId": "RMA-1"}


def test_the_event_shape():
    sent = {}

    class Recorder:
        def invoke(self, **request):
            sent.update(request)
            return {"StatusCode": 200, "Payload": body({})}

    LambdaCommandBus(FUNCTIONS, Recorder()).send(
        "refund", "receiveReturn", CALLER, {"returnId": "RMA-1"}, correlation_id="req-42"
    )
    assert json.loads(sent["Payload"]) == {
        "command": "receiveReturn",
        "caller": {"sub": "u-1", "email": "jane@example.com", "groups": ["customers"]},
        "input": {"returnId": "RMA-1"},
        "correlationId": "req-42",  # the gateway's request id
    }


def test_function_error_becomes_command_failed_without_the_stack(client):
    bus = LambdaCommandBus(FUNCTIONS, client)
    error = {
        "errorType": "ConflictError",
        "errorMessage": "return changed",
        "stackTrace": ['File "/var/task/app.py"'],
    }
    with Stubber(client) as stub:
        stub.add_response(
            "invoke", {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": body(error)}
        )
        with pytest.raises(CommandFailed) as caught:
            bus.send("refund", "issueRefund", CALLER, {})
    failure = caught.value
    assert (failure.function, failure.command) == ("refund", "issueRefund")
    assert (failure.error_type, failure.message) == ("ConflictError", "return changed")
    assert "/var/task" not in str(failure)


def test_timeouts_without_an_error_type_are_failures_too(client):
    bus = LambdaCommandBus(FUNCTIONS, client)
    with Stubber(client) as stub:
        stub.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": body({"errorMessage": "Task timed out after 6.00 seconds"}),
            },
        )
        with pytest.raises(CommandFailed) as caught:
            bus.send("refund", "issueRefund", CALLER, {})
    assert caught.value.error_type == "Unhandled"
    assert "timed out" in caught.value.message


def test_unknown_function_is_a_wiring_error(client):
    with pytest.raises(ValueError):
        LambdaCommandBus(FUNCTIONS, client).send("nope", "x", CALLER, {})
