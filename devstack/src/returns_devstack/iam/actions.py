"""An AWS call as IAM authorizes it: the action(s), the resource ARN(s) and the request's condition keys.

Mostly `<service prefix>:<operation>` on the resource the parameters name; the exceptions are AWS's:
a DynamoDB transaction is authorized item by item (PutItem, UpdateItem, DeleteItem, ConditionCheckItem),
a batch as its single action (SendMessageBatch is sqs:SendMessage), S3's HeadObject is s3:GetObject,
SES v2's SendEmail is ses:SendEmail whatever its content (with ses:FromAddress), Lambda's Invoke is
lambda:InvokeFunction. A call this module cannot map is an error, never a guess: a new kind of call
gets its mapping here first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from returns_devstack.aws_hooks import AwsCall


@dataclass(frozen=True)
class Request:
    action: str  # dynamodb:GetItem
    resource: str  # an ARN, or "*" for actions AWS defines no resource for
    context: Mapping[str, str] = field(default_factory=dict)


class Unmapped(LookupError):
    """A call the proof does not know how IAM authorizes."""


@dataclass(frozen=True)
class Place:
    region: str
    account: str

    def arn(self, service: str, resource: str, *, regional: bool = True, in_account: bool = True) -> str:
        return (f"arn:aws:{service}:{self.region if regional else ''}:"
                f"{self.account if in_account else ''}:{resource}")


def _arn_or(name: str, make: Callable[[str], str]) -> str:
    return name if name.startswith("arn:") else make(name)


def _dynamodb(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    def table(name: str, index: str | None = None) -> str:
        arn = _arn_or(name, lambda n: at.arn("dynamodb", f"table/{n}"))
        return f"{arn}/index/{index}" if index else arn

    op = call.operation
    if op in {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"}:
        return [Request(f"dynamodb:{op}", table(p["TableName"], p.get("IndexName")))]
    if op in {"BatchGetItem", "BatchWriteItem"}:
        return [Request(f"dynamodb:{op}", table(name)) for name in p["RequestItems"]]
    if op in {"TransactWriteItems", "TransactGetItems"}:
        kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                 "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
        return [Request(f"dynamodb:{kinds[kind]}", table(body["TableName"]))
                for item in p["TransactItems"] for kind, body in item.items()]
    raise Unmapped(call.operation)


def _sqs(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if "QueueUrl" in p:
        account, name = urlsplit(p["QueueUrl"]).path.strip("/").split("/")[-2:]
    else:
        account, name = at.account, p["QueueName"]
    batched = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
               "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}
    return [Request(f"sqs:{batched.get(call.operation, call.operation)}",
                    f"arn:aws:sqs:{at.region}:{account}:{name}")]


def _s3(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    as_object = {"GetObject": "GetObject", "HeadObject": "GetObject", "PutObject": "PutObject",
                 "DeleteObject": "DeleteObject"}
    if call.operation in as_object:
        return [Request(f"s3:{as_object[call.operation]}", f"arn:aws:s3:::{p['Bucket']}/{p['Key']}")]
    if call.operation in {"ListObjectsV2", "ListObjects"}:
        return [Request("s3:ListBucket", f"arn:aws:s3:::{p['Bucket']}")]
    raise Unmapped(call.operation)


def _sns(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation == "Publish":
        return [Request("sns:Publish", p.get("TopicArn") or p["TargetArn"])]
    raise Unmapped(call.operation)


def _events(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation == "PutEvents":
        buses = {entry.get("EventBusName") or "default" for entry in p["Entries"]}
        return [Request("events:PutEvents", _arn_or(bus, lambda n: at.arn("events", f"event-bus/{n}")))
                for bus in sorted(buses)]
    raise Unmapped(call.operation)


def _states(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation in {"StartExecution", "StartSyncExecution", "ListExecutions", "DescribeStateMachine"}:
        return [Request(f"states:{call.operation}", p["stateMachineArn"])]
    if call.operation in {"StopExecution", "DescribeExecution", "GetExecutionHistory"}:
        return [Request(f"states:{call.operation}", p["executionArn"])]
    raise Unmapped(call.operation)


def _secretsmanager(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation in {"GetSecretValue", "DescribeSecret"}:
        secret = p["SecretId"]
        if not secret.startswith("arn:"):
            raise Unmapped(f"{call.operation} by name ({secret}): IAM authorizes the secret's ARN")
        return [Request(f"secretsmanager:{call.operation}", secret)]
    raise Unmapped(call.operation)


def _ssm(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    def parameter(name: str) -> str:
        return _arn_or(name, lambda n: at.arn("ssm", "parameter" + (n if n.startswith("/") else f"/{n}")))

    if call.operation == "GetParameter":
        return [Request("ssm:GetParameter", parameter(p["Name"]))]
    if call.operation == "GetParameters":
        return [Request("ssm:GetParameters", parameter(name)) for name in p["Names"]]
    raise Unmapped(call.operation)


def _ses(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation == "SendEmail":  # SES v2: Simple or Raw content, one action
        sender = p["FromEmailAddress"]
        address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
        return [Request("ses:SendEmail", at.arn("ses", f"identity/{address}"),
                        context={"ses:FromAddress": address})]
    raise Unmapped(call.operation)


def _lambda(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation == "Invoke":
        return [Request("lambda:InvokeFunction",
                        _arn_or(p["FunctionName"], lambda n: at.arn("lambda", f"function:{n}")))]
    raise Unmapped(call.operation)


def _logs(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation in {"CreateLogStream", "PutLogEvents"}:
        stream = f"log-group:{p['logGroupName']}:log-stream:{p['logStreamName']}"
        return [Request(f"logs:{call.operation}", at.arn("logs", stream))]
    raise Unmapped(call.operation)


def _dynamodbstreams(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    """A stream's reads are DynamoDB actions on the stream's ARN (GetRecords names it by its iterator,
    which moto's, unlike AWS's opaque ones, begins with the stream's ARN)."""
    if call.operation in {"DescribeStream", "GetShardIterator"}:
        return [Request(f"dynamodb:{call.operation}", p["StreamArn"])]
    if call.operation == "GetRecords":
        return [Request("dynamodb:GetRecords", str(p["ShardIterator"]).split("|", 1)[0])]
    if call.operation == "ListStreams":
        return [Request("dynamodb:ListStreams", "*")]
    raise Unmapped(call.operation)


def _xray(call: AwsCall, p: Mapping[str, Any], at: Place) -> list[Request]:
    if call.operation in {"PutTraceSegments", "PutTelemetryRecords"}:
        return [Request(f"xray:{call.operation}", "*")]  # X-Ray defines no resource for them
    raise Unmapped(call.operation)


MAPPERS: dict[str, Callable[[AwsCall, Mapping[str, Any], Place], list[Request]]] = {
    "dynamodb": _dynamodb, "sqs": _sqs, "s3": _s3, "sns": _sns, "events": _events,
    "stepfunctions": _states, "secretsmanager": _secretsmanager, "ssm": _ssm, "sesv2": _ses,
    "lambda": _lambda, "logs": _logs, "xray": _xray, "dynamodbstreams": _dynamodbstreams,
}


def requests_of(call: AwsCall, at: Place) -> list[Request]:
    """The IAM requests a call is authorized as; Unmapped when this module does not know it."""
    mapper = MAPPERS.get(call.service)
    if mapper is None:
        raise Unmapped(f"{call.service}.{call.operation}: no mapping of {call.service} calls to IAM yet")
    try:
        return mapper(call, call.params, at)
    except (KeyError, ValueError) as exc:
        raise Unmapped(f"{call.service}.{call.operation}: its parameters lack {exc}") from exc
    except Unmapped as exc:
        raise Unmapped(f"{call.service}.{call.operation}: {exc}") from None
