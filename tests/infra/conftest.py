"""Fixtures of the infrastructure tests: fake AWS credentials, UTC, template.yaml deployed into moto."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
ASL = REPO / "statemachine" / "refund_deadline.asl.json"

_FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "TZ": "UTC",  # moto's Step Functions compares Wait timestamps with LOCAL time
}


@pytest.fixture(scope="package", autouse=True)
def fake_aws_env() -> Iterator[None]:
    """Never a real account: fake credentials, one region, no profile or endpoint; TZ=UTC."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _FAKE_AWS.items():
            patch.setenv(name, value)
        for name in (
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
        ):
            patch.delenv(name, raising=False)
        time.tzset()
        yield
    time.tzset()


def wait_for_execution(sfn: Any, execution_arn: str, *, timeout: float = 20.0) -> dict[str, Any]:
    """moto runs executions on a background thread: poll until the execution leaves RUNNING."""
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise AssertionError(f"{execution_arn} still RUNNING after {timeout}s")
        time.sleep(0.02)


def receive_all(sqs: Any, queue_url: str, *, wait: float = 0.0) -> list[Any]:
    """Receive (and delete) every message now in the queue, waiting up to `wait` s for the first.

    Bodies are parsed as JSON where they are JSON (raw SNS deliveries are plain text)."""
    bodies: list[Any] = []
    deadline = time.monotonic() + wait
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        for message in messages:
            try:
                bodies.append(json.loads(message["Body"]))
            except ValueError:
                bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        if not messages and (bodies or time.monotonic() >= deadline):
            return bodies
        if not messages:
            time.sleep(0.02)
