"""What the local stack reads from the translated template: functions and their handler modules,
SQS event sources, schedules, and which resources a node refers to."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from returns_devstack.template.constants import CODE_BUCKET
from returns_devstack.template.intrinsics import Intrinsics


@dataclass(frozen=True)
class FunctionSource:
    logical_id: str
    code_uri: str
    handler: str
    handler_module: str
    handler_attr: str
    properties: Mapping[str, Any]


def code_location(properties: Mapping[str, Any]) -> str:
    """Original local path of a translated function's code (the S3 placeholder key)."""
    code = properties.get("Code") or {}
    if code.get("S3Bucket") != CODE_BUCKET:
        raise ValueError(f"function code is not a local path: {code!r}")
    key: str = code["S3Key"]
    return key


def handler_import_path(code_uri: str, handler: str, repo_root: Path) -> tuple[str, str]:
    """(module, attribute) the local stack imports for a Lambda handler.

    A CodeUri that is a Python package inside the repository (every directory on the way has
    an __init__.py, e.g. functions/request/) prefixes the handler's module with its dotted
    path: functions/request/ + app.lambda_handler → functions.request.app / lambda_handler.
    Otherwise (graphql/, a project installed in the environment) the handler module is
    imported as written: returns_api.lambda_handler / handler.
    """
    module, _, attr = handler.rpartition(".")
    if not module:
        raise ValueError(f"handler {handler!r} must be module.attribute")
    parts = [p for p in Path(code_uri).parts if p not in (".", "")]
    is_package = bool(parts) and all(
        (repo_root.joinpath(*parts[: i + 1]) / "__init__.py").is_file() for i in range(len(parts))
    )
    return (".".join([*parts, module]) if is_package else module), attr


def functions(cfn: Mapping[str, Any], repo_root: Path) -> dict[str, FunctionSource]:
    result = {}
    for logical_id, resource in cfn["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        props = resource["Properties"]
        code_uri = code_location(props)
        module, attr = handler_import_path(code_uri, props["Handler"], repo_root)
        result[logical_id] = FunctionSource(
            logical_id, code_uri, props["Handler"], module, attr, props
        )
    return result


def target_logical_id(node: Any) -> str | None:
    """Logical id behind {'Fn::GetAtt': [X, 'Arn']} / {'Ref': X}."""
    if isinstance(node, dict):
        if "Fn::GetAtt" in node:
            att = node["Fn::GetAtt"]
            return (att.split(".", 1) if isinstance(att, str) else att)[0]
        if "Ref" in node:
            ref: str = node["Ref"]
            return ref
    return None


def sqs_event_sources(cfn: Mapping[str, Any]) -> list[tuple[str, str, int, Mapping[str, Any]]]:
    """(queue logical id, function logical id, batch size, ESM properties) per SQS mapping."""
    resources = cfn["Resources"]
    result: list[tuple[str, str, int, Mapping[str, Any]]] = []
    for resource in resources.values():
        if resource["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        props = resource["Properties"]
        queue = target_logical_id(props.get("EventSourceArn"))
        function = target_logical_id(props.get("FunctionName"))
        if queue is None or not function:
            continue
        if queue in resources and resources[queue]["Type"] == "AWS::SQS::Queue":
            result.append((queue, function, int(props.get("BatchSize", 10)), props))
    return result


def stream_event_sources(cfn: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    """(table logical id, function logical id, batch size) per DynamoDB stream mapping."""
    resources = cfn["Resources"]
    result = []
    for resource in resources.values():
        if resource["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        props = resource["Properties"]
        source, function = props.get("EventSourceArn"), target_logical_id(props.get("FunctionName"))
        table = target_logical_id(source) if isinstance(source, dict) and "Fn::GetAtt" in source else None
        if table and function and resources.get(table, {}).get("Type") == "AWS::DynamoDB::Table":
            result.append((table, function, int(props.get("BatchSize", 100))))
    return result


def schedules(cfn: Mapping[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(schedule logical id, function logical id, schedule expression, input) per scheduled Lambda
    target: EventBridge Scheduler schedules (SAM ScheduleV2) and scheduled rules (SAM Schedule)."""
    resources = cfn["Resources"]
    result: list[tuple[str, str, str, dict[str, Any]]] = []
    for schedule_id, resource in resources.items():
        props = resource.get("Properties") or {}
        if "ScheduleExpression" not in props:
            continue
        if resource["Type"] == "AWS::Scheduler::Schedule":
            targets = [props.get("Target") or {}]
        elif resource["Type"] == "AWS::Events::Rule":
            targets = props.get("Targets") or []
        else:
            continue
        for target in targets:
            function = target_logical_id(target.get("Arn"))
            if function is None or function not in resources:
                continue
            if resources[function]["Type"] == "AWS::Lambda::Function":
                raw = target.get("Input")
                result.append(
                    (schedule_id, function, props["ScheduleExpression"], json.loads(raw) if raw else {})
                )
    return result


class HttpRoute(NamedTuple):
    method: str  # upper case
    path: str
    function: str  # logical id of the Lambda function behind it


def http_routes(cfn: Mapping[str, Any]) -> list[HttpRoute]:
    """The HTTP API's routes to Lambda functions, read from the translated APIs' OpenAPI bodies."""
    resources = cfn["Resources"]
    routes = []
    for resource in resources.values():
        if resource["Type"] != "AWS::ApiGatewayV2::Api":
            continue
        for path, methods in ((resource.get("Properties") or {}).get("Body") or {}).get("paths", {}).items():
            for method, operation in methods.items():
                integration = operation.get("x-amazon-apigateway-integration") or {}
                targets = [r for r in resource_references(integration.get("uri"))
                           if resources.get(r, {}).get("Type") == "AWS::Lambda::Function"]
                if targets:
                    routes.append(HttpRoute(method.upper(), path, targets[0]))
    return sorted(routes)


def dead_letter_targets(cfn: Mapping[str, Any]) -> set[str]:
    """Logical ids of the queues named as a DeadLetterConfig anywhere (rule targets, schedules, and a
    function's asynchronous invocations: TargetArn) or as a stream mapping's failure destination
    (DestinationConfig.OnFailure)."""

    def named(key: str, value: dict[str, Any]) -> Any:
        if key == "DeadLetterConfig":
            return value.get("Arn") or value.get("TargetArn")
        return (value.get("OnFailure") or {}).get("Destination")

    found = {
        target_logical_id(named(key, value))
        for node in _objects(cfn["Resources"])
        for key, value in node.items()
        if key in ("DeadLetterConfig", "DestinationConfig") and isinstance(value, dict)
    }
    return {lid for lid in found if lid}


def resource_references(node: Any) -> set[str]:
    """Logical ids a resource body refers to (Ref, Fn::GetAtt, ${X} / ${X.Attr} in Fn::Sub)."""
    found: set[str] = set()
    for obj in _objects(node):
        for key, value in obj.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(target_logical_id(obj) or "")
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else value
                for name in Intrinsics._SUB.findall(text):
                    name = name.strip()
                    if not name.startswith("!") and name not in variables:
                        found.add(name.split(".", 1)[0])
            elif key == "DependsOn":
                found.update([value] if isinstance(value, str) else value)
    return {f for f in found if f and not f.startswith("AWS::")}


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `node`, itself included, at any depth (Fn::Sub's variables too)."""
    if isinstance(node, list):
        for item in node:
            yield from _objects(item)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
