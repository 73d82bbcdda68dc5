"""Each function's execution role as template.yaml declares it (after SAM's translation, so SAM's policy
templates are expanded and a generated role carries its AWS managed policies), with every intrinsic
resolved to this deployment's names: what returns_devstack.iam evaluates a function's calls against."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from returns_devstack import template as tpl
from returns_devstack.deploy.physical import Deployment


@dataclass(frozen=True)
class Grant:
    """One statement of a role, where it comes from."""

    policy: str  # the inline policy's name, or the managed policy's ARN
    sid: str  # its Sid, or its position
    statement: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.policy}/{self.sid}"


@dataclass(frozen=True)
class FunctionRole:
    role: str  # the role's logical id
    grants: tuple[Grant, ...] = ()
    log_group: str = ""  # where the Lambda service writes the function's logs (with this role)
    tracing: bool = False  # X-Ray active: the service sends its traces with this role
    problem: str | None = None  # why the role could not be read (the proof then fails for it)


def function_roles(d: Deployment) -> dict[str, FunctionRole]:
    resources = d.cfn["Resources"]
    roles: dict[str, FunctionRole] = {}
    for lid, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        props = resource.get("Properties") or {}
        role_id = tpl.target_logical_id(props.get("Role")) or ""
        try:
            roles[lid] = _role(d, lid, props, role_id, resources.get(role_id))
        except (tpl.Unresolvable, LookupError, ValueError) as exc:
            roles[lid] = FunctionRole(role=role_id, problem=f"{type(exc).__name__}: {exc}")
    return roles


def _role(d: Deployment, lid: str, props: Mapping[str, Any], role_id: str,
          role: Mapping[str, Any] | None) -> FunctionRole:
    if role is None or role["Type"] != "AWS::IAM::Role":
        raise LookupError(f"{lid}'s Role names no AWS::IAM::Role of the template ({props.get('Role')})")
    role_props = role.get("Properties") or {}
    if role_props.get("PermissionsBoundary"):
        raise ValueError(f"{role_id} has a permissions boundary: the proof does not evaluate boundaries yet")
    grants: list[Grant] = []
    for policy in d.resolve(role_props.get("Policies") or []):
        grants += _grants(policy["PolicyName"], policy["PolicyDocument"])
    for arn in d.resolve(role_props.get("ManagedPolicyArns") or []):
        grants += _grants(arn, _aws_managed_policy(arn))
    function_name = d.ref(lid)
    logging = d.resolve(props.get("LoggingConfig")) or {}
    tracing = (d.resolve(props.get("TracingConfig")) or {}).get("Mode") == "Active"
    return FunctionRole(role=role_id, grants=tuple(grants),
                        log_group=logging.get("LogGroup") or f"/aws/lambda/{function_name}", tracing=tracing)


def _grants(policy: str, document: Mapping[str, Any]) -> list[Grant]:
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return [Grant(policy=policy, sid=str(statement.get("Sid") or index), statement=statement)
            for index, statement in enumerate(statements)]


def _aws_managed_policy(arn: str) -> Mapping[str, Any]:
    """An AWS managed policy's document (SAM attaches some to the roles it generates), from the copy
    moto keeps of AWS's managed policies."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    name = arn.rsplit("/", 1)[-1]
    policy = json.loads(aws_managed_policies_data).get(name)
    if policy is None:
        raise LookupError(f"no AWS managed policy {name} known locally")
    document: Mapping[str, Any] = policy["Document"]
    return document

