"""Deployed permissions and names (issue 19), checked on the translated template for EVERY function it
declares (a function added later is held to the same rules): a role of its own that writes only its own
log group and polls only its own queues, no AWS managed policy (SAM's basic execution role writes any
log group, its SQS poller policy reads any queue); schedules in a group of the stack's own, run by
roles that only this account's schedule group may assume; no grant the code does not use."""

from __future__ import annotations

from typing import Any

import pytest

from returns_devstack import template as tpl

from .conftest import TEMPLATE


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


def _functions(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resources = cfn["Resources"].items()
    return {lid: r["Properties"] for lid, r in resources if r["Type"] == "AWS::Lambda::Function"}


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    policies = role["Properties"].get("Policies", [])
    return [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_each_function_has_a_role_of_its_own_without_aws_managed_policies(cfn):
    resources = cfn["Resources"]
    roles = {}
    for function, props in _functions(cfn).items():
        role = tpl.target_logical_id(props["Role"])
        assert role and resources[role]["Type"] == "AWS::IAM::Role", function
        assert not resources[role]["Properties"].get("ManagedPolicyArns"), (
            f"{function}: SAM's generated role (AWS managed policies: any log group, any queue); "
            "give it a role of its own in template.yaml's permissions section")
        roles[function] = role
    assert len(set(roles.values())) == len(roles)  # none shared


def test_each_function_writes_only_its_own_log_group_and_polls_only_its_own_queues(cfn):
    resources = cfn["Resources"]
    queues_of: dict[str, set[str]] = {}
    for queue, function, _batch, _mapping in tpl.sqs_event_sources(cfn):
        queues_of.setdefault(function, set()).add(queue)
    for function, props in _functions(cfn).items():
        role = resources[tpl.target_logical_id(props["Role"])]
        log_group = tpl.target_logical_id(props["LoggingConfig"]["LogGroup"])
        for statement in _statements(role):
            acts = _listed(statement["Action"])
            targets = {tpl.target_logical_id(r) for r in _listed(statement["Resource"])}
            if any(a.startswith("logs:") for a in acts):
                assert targets == {log_group}, (function, statement)
            if any(a in {"sqs:ReceiveMessage", "sqs:DeleteMessage"} for a in acts):
                assert targets and targets <= queues_of.get(function, set()), (function, statement)


def test_grants_no_code_uses_are_gone(cfn):
    """Verified unused (tests/stack/test_least_privilege.py reports grants never used): ConditionCheckItem
    (no transaction checks an item), ses:SendRawEmail (SES v2 SendEmail is ses:SendEmail, raw content too),
    the screening function's DeleteItem, the label function's PutEvents and BatchGetItem."""
    every = {a for r in cfn["Resources"].values() if r["Type"] == "AWS::IAM::Role"
             for s in _statements(r) for a in _listed(s["Action"])}
    assert not every & {"dynamodb:ConditionCheckItem", "ses:SendRawEmail"}
    resources = cfn["Resources"]
    screening = {a for s in _statements(resources["ScreeningFunctionRole"]) for a in _listed(s["Action"])}
    label = {a for s in _statements(resources["LabelFunctionRole"]) for a in _listed(s["Action"])}
    assert "dynamodb:DeleteItem" not in screening
    assert not label & {"events:PutEvents", "dynamodb:BatchGetItem"}


def test_schedules_live_in_the_stacks_own_group_and_run_with_a_guarded_role(cfn):
    resources = cfn["Resources"]
    schedules = {lid: r["Properties"] for lid, r in resources.items()
                 if r["Type"] == "AWS::Scheduler::Schedule"}
    assert schedules
    groups = {lid for lid, r in resources.items() if r["Type"] == "AWS::Scheduler::ScheduleGroup"}
    assert len(groups) == 1 and "Name" not in resources[next(iter(groups))].get("Properties", {})  # unique
    for lid, props in schedules.items():
        assert tpl.target_logical_id(props.get("GroupName")) in groups, lid
        role = resources[tpl.target_logical_id(props["Target"]["RoleArn"])]
        [trust] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
        assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
        assert tpl.target_logical_id(trust["Condition"]["ArnEquals"]["aws:SourceArn"]) in groups
        target = tpl.target_logical_id(props["Target"]["Arn"])
        granted = {(a, tpl.target_logical_id(r)) for s in _statements(role)
                   for a in _listed(s["Action"]) for r in _listed(s["Resource"])}
        assert granted == {("lambda:InvokeFunction", target), ("sqs:SendMessage", "ScheduleDLQ")}, lid


def test_reserved_concurrency_can_be_left_to_the_account(cfn):
    """A new account's concurrency quota may be below the reserved total + Lambda's 100 unreserved:
    ReserveConcurrency=false reserves none, for every function."""
    assert cfn["Parameters"]["ReserveConcurrency"]["AllowedValues"] == ["true", "false"]
    for function, props in _functions(cfn).items():
        assert props["ReservedConcurrentExecutions"]["Fn::If"][0] == "ReservesConcurrency", function
