"""The events and context AWS hands a function, as the local runtime builds them."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from returns_shared import correlation


@dataclass
class LambdaContext:
    """Just enough of the Lambda context object for Powertools."""

    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    aws_request_id: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


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


def correlation_of(body: str) -> str | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    return correlation.of_event(message.get("detail")) if isinstance(message, dict) else None


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
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


def ses_receipt_event(ses_message_id: str, raw: bytes, *, recipients: list[str], verdicts: dict[str, str],
                      function_arn: str, received_at: datetime) -> dict[str, Any]:
    """SES's Lambda action event for one received email (what the receipt rule invokes the mail function
    with; the raw message itself is in the mail bucket, written by the S3 action before)."""
    from email import message_from_bytes, policy
    from email.utils import getaddresses

    headers = message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\r\n\r\n",
                                 policy=policy.compat32)

    def header(name: str) -> str:
        return " ".join(str(headers.get(name, "")).split())

    senders = [address for _, address in getaddresses([header("from")]) if address]
    stamp = received_at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"Records": [{
        "eventSource": "aws:ses",
        "eventVersion": "1.0",
        "ses": {
            "mail": {
                "timestamp": stamp, "source": senders[0] if senders else "", "messageId": ses_message_id,
                "destination": recipients, "headersTruncated": False,
                "headers": [{"name": name, "value": str(value)} for name, value in headers.items()],
                "commonHeaders": {"returnPath": senders[0] if senders else "",
                                  "from": [header("from")] if header("from") else [],
                                  "date": header("date"), "to": [header("to")] if header("to") else [],
                                  "messageId": header("message-id"), "subject": header("subject")},
            },
            "receipt": {
                "timestamp": stamp, "processingTimeMillis": 1, "recipients": recipients,
                **{f"{name}Verdict": {"status": verdicts.get(name, "PASS")}
                   for name in ("spam", "virus", "spf", "dkim", "dmarc")},
                "action": {"type": "Lambda", "functionArn": function_arn, "invocationType": "Event"},
            },
        },
    }]}


def stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda hands it over (boto3 parsed its time; Lambda sends epoch
    seconds)."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change, "eventSourceARN": stream_arn}
