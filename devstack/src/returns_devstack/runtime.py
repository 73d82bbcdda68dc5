"""Runs the stack's Lambda functions in-process the way AWS triggers them.

- commands from the gateway: a synchronous invoke of the owning function (JSON in, JSON out);
- SQS queues polled like Lambda's event source mappings (batches, partial batch failures: failed
  messages stay invisible, are retried and end in the DLQ through the queue's redrive policy);
- schedules: the template's rules invoked with their Input, on demand or on a local timer;
- DynamoDB streams read like Lambda's stream pollers: new records, in order, to the mapped function
  (a failed batch is read again at the next poll; the stream position moves only past handled records).

It imitates AWS's delivery; it holds no business logic. Which handler serves which queue or
schedule is read from the deployed template (DeployedStack), never written here again.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import boto3
from botocore.config import Config

from returns_devstack.aws_hooks import AwsCall, acting_as, current_principal, record
from returns_devstack.deploy import DeployedStack
from returns_devstack.deploy.model import TABLE_ID
from returns_devstack.lambda_events import (
    LambdaContext,
    correlation_of,
    http_api_event,
    sqs_record,
    stream_record,
)
from returns_shared.adapters.lambda_command_bus import command_event
from returns_shared.service.ports import Caller
from returns_shared.settings import running_with

log = logging.getLogger("returns.devstack")

# The gateway names functions by their role; the template by logical id.
FUNCTION_IDS = {
    "request": "RequestFunction",
    "screening": "ScreeningFunction",
    "label": "LabelFunction",
    "refund": "RefundFunction",
    "mail": "MailFunction",
    "insights": "InsightsFunction",
}


class LocalLambdaRuntime:
    """`environments`: each function's own environment (function logical id -> variables), as AWS
    gives it: its code then sees only its own configuration (its secrets, queues, state machine), not
    the union the process holds. Without, every function reads the process's os.environ.

    Whatever a function's code calls on AWS runs `acting_as` that function (returns_devstack.aws_hooks),
    and so do its queue's receives and deletes (the event source mapping uses the function's role)."""

    def __init__(self, stack: DeployedStack, *, sqs_client: Any | None = None,
                 environments: Mapping[str, Mapping[str, str]] | None = None):
        self.stack = stack
        self.environments = environments
        # the soak's knobs: a handled message delivered again (queue id, message) -> True; a failed one
        # visible again after `retry_after` seconds instead of the queue's visibility timeout
        self.redeliver: Callable[[str, dict[str, Any]], bool] | None = None
        self.retry_after: int | None = None
        self.failures: Counter[str] = Counter()  # message id -> deliveries whose handler failed
        self._sqs = sqs_client or boto3.client("sqs")
        self._handlers: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
        # Held for a receive and its bookkeeping only, never while a function runs: deliveries of
        # concurrent requests run side by side (one lock over whole drains made requests queue).
        self._receiving = threading.Condition()
        self._in_hand: Counter[str | None] = Counter()  # correlation id → received, not yet settled
        self._received: Counter[str | None] = Counter()  # correlation id → ever received
        self._receipts = 0  # receives so far; _emptied: queue → the receive that last emptied it
        self._emptied: dict[str, int] = {}
        # botocore would address the account's own streams endpoint, which moto does not answer
        self._streams = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        self._stream_positions: dict[str, str] = {}  # table logical id → the next shard iterator
        self._reading_streams = threading.Lock()

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
        with acting_as(function_id), self._environment_of(function_id):
            self.service_calls(function_id)
            answer = self.handler(function_id)(json.loads(json.dumps(event)), context)
        return json.loads(json.dumps(answer, default=str))

    def _environment_of(self, function_id: str) -> AbstractContextManager[None]:
        if self.environments is None:
            return nullcontext()
        return running_with(self.environments[function_id])

    def service_calls(self, function_id: str) -> None:
        """What the Lambda service does with the function's role at each invocation: it writes the
        function's log group, and sends its traces when tracing is active (recorded for the proof)."""
        role = self.stack.function_roles.get(function_id)
        if role is None or role.problem:
            return
        for operation in ("CreateLogStream", "PutLogEvents"):
            record(AwsCall(function_id, "logs", "logs", operation,
                           {"logGroupName": role.log_group, "logStreamName": "local"}))
        if role.tracing:
            for operation in ("PutTraceSegments", "PutTelemetryRecords"):
                record(AwsCall(function_id, "xray", "xray", operation, {}))

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
    def poll_once(self, *, unless_emptied_since: int | None = None) -> int:
        """One receive per event source mapping (skipping the queues another receive emptied after
        `unless_emptied_since`); returns how many messages were handed over."""
        handed = 0
        for queue_id, function_id, batch_size in self.stack.event_source_mappings:
            url = self.stack.queues[queue_id]
            with self._receiving, acting_as(function_id):  # the mapping polls with the function's role
                if unless_emptied_since is not None and self._emptied.get(url, -1) > unless_emptied_since:
                    continue
                most = min(batch_size, 10)
                received = self._sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=most, WaitTimeSeconds=0, AttributeNames=["All"]
                ).get("Messages", [])
                self._receipts += 1
                if len(received) < most:  # every visible message was taken
                    self._emptied[url] = self._receipts
                chains = [correlation_of(message["Body"]) for message in received]
                self._in_hand.update(chains)
                self._received.update(chains)
            if not received:
                continue
            handed += len(received)
            try:
                with acting_as(function_id):
                    self._deliver(url, queue_id, function_id, received)
            finally:  # settled (handled, or left for a retry): what it published is already queued
                with self._receiving:
                    self._in_hand.subtract(chains)
                    self._receiving.notify_all()
        return handed

    def _deliver(self, url: str, queue_id: str, function_id: str, received: list[dict[str, Any]]) -> None:
        arn = self._queue_arn(url)
        event = {"Records": [sqs_record(message, arn) for message in received]}
        try:
            answer = self.invoke(function_id, event) or {}
            failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        except Exception:  # a crashed batch: every message is retried, like Lambda
            log.exception("function %s failed a batch from %s", function_id, queue_id)
            failed = {message["MessageId"] for message in received}
        for message in received:
            handle = message["ReceiptHandle"]
            if message["MessageId"] in failed:
                self.failures[message["MessageId"]] += 1
                if self.retry_after is not None:  # sooner than the queue's visibility timeout
                    self._sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle,
                                                        VisibilityTimeout=self.retry_after)
            elif self.redeliver is not None and self.redeliver(queue_id, message):
                # at-least-once: SQS may hand a handled message over again (the soak injects it)
                self._sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
            else:
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)

    @functools.cache  # noqa: B019 - one runtime per stack; a queue's ARN never changes
    def _queue_arn(self, url: str) -> str:
        attributes = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return str(attributes["Attributes"]["QueueArn"])

    def drain(self, *, max_rounds: int = 20) -> int:
        """Deliver until the queues are quiet (events cause events: request → screening → label)."""
        total = 0
        for _ in range(max_rounds):
            handed = self.poll_once()
            total += handed
            if not handed:
                break
        return total

    def settle(self, correlation_id: str, *, timeout: float = 30.0) -> None:
        """Deliver until the events of one piece of work (its correlation id) are all handled.

        Settled when none of its messages is in anyone's hands, every queue was emptied by a receive
        after that moment and none of its messages was received meanwhile (whatever a handler
        publishes is queued before its delivery counts as settled). Other requests' messages met on
        the way are delivered too, and their receives spare this one polling the same queues."""
        deadline = time.monotonic() + timeout
        urls = [self.stack.queues[mapping[0]] for mapping in self.stack.event_source_mappings]
        while time.monotonic() < deadline:
            with self._receiving:
                while self._in_hand[correlation_id] > 0 and time.monotonic() < deadline:
                    self._receiving.wait(0.5)
                seen, since = self._received[correlation_id], self._receipts
            if self.poll_once(unless_emptied_since=since):
                continue
            with self._receiving:
                if (self._in_hand[correlation_id] == 0 and self._received[correlation_id] == seen
                        and all(self._emptied.get(url, -1) > since for url in urls)):
                    del self._in_hand[correlation_id], self._received[correlation_id]  # a long make dev
                    return

    # -- DynamoDB stream mappings ------------------------------------------------------------
    def poll_streams(self) -> int:
        """One read of each table stream from where the last handled batch ended; returns how many
        records were handed over. Serialised: records reach the function once and in order."""
        handed = 0
        with self._reading_streams:
            for table_id, function_id, batch_size in self.stack.stream_mappings:
                arn = self._stream_arn(table_id)
                with acting_as(function_id):  # the mapping reads the stream with the function's role
                    position = self._stream_positions.get(table_id) or self._stream_start(arn)
                    answer = self._streams.get_records(ShardIterator=position, Limit=min(batch_size, 1000))
                records = answer.get("Records", [])
                if records:
                    try:
                        self.invoke(function_id, {"Records": [stream_record(r, arn) for r in records]})
                    except Exception:  # like Lambda: the same records again at the next poll
                        log.exception("function %s failed a batch of the %s stream", function_id, table_id)
                        self._stream_positions[table_id] = position
                        continue
                    handed += len(records)
                self._stream_positions[table_id] = answer["NextShardIterator"]
        return handed

    def drain_streams(self, *, max_rounds: int = 100) -> int:
        """Read the streams until they are quiet (one read hands over at most a batch of records)."""
        total = 0
        for _ in range(max_rounds):
            handed = self.poll_streams()
            total += handed
            if not handed:
                break
        return total

    @functools.cache  # noqa: B019 - one runtime per stack; a table's stream never changes
    def _stream_arn(self, table_id: str) -> str:
        if table_id != TABLE_ID:
            raise ValueError(f"{table_id}: the stack has one table, {TABLE_ID}")
        table = boto3.client("dynamodb").describe_table(TableName=self.stack.table_name)["Table"]
        return str(table["LatestStreamArn"])

    def _stream_start(self, arn: str) -> str:
        shard = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = self._streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                    ShardIteratorType="TRIM_HORIZON")
        return str(iterator["ShardIterator"])

    # -- schedules --------------------------------------------------------------------------
    def run_job(self, job: str) -> Any:
        for _rule_id, function_id, _expression, payload in self.stack.schedules:
            if payload.get("job") == job:
                return self.invoke(function_id, payload)
        raise KeyError(f"no schedule runs the job {job!r}")

    def job_names(self) -> list[str]:
        return [payload.get("job", "") for _r, _f, _e, payload in self.stack.schedules]


class InProcessCommandBus:
    """The gateway's CommandBus locally: the same JSON event the Lambda invoke would carry.

    With `deliver_events` the command's own events (and theirs: its correlation id) are delivered
    before answering, so a frontend sees the screening outcome in the mutation's answer (AWS
    delivers the same events within moments).
    """

    def __init__(self, runtime: LocalLambdaRuntime, *, deliver_events: bool = True):
        self.runtime = runtime
        self.deliver_events = deliver_events

    def send(self, function: str, command: str, caller: Caller, payload: dict[str, Any], *,
             correlation_id: str | None = None) -> dict[str, Any]:
        correlation_id = correlation_id or str(uuid.uuid4())  # what its events are followed by
        function_id = FUNCTION_IDS[function]
        if current_principal() is not None:  # on AWS the caller's role invokes the function
            record(AwsCall(current_principal(), "lambda", "lambda", "Invoke",
                           {"FunctionName": self.runtime.stack.functions[function_id].function_name}))
        answer: dict[str, Any] = self.runtime.invoke(  # a command's answer is a JSON object
            function_id, command_event(command, caller, payload, correlation_id)
        )
        if self.deliver_events:
            self.runtime.settle(correlation_id)
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
                self.runtime.drain_streams()  # the insights' facts: fresh within a second
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
