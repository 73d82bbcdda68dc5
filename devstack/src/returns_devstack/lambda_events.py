"""The events and context AWS hands a function, as the local runtime builds them."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
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


def stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda hands it over (boto3 parsed its time; Lambda sends epoch
    seconds)."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change, "eventSourceARN": stream_arn}
