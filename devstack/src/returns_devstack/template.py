"""Read template.yaml the way CloudFormation would, offline.

Pure functions, no AWS calls: load the SAM template, translate it with aws-sam-translator
(local code locations replaced by S3 placeholders whose key is the original path, so the
translated template still says where the code lives), resolve intrinsic functions against
known physical ids, and read the parts the local stack needs (functions and their handler
modules, SQS event sources, schedules, state machines).

`returns_devstack.deploy` builds on this; tests can use it directly to inspect the template.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

TEMPLATE_FILENAME = "template.yaml"

#: S3 bucket named in the placeholders that replace local CodeUri/ContentUri/DefinitionUri.
CODE_BUCKET = "returns-local-code"

_LOCAL_URI_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
}

PSEUDO_ACCOUNT_ID = "123456789012"  # moto's default account; the real one comes from the stack id


def find_template(start: Path | None = None) -> Path:
    """The repository's template.yaml: searched upwards from this package, then from the cwd."""
    starts = [Path(__file__).resolve().parent, Path.cwd().resolve()] if start is None else [start]
    for origin in starts:
        for directory in (origin, *origin.parents):
            candidate = directory / TEMPLATE_FILENAME
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"no {TEMPLATE_FILENAME} above {', '.join(map(str, starts))}")


# --------------------------------------------------------------------------- load + translate


def load_sam_template(path: Path) -> dict[str, Any]:
    """The SAM template as a dict; short-form tags (!Ref, !Sub, ...) become long form."""
    path = Path(path).resolve()
    return copy.deepcopy(_load_cached(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(Path(path).read_text(encoding="utf-8"))


def parameter_values(
    template: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Template parameters with defaults applied, then overrides (CloudFormation string forms)."""
    values: dict[str, Any] = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if "Default" in spec:
            values[name] = spec["Default"]
    for name, value in (overrides or {}).items():
        if name not in (template.get("Parameters") or {}):
            raise KeyError(f"template has no parameter {name!r}")
        values[name] = value
    missing = [n for n in (template.get("Parameters") or {}) if n not in values]
    if missing:
        raise ValueError(f"parameters without a default need a value: {', '.join(missing)}")
    return values


class _LocalManagedPolicies:
    """Offline stand-in for samtranslator's ManagedPolicyLoader (which lists IAM policies).

    It is only consulted for managed-policy NAMES in a function's Policies; the template uses
    statements and policy templates, so the map only needs the few names SAM itself knows.
    """

    _NAMES = (
        "AWSLambdaBasicExecutionRole",
        "AWSXrayWriteOnlyAccess",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSXRayDaemonWriteAccess",
    )

    def load(self) -> dict[str, str]:
        return {
            name: f"arn:aws:iam::aws:policy/{'service-role/' if name.startswith('AWSLambda') else ''}{name}"
            for name in self._NAMES
        }


def translate(
    sam_template: Mapping[str, Any],
    *,
    region: str,
    parameter_overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Translate a SAM template (as a dict) to plain CloudFormation, offline (~30 ms + imports)."""
    key = json.dumps(
        [sam_template, region, dict(parameter_overrides or {})], sort_keys=True, default=str
    )
    if key not in _MEMORY_CACHE:
        _MEMORY_CACHE[key] = _translate_now(
            copy.deepcopy(dict(sam_template)), region, parameter_overrides
        )
    return copy.deepcopy(_MEMORY_CACHE[key])


def translate_file(
    path: Path,
    *,
    region: str,
    parameter_overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Translate template.yaml to plain CloudFormation, cached in memory and on disk.

    Translating takes ~30 ms, but importing aws-sam-translator and parsing the YAML take
    0.6-1 s, so results are cached by (file content, region, parameters, translator
    version) in RETURNS_DEVSTACK_CACHE (default <tmp>/returns-devstack; "off" disables).
    A cache hit imports neither PyYAML nor the translator.
    """
    import hashlib
    import os
    from importlib.metadata import version

    raw = Path(path).read_bytes()
    overrides = dict(parameter_overrides or {})
    digest = hashlib.sha256(
        json.dumps([version("aws-sam-translator"), region, overrides], sort_keys=True).encode()
        + b"\n"
        + raw
    ).hexdigest()[:32]
    if digest in _MEMORY_CACHE:
        return copy.deepcopy(_MEMORY_CACHE[digest])
    directory = _cache_dir()
    cached = directory / f"sam-{digest}.json" if directory else None
    result: dict[str, Any] | None = None
    if cached is not None and cached.is_file():
        try:
            result = json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result = None
    if result is None:
        result = _translate_now(load_sam_template(path), region, overrides)
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                scratch = cached.with_suffix(f".{os.getpid()}.tmp")
                scratch.write_text(json.dumps(result), encoding="utf-8")
                os.replace(scratch, cached)  # atomic: parallel runs never read half a file
            except OSError:
                pass
    _MEMORY_CACHE[digest] = result
    return copy.deepcopy(result)


def _cache_dir() -> Path | None:
    import os
    import tempfile

    configured = os.environ.get("RETURNS_DEVSTACK_CACHE", "")
    if configured.lower() in {"off", "0", "false", "no"}:
        return None
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "returns-devstack"


_MEMORY_CACHE: dict[str, dict[str, Any]] = {}


def _translate_now(
    sam_template: dict[str, Any], region: str, overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    sam_template = _with_s3_placeholders(sam_template)
    params = parameter_values(sam_template, overrides)
    params.setdefault("AWS::Region", region)
    params.setdefault("AWS::Partition", "aws")
    params.setdefault("AWS::AccountId", PSEUDO_ACCOUNT_ID)
    # the translator asks the session for the region only
    session = boto3.session.Session(region_name=region)
    policies = _LocalManagedPolicies().load()
    translated = Translator(None, Parser(), boto_session=session).translate(
        sam_template, parameter_values=params, get_managed_policy_map=lambda: policies
    )
    return json.loads(json.dumps(translated))  # plain dicts/lists/str, no translator types


def _with_s3_placeholders(sam_template: dict[str, Any]) -> dict[str, Any]:
    """Local paths in *Uri properties → {Bucket: CODE_BUCKET, Key: <the path>}."""
    template = copy.deepcopy(sam_template)
    globals_function = (template.get("Globals") or {}).get("Function") or {}
    if isinstance(globals_function.get("CodeUri"), str):
        globals_function["CodeUri"] = {"Bucket": CODE_BUCKET, "Key": globals_function["CodeUri"]}
    for resource in (template.get("Resources") or {}).values():
        prop = _LOCAL_URI_PROPERTIES.get(resource.get("Type", ""))
        props = resource.get("Properties") or {}
        if prop and isinstance(props.get(prop), str) and not props[prop].startswith("s3://"):
            props[prop] = {"Bucket": CODE_BUCKET, "Key": props[prop]}
    return template


# --------------------------------------------------------------------------- intrinsics


class Unresolvable(LookupError):
    """An intrinsic refers to something that has no local physical counterpart."""


_NO_VALUE = object()


@dataclass
class Intrinsics:
    """Resolves Ref / Fn::GetAtt / Fn::Sub / Fn::Join / Fn::If / ... like CloudFormation.

    `ref(logical_id)` and `get_att(logical_id, attribute)` answer for resources; parameters,
    pseudo parameters and conditions come from the template and `pseudo`.
    """

    template: Mapping[str, Any]
    parameters: Mapping[str, Any]
    pseudo: Mapping[str, str]
    ref: Callable[[str], str]
    get_att: Callable[[str, str], str]

    def __post_init__(self) -> None:
        self._conditions: dict[str, bool] = {}
        specs = self.template.get("Parameters") or {}
        self._params = {
            name: (
                value.split(",")
                if isinstance(value, str)
                and specs.get(name, {}).get("Type") == "CommaDelimitedList"
                else value
            )
            for name, value in self.parameters.items()
        }

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self._eval_condition(self.template["Conditions"][name]))
        return self._conditions[name]

    def _eval_condition(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((fn, args),) = node.items()
            if fn == "Condition":
                return self.condition(args)
            if fn == "Fn::Equals":
                left, right = (self.resolve(a) for a in args)
                return str(left) == str(right)
            if fn == "Fn::Not":
                return not self._eval_condition(args[0])
            if fn == "Fn::And":
                return all(self._eval_condition(a) for a in args)
            if fn == "Fn::Or":
                return any(self._eval_condition(a) for a in args)
        return self.resolve(node)

    def resolve(self, node: Any) -> Any:
        value = self._resolve(node)
        return None if value is _NO_VALUE else value

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self._params:
            return self._params[name]
        return self.ref(name)

    def _resolve(self, node: Any) -> Any:  # noqa: C901 - one branch per intrinsic
        if isinstance(node, list):
            return [v for v in (self._resolve(n) for n in node) if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((fn, args),) = node.items()
            if fn == "Ref":
                return self._ref(args)
            if fn == "Fn::GetAtt":
                logical_id, attribute = args.split(".", 1) if isinstance(args, str) else args
                return self.get_att(logical_id, self._resolve(attribute))
            if fn == "Fn::Sub":
                return self._sub(args)
            if fn == "Fn::Join":
                separator, items = args
                return separator.join(str(i) for i in self._resolve(items))
            if fn == "Fn::Select":
                index, items = args
                return self._resolve(items)[int(self._resolve(index))]
            if fn == "Fn::Split":
                separator, text = args
                return str(self._resolve(text)).split(separator)
            if fn == "Fn::If":
                name, if_true, if_false = args
                return self._resolve(if_true if self.condition(name) else if_false)
            if fn == "Fn::Base64":
                import base64

                return base64.b64encode(str(self._resolve(args)).encode()).decode()
            if fn == "Fn::ToJsonString":
                return json.dumps(self._resolve(args))
            if fn == "Fn::FindInMap":
                name, top, second = (self._resolve(a) for a in args)
                return self.template["Mappings"][name][top][second]
            if fn.startswith("Fn::") or fn == "Condition":
                raise Unresolvable(f"intrinsic {fn} is not supported locally")
        return {
            k: v for k, v in ((k, self._resolve(v)) for k, v in node.items()) if v is not _NO_VALUE
        }

    _SUB = re.compile(r"\$\{([^}]+)\}")

    def _sub(self, args: Any) -> str:
        text, variables = (args, {}) if isinstance(args, str) else args
        local = {k: self._resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self._ref(name))

        return self._SUB.sub(replace, text)


# --------------------------------------------------------------------------- reading the template


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
    return code["S3Key"]


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


def _target_logical_id(node: Any) -> str | None:
    """Logical id behind {'Fn::GetAtt': [X, 'Arn']} / {'Ref': X}."""
    if isinstance(node, dict):
        if "Fn::GetAtt" in node:
            att = node["Fn::GetAtt"]
            return (att.split(".", 1) if isinstance(att, str) else att)[0]
        if "Ref" in node:
            return node["Ref"]
    return None


def sqs_event_sources(cfn: Mapping[str, Any]) -> list[tuple[str, str, int, Mapping[str, Any]]]:
    """(queue logical id, function logical id, batch size, ESM properties) per SQS mapping."""
    resources = cfn["Resources"]
    result = []
    for resource in resources.values():
        if resource["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        props = resource["Properties"]
        queue = _target_logical_id(props.get("EventSourceArn"))
        function = _target_logical_id(props.get("FunctionName"))
        if queue in resources and resources[queue]["Type"] == "AWS::SQS::Queue" and function:
            result.append((queue, function, int(props.get("BatchSize", 10)), props))
    return result


def schedules(cfn: Mapping[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(schedule logical id, function logical id, schedule expression, input) per scheduled Lambda
    target: EventBridge Scheduler schedules (SAM ScheduleV2) and scheduled rules (SAM Schedule)."""
    resources = cfn["Resources"]
    result = []
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
            function = _target_logical_id(target.get("Arn"))
            if function in resources and resources[function]["Type"] == "AWS::Lambda::Function":
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
    """Logical ids of the queues named as a DeadLetterConfig anywhere (rule targets, schedules)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "DeadLetterConfig" and isinstance(value, dict):
                    found.add(_target_logical_id(value.get("Arn")) or "")
                else:
                    walk(value)

    walk(cfn["Resources"])
    return {lid for lid in found if lid}


def resource_references(node: Any) -> set[str]:
    """Logical ids a resource body refers to (Ref, Fn::GetAtt, ${X} / ${X.Attr} in Fn::Sub)."""
    found: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, list):
            for item in n:
                walk(item)
        elif isinstance(n, dict):
            for key, value in n.items():
                if key == "Ref" and isinstance(value, str):
                    found.add(value)
                elif key == "Fn::GetAtt":
                    found.add(_target_logical_id(n) or "")
                elif key == "Fn::Sub":
                    text, variables = (value, {}) if isinstance(value, str) else value
                    walk(variables)
                    for name in Intrinsics._SUB.findall(text):
                        name = name.strip()
                        if not name.startswith("!") and name not in variables:
                            found.add(name.split(".", 1)[0])
                elif key == "DependsOn":
                    found.update([value] if isinstance(value, str) else value)
                else:
                    walk(value)

    walk(node)
    return {f for f in found if f and not f.startswith("AWS::")}
