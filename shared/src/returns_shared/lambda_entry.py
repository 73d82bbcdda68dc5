"""The one shape every function handler shares: commands from the gateway, SQS records (EventBridge
events and workflow messages) with partial batch failures, scheduled jobs, webhook calls from
the HTTP API (providers' callbacks; the raw body and headers go to the service, which verifies them),
and emails SES received (its receipt rule's Lambda action: one record per invocation, asynchronous;
a failure raises, Lambda retries and then dead-letters the event).

Each piece of work runs under a correlation id, on every log line (`correlation_id`) and in every
event it publishes: a command's is the gateway's request id, an event's the one in its metadata (so
the whole chain of a request logs under one id), a job's its own invocation's.

A function's app.py only lists which commands, events, jobs and webhooks it owns, and which
secrets it needs (checked at cold start: in production a missing one stops the function).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, ConfigDict, Field

from returns_shared import correlation
from returns_shared.bootstrap import check_configuration, function_dependencies
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Command, run_command
from returns_shared.service.insight_ports import OrderChanged, ReturnChanged
from returns_shared.service.limits import MAX_WEBHOOK_BODY_BYTES

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

EventHandler = Callable[[dict[str, Any], Dependencies], Any]
JobHandler = Callable[[Dependencies], dict[str, int]]
TaskHandler = Callable[[dict[str, Any], Dependencies], dict[str, int]]  # a job invoked with its input
# the table's stream: a batch of stored versions, retried whole
StreamHandler = Callable[[list[ReturnChanged | OrderChanged], Dependencies], dict[str, int]]
# (raw body, headers) → (HTTP status, JSON body)
HttpHandler = Callable[[bytes, Mapping[str, str], Dependencies], tuple[int, dict[str, Any]]]
MailHandler = Callable[[dict[str, Any], Dependencies], dict[str, Any]]  # one SES receipt record


class QueuedMessage(BaseModel):
    """An SQS body: an EventBridge event (rule target) or a workflow message ({"type": ...})."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    detail_type: str | None = Field(default=None, alias="detail-type")
    detail: dict[str, Any] | None = None
    type: str | None = None

    @property
    def name(self) -> str:
        return self.detail_type or self.type or ""

    @property
    def payload(self) -> dict[str, Any]:
        return self.detail if self.detail is not None else self.model_dump(by_alias=True)


class UnknownMessage(Exception):
    """A queued message no handler owns: it fails, is retried, and ends in the dead-letter queue."""


@dataclass
class FunctionRoutes:
    commands: dict[str, Command[Any]] = field(default_factory=dict)  # catalog.owned_by(<function>)
    events: dict[str, EventHandler] = field(default_factory=dict)
    jobs: dict[str, JobHandler] = field(default_factory=dict)
    http: dict[str, HttpHandler] = field(default_factory=dict)  # "POST /webhooks/stripe" → handler
    mail: MailHandler | None = None  # emails SES received (the receipt rule invokes the function)
    tasks: dict[str, TaskHandler] = field(default_factory=dict)  # jobs an operator invokes with input
    stream: StreamHandler | None = None  # the table's DynamoDB stream (a whole batch, retried whole)
    needs: tuple[str, ...] = ()  # secrets this function needs (Settings.check_production)
    mails_customers: bool = True  # production then needs the portal's URL for the emails' links
    logger: Logger = field(default_factory=Logger)
    metrics: Metrics = field(default_factory=Metrics)

    def lambda_handler(self) -> Callable[[dict[str, Any], Any], Any]:
        """The Lambda entry point: Powertools logging context and metrics around `handle`.

        Called when app.py is imported (Lambda's init phase): a misconfigured function (a missing
        variable, or in production a sandbox adapter or a secret it `needs` not configured) fails
        there, with one error naming every problem, before it takes any event."""
        check_configuration(self.needs, mails_customers=self.mails_customers)

        @self.logger.inject_lambda_context(clear_state=True)
        @self.metrics.log_metrics
        def handler(event: dict[str, Any], context: Any) -> Any:
            return self.handle(event, context)

        return handler

    def handle(self, event: dict[str, Any], context: Any) -> Any:
        deps = function_dependencies()
        if "command" in event:
            self.logger.append_keys(command=event["command"])
            with self._correlated(event.get(correlation.FIELD) or getattr(context, "aws_request_id", None)):
                return self._command(event, deps)
        if "Records" in event and self.mail is not None and _from_ses(event):
            return self._received(event, deps)
        if "Records" in event and self.stream and _from_dynamodb(event["Records"]):
            with self._correlated(getattr(context, "aws_request_id", None)):
                from returns_shared.adapters.dynamodb.stream import changes

                counts = self.stream(changes(event["Records"]), deps)
                self.logger.info("stream batch handled", extra={"counts": counts})
            return counts
        if "Records" in event:
            return self._records(event, context, deps)
        if "routeKey" in event and "requestContext" in event:  # API Gateway HTTP API (payload v2)
            with self._correlated(event["requestContext"].get("requestId")):
                return self._http(event, deps)
        job = event.get("job") or (event.get("detail") or {}).get("job")
        if job in self.tasks:
            with self._correlated(getattr(context, "aws_request_id", None)):
                counts = self.tasks[job](event, deps)
                self.logger.info("task done", extra={"job": job, "counts": counts})
            return {"job": job, "counts": counts}
        if job in self.jobs:
            with self._correlated(getattr(context, "aws_request_id", None)):
                counts = self.jobs[job](deps)
                for name, value in counts.items():
                    self.metrics.add_metric(name=f"{job}.{name}", unit=MetricUnit.Count, value=value)
                self.logger.info("job done", extra={"job": job, "counts": counts})
            return {"job": job, "counts": counts}
        raise ValueError(f"this function does not handle the event {json.dumps(event)[:200]}")

    def _http(self, event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
        http = event["requestContext"].get("http", {})
        route = f"{http.get('method', '')} {http.get('path', event.get('rawPath', ''))}"
        handler = self.http.get(route)
        if handler is None:
            return _http_answer(404, {"error": f"no route {route}"})
        raw = event.get("body") or ""
        if len(raw) > MAX_WEBHOOK_BODY_BYTES * 4 // 3 + 4:  # base64 grows a body by a third
            return _http_answer(413, {"error": f"a body larger than {MAX_WEBHOOK_BODY_BYTES} bytes"})
        body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
        if len(body) > MAX_WEBHOOK_BODY_BYTES:
            return _http_answer(413, {"error": f"a body larger than {MAX_WEBHOOK_BODY_BYTES} bytes"})
        self.logger.append_keys(route=route)
        status, answer = handler(body, event.get("headers") or {}, deps)
        return _http_answer(status, answer)

    @contextmanager
    def _correlated(self, correlation_id: str | None) -> Iterator[None]:
        """Logs (Powertools' correlation_id key) and published events carry the id while the work runs."""
        self.logger.set_correlation_id(correlation_id)
        with correlation.bound(correlation_id):
            yield

    def _command(self, event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
        try:
            answer = run_command(event, self.commands, deps)
        except Exception:
            # logged here, under the correlation id: the customer's error reference finds it
            self.logger.exception("command failed")
            raise
        self.logger.info("command handled", extra={"userErrors": [e["code"] for e in answer["userErrors"]]})
        return answer

    def _received(self, event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
        """Each email SES received; an exception fails the invocation (Lambda retries, then the DLQ)."""
        assert self.mail is not None
        outcomes = []
        for record in event["Records"]:
            ses_id = str(((record.get("ses") or {}).get("mail") or {}).get("messageId") or "")
            with self._correlated(ses_id or None):
                outcomes.append(self.mail(record, deps))
            self.metrics.add_metric(name="EmailReceived", unit=MetricUnit.Count, value=1)
        return {"received": outcomes}

    def _records(self, event: dict[str, Any], context: Any, deps: Dependencies) -> dict[str, Any]:
        # Powertools' batch utility (with asyncio and its event classes) is loaded by the first queue
        # delivery: a function started by a command, a job or a webhook does not pay for it.
        from aws_lambda_powertools.utilities.batch import (
            BatchProcessor,
            EventType,
            process_partial_response,
        )

        def one(record: SQSRecord) -> Any:
            message = QueuedMessage.model_validate_json(record.body)
            handler = self.events.get(message.name)
            if handler is None:
                raise UnknownMessage(message.name)
            self.metrics.add_metric(name=f"event.{message.name}", unit=MetricUnit.Count, value=1)
            # the request that caused the event, else this delivery's own id
            with self._correlated(correlation.of_event(message.detail) or record.message_id):
                result = handler(message.payload, deps)
                self.logger.info("event handled", extra={"event": message.name,
                                                         "returnId": message.payload.get("returnId")})
            return result

        return dict(process_partial_response(event=event, record_handler=one,
                                             processor=BatchProcessor(EventType.SQS), context=context))


def _from_ses(event: dict[str, Any]) -> bool:
    records = event.get("Records") or [{}]
    return isinstance(records[0], dict) and records[0].get("eventSource") == "aws:ses"
def _from_dynamodb(records: list[dict[str, Any]]) -> bool:
    return bool(records) and all(record.get("eventSource") == "aws:dynamodb" for record in records)


def _http_answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
