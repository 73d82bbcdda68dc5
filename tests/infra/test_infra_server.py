"""deploy_stack against a moto server (what `make dev` uses), and its refusal to run unmocked."""

from __future__ import annotations

import json
import re
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from moto.server import ThreadedMotoServer

from returns_devstack.deploy import DeployedStack, deploy_stack, moto_mock_active

from .conftest import receive_all, wait_for_execution

pytestmark = [pytest.mark.stack, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _moto_api(endpoint: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{endpoint}/moto-api/{path}", data=data, method="POST" if data else "GET"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # loopback moto
        raw = response.read()
    return json.loads(raw) if raw.strip().startswith(b"{") else {}


@pytest.fixture(scope="module")
def server_stack() -> Iterator[DeployedStack]:
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    with pytest.MonkeyPatch.context() as patch:
        # state machine tasks of an in-process server call moto at localhost:$MOTO_PORT
        patch.setenv("MOTO_PORT", str(port))
        before = _moto_api(endpoint, "config")
        try:
            yield deploy_stack(endpoint_url=endpoint, stack_name="returns-server")
        finally:
            _moto_api(endpoint, "config", {"stepfunctions": before.get("stepfunctions", {})})
            _moto_api(endpoint, "reset", {})
            server.stop()


def test_deploy_refuses_to_run_without_moto() -> None:
    if moto_mock_active():
        pytest.skip("a moto mock is active in this session")
    with pytest.raises(RuntimeError, match="mock_aws"):
        deploy_stack()


def test_server_stack_routes_and_runs_the_deadline(server_stack: DeployedStack) -> None:
    stack = server_stack
    assert stack.endpoint_url and all(
        url.startswith(stack.endpoint_url) for url in stack.queues.values()
    )
    # without cognito=True the pool is not created; the gateway still gets well-formed ids
    assert stack.skipped["UserPool"] == "AWS::Cognito::UserPool"
    pool_id = stack.function_env["GraphQLFunction"]["STAFF_USER_POOL_ID"]
    assert re.fullmatch(r"us-east-1_[0-9a-f]{9}", pool_id)
    sqs = stack.client("sqs")
    stack.client("events").put_events(
        Entries=[
            {
                "Source": "returns.service",
                "DetailType": "ReturnRequested",
                "Detail": '{"returnId": "r-s"}',
                "EventBusName": stack.event_bus_name,
            }
        ]
    )
    assert [m["detail"] for m in receive_all(sqs, stack.queues["ScreeningQueue"])] == [
        {"returnId": "r-s"}
    ]

    return_id = f"r-{uuid.uuid4().hex[:8]}"
    stack.client("dynamodb").put_item(
        TableName=stack.table_name,
        Item={
            "pk": {"S": f"RETURN#{return_id}"},
            "sk": {"S": "RETURN"},
            "status": {"S": "INSPECTED"},
        },
    )
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sfn = stack.client("stepfunctions")
    started = sfn.start_execution(
        stateMachineArn=stack.refund_deadline_state_machine_arn,
        name=return_id,
        input=json.dumps({"returnId": return_id, "reminderAt": past, "dueAt": past}),
    )
    assert wait_for_execution(sfn, started["executionArn"])["status"] == "SUCCEEDED"
    assert receive_all(sqs, stack.queues["RefundQueue"], wait=2) == [
        {"type": "RefundDeadlineDue", "returnId": return_id}
    ]
