"""Step 1: `create_stack` in moto with the resources its CloudFormation really creates."""

from __future__ import annotations

import json
import warnings
from typing import Any

from returns_devstack import template as tpl
from returns_devstack.deploy.model import CLOUDFORMATION_TYPES
from returns_devstack.deploy.physical import Deployment


def moto_template(d: Deployment) -> dict[str, Any]:
    resources = d.cfn["Resources"]
    kept = {lid for lid, res in resources.items() if res["Type"] in CLOUDFORMATION_TYPES}
    # drop what refers to something not created (e.g. schedule rules -> Lambda functions)
    changed = True
    while changed:
        changed = False
        for lid in sorted(kept):
            if not (tpl.resource_references(resources[lid]) & resources.keys()) <= kept:
                kept.discard(lid)
                changed = True
    for lid, res in resources.items():
        if lid not in kept and res["Type"] not in d.emulated:
            d.skipped[lid] = res["Type"]
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": d.cfn.get("Parameters", {}),
        "Conditions": d.cfn.get("Conditions", {}),
        "Mappings": d.cfn.get("Mappings", {}),
        "Resources": _moto_compatible(
            {lid: resources[lid] for lid in resources if lid in kept}
        ),
    }

def create_stack(d: Deployment) -> set[str]:
    template = moto_template(d)
    if not template["Mappings"]:
        del template["Mappings"]
    specs = d.cfn.get("Parameters") or {}
    parameters = [
        {"ParameterKey": k, "ParameterValue": ",".join(v) if isinstance(v, list) else str(v)}
        for k, v in d.params.items()
        if k in specs
    ]
    cloudformation = d.client("cloudformation")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto warns about every property it does not model
        stack_id = cloudformation.create_stack(
            StackName=d.stack_name, TemplateBody=json.dumps(template), Parameters=parameters
        )["StackId"]
    d.account_id = stack_id.split(":")[4]
    d.intrinsics.pseudo = d.pseudo() | {"AWS::StackId": stack_id}
    created: set[str] = set()
    paginator = cloudformation.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=d.stack_name):
        for summary in page["StackResourceSummaries"]:
            lid = summary["LogicalResourceId"]
            d.physical_ids[lid] = summary["PhysicalResourceId"]
            created.add(lid)
    missing = set(template["Resources"]) - created
    if missing:
        raise RuntimeError(f"moto did not create {sorted(missing)}")
    return created


def _moto_compatible(resources: dict[str, Any]) -> dict[str, Any]:
    """Work around moto CloudFormation quirks (same meaning, other spelling).

    * moto's EventBus has no physical id, so {"Ref": Bus} resolves to a Python object:
      spell it {"Fn::GetAtt": [Bus, "Name"]} (what Ref means for a bus).
    """
    buses = {lid for lid, r in resources.items() if r["Type"] == "AWS::Events::EventBus"}

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(n) for n in node]
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in buses:
                return {"Fn::GetAtt": [node["Ref"], "Name"]}
            return {k: rewrite(v) for k, v in node.items()}
        return node

    return {lid: rewrite(body) for lid, body in resources.items()}
