"""Runs the stack's Lambda functions in-process the way AWS triggers them.

- commands from the gateway: a synchronous invoke of the owning function (JSON in, JSON out);
- SQS queues polled like Lambda's event source mappings (batches, partial batch failures: failed
  messages stay invisible, are retried and end in the DLQ through the queue's redrive policy);
- schedules: the template's rules invoked with their Input, on demand or on a local timer.

It imitates AWS's delivery; it holds no business logic. Which handler serves which queue or
schedule is read from the deployed template (DeployedStack), never written here again.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

from returns_devstack.deploy import DeployedStack
from returns_shared.adapters.lambda_command_bus import command_event
from returns_shared.service.ports import Caller

log = logging.getLogger("returns.devstack")

# The gateway names functions by their role; the template by logical id.
FUNCTION_IDS = {
    "request": "RequestFunction",
    "screening": "ScreeningFunction",
    "label": "LabelFunction",
    "refund": "RefundFunction",
}


@dataclass
class LambdaContext:
    """Just enough of the Lambda context object for Powertools."""

    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    aws_request_id: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class LocalLambdaRuntime:
    def __init__(self, stack: DeployedStack, *, sqs_client: Any | None = None):
        self.stack = stack
        self._sqs = sqs_client or boto3.client("sqs")
        self._handlers: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
        self._drain_lock = threading.Lock()

    # -- invoke ---------------------------------------------------------------------------
    def handler(self, function_id: str) -> Callable[[dict[str, Any], Any], Any]:
        if function_id not in self._handlers:
            spec = self.stack.functions[function_id]
            module = importlib.import_module(spec.handler_module)
            self._handlers[function_id] = getattr(module, spec.handler_attr)
        return self._handlers[function_id]

    def invoke(self, function_id: str, event: dict[str, Any]) -> Any:
        """A synchronous invoke: the event and the answer cross a JSON boundary, as in Lambda."""
        context = LambdaContext(function_name=function_id, aws_request_id=str(uuid.uuid4()),
                                invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{function_id}")
        answer = self.handler(function_id)(json.loads(json.dumps(event)), context)
        return json.loads(json.dumps(answer, default=str))

    # -- HTTP API routes (providers' webhooks) -----------------------------------------------
    def http(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """What API Gateway does for a route to a function: a payload v2 event in, a proxy answer out."""
        route = next(
            (r for r in self.stack.http_routes if (r.method, r.path) == (method.upper(), path)), None
        )
        if route is None or route.function not in FUNCTION_IDS.values():
            return 404, b'{"message":"Not Found"}'
        answer = self.invoke(route.function, http_api_event(method.upper(), path, body, headers))
        return int(answer.get("statusCode", 200)), str(answer.get("body") or "").encode()

    # -- SQS event source mappings ----------------------------------------------------------
    def poll_once(self) -> int:
        """One receive per event source mapping; returns how many messages were handed over."""
        handed = 0
        for mapping in self.stack.event_source_mappings:
            queue_id, function_id, batch_size = mapping
            url = self.stack.queues[queue_id]
            received = self._sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(batch_size, 10),
                WaitTimeSeconds=0,
                AttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                continue
            handed += len(received)
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            event = {"Records": [_sqs_record(message, arn) for message in received]}
            try:
                answer = self.invoke(function_id, event) or {}
                failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
            except Exception:  # a crashed batch: every message is retried, like Lambda
                log.exception("function %s failed a batch from %s", function_id, queue_id)
                failed = {message["MessageId"] for message in received}
            for message in received:
                if message["MessageId"] not in failed:
                    self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return handed

    def drain(self, *, max_rounds: int = 20) -> int:
        """Deliver until the queues are quiet (events cause events: request → screening → label)."""
        total = 0
        with self._drain_lock:
            for _ in range(max_rounds):
                handed = self.poll_once()
                total += handed
                if not handed:
                    break
        return total

    # -- schedules --------------------------------------------------------------------------
    def run_job(self, job: str) -> Any:
        for _rule_id, function_id, _expression, payload in self.stack.schedules:
            if payload.get("job") == job:
                return self.invoke(function_id, payload)
        raise KeyError(f"no schedule runs the job {job!r}")

    def job_names(self) -> list[str]:
        return [payload.get("job", "") for _r, _f, _e, payload in self.stack.schedules]


def http_api_event(method: str, path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event, as the function receives it."""
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {name.lower(): value for name, value in headers.items()},  # API Gateway lower-cases
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": headers.get("user-agent", "")},
            "requestId": str(uuid.uuid4()), "routeKey": f"{method} {path}", "stage": "$default",
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def _sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }


class InProcessCommandBus:
    """The gateway's CommandBus locally: the same JSON event the Lambda invoke would carry.

    With `deliver_events` the queues are drained before answering, so a frontend sees the
    screening outcome in the mutation's answer (AWS delivers the same events within moments).
    """

    def __init__(self, runtime: LocalLambdaRuntime, *, deliver_events: bool = True):
        self.runtime = runtime
        self.deliver_events = deliver_events

    def send(self, function: str, command: str, caller: Caller, payload: dict[str, Any], *,
             correlation_id: str | None = None) -> dict[str, Any]:
        answer: dict[str, Any] = self.runtime.invoke(  # a command's answer is a JSON object
            FUNCTION_IDS[function], command_event(command, caller, payload, correlation_id)
        )
        if self.deliver_events:
            self.runtime.drain()
        return answer


class BackgroundTriggers:
    """Polls the queues every second and runs each schedule at its rate (make dev)."""

    def __init__(self, runtime: LocalLambdaRuntime, *, poll_seconds: float = 1.0):
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._threads.append(threading.Thread(target=self._poll, name="sqs-poller", daemon=True))
        for _rule, _function, expression, payload in self.runtime.stack.schedules:
            seconds = rate_seconds(expression)
            if seconds:
                self._threads.append(threading.Thread(target=self._every, args=(seconds, payload["job"]),
                                                      name=f"schedule-{payload['job']}", daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                self.runtime.drain()
            except Exception:  # keep polling, like the event source mapping
                log.exception("queue polling failed")
            self._stop.wait(self.poll_seconds)

    def _every(self, seconds: float, job: str) -> None:
        while not self._stop.wait(seconds):
            try:
                self.runtime.run_job(job)
            except Exception:
                log.exception("scheduled job %s failed", job)


def rate_seconds(expression: str) -> float | None:
    """rate(15 minutes) → 900; cron expressions are not run by the local timer (run them on demand)."""
    if not expression.startswith("rate("):
        return None
    amount, unit = expression[5:-1].split()
    return (
        int(amount)
        * {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}[unit]
    )


def wait_for(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
