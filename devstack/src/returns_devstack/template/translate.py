"""Load the SAM template and translate it to plain CloudFormation, offline (cached)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from returns_devstack.template.constants import CODE_BUCKET, PSEUDO_ACCOUNT_ID

_LOCAL_URI_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
}


def load_sam_template(path: Path) -> dict[str, Any]:
    """The SAM template as a dict; short-form tags (!Ref, !Sub, ...) become long form."""
    path = Path(path).resolve()
    return copy.deepcopy(_load_cached(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    template: dict[str, Any] = yaml_parse(Path(path).read_text(encoding="utf-8"))
    return template


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
    plain: dict[str, Any] = json.loads(json.dumps(translated))  # dicts/lists/str, no translator types
    return plain


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
