"""Operations in template.yaml (issue 11, item 7), read from the translated template: concurrency, retries
and dead letters, log retention, access logs, alarms on a dashboard, the ops e-mail (staff MFA:
test_infra_staff_pool.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from returns_devstack import template as tpl

from .conftest import REPO, TEMPLATE
from .test_infra_template import DOMAIN_FUNCTIONS, FUNCTIONS, WORKERS, actions, statements


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


def of_type(cfn: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in cfn["Resources"].items() if r["Type"] == kind}


def ref_of(node: Any) -> str | None:
    return tpl.target_logical_id(node)


def test_every_function_has_reserved_concurrency_above_its_queue_pollers(cfn: dict[str, Any]) -> None:
    props = {name: cfn["Resources"][name]["Properties"] for name in FUNCTIONS}

    def reserved(parameter: str) -> dict[str, Any]:  # ReserveConcurrency=false reserves none (a new account)
        return {"Fn::If": ["ReservesConcurrency", {"Ref": parameter}, {"Ref": "AWS::NoValue"}]}

    assert props["GraphQLFunction"]["ReservedConcurrentExecutions"] == reserved("GatewayReservedConcurrency")
    for name in WORKERS:
        assert props[name]["ReservedConcurrentExecutions"] == reserved("FunctionReservedConcurrency"), name
    floor = int(cfn["Parameters"]["FunctionReservedConcurrency"]["MinValue"])
    for _queue, function, _batch, mapping in tpl.sqs_event_sources(cfn):
        # an event source allowed more pollers than the function may run would be throttled into the DLQ
        assert mapping["ScalingConfig"]["MaximumConcurrency"] <= floor, function


def test_a_crashed_label_workers_redelivered_message_finds_its_lease_stale(cfn: dict[str, Any]) -> None:
    """A label worker that timed out holding the return's label lease: SQS delivers its message again
    after the queue's visibility timeout, which must find the lease stale (else it would be consumed as
    a duplicate and the purchase never resumed); a live worker never holds it that long."""
    from returns_shared.service.labels import LABEL_LEASE

    resources = cfn["Resources"]
    holders = ("LabelFunction", "RequestFunction")  # labels; a self-ship after a refused label
    longest = max(int(resources[name]["Properties"]["Timeout"]) for name in holders)
    visibility = int(resources["LabelQueue"]["Properties"]["VisibilityTimeout"])
    assert longest < LABEL_LEASE.total_seconds() < visibility


def test_the_readme_states_the_concurrency_quota_the_defaults_need(cfn: dict[str, Any]) -> None:
    """Lambda keeps 100 of an account's concurrency unreserved: with the defaults the quota must cover
    every function's reserved concurrency + 100, as the README and the template's parameter say."""
    params = cfn["Parameters"]
    functions = of_type(cfn, "AWS::Lambda::Function")
    reserved = [int(params[f["Properties"]["ReservedConcurrentExecutions"]["Fn::If"][1]["Ref"]]["Default"])
                for f in functions.values()]
    quota = sum(reserved) + 100
    gateway, each = (params[name]["Default"] for name in ("GatewayReservedConcurrency",
                                                          "FunctionReservedConcurrency"))
    readme = " ".join((REPO / "README.md").read_text().split())
    assert f"{gateway} + {len(functions) - 1} × {each} + 100 = {quota}" in readme
    assert f"{quota} with the defaults" in params["ReserveConcurrency"]["Description"]


def test_every_bus_rule_target_retries_then_dead_letters(cfn: dict[str, Any]) -> None:
    rules = {
        lid: r for lid, r in of_type(cfn, "AWS::Events::Rule").items() if "EventPattern" in r["Properties"]
    }
    assert len(rules) == 5
    policies = of_type(cfn, "AWS::SQS::QueuePolicy")
    for rule_id, rule in rules.items():
        for target in rule["Properties"]["Targets"]:
            assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0, rule_id
            assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] <= 86400, rule_id
            dlq = ref_of(target["DeadLetterConfig"]["Arn"])
            assert cfn["Resources"][dlq]["Type"] == "AWS::SQS::Queue"
            # EventBridge needs the queue's permission to dead-letter there, for exactly these rules
            allowed = [s for p in policies.values() if ref_of(p["Properties"]["Queues"][0]) == dlq
                       for s in p["Properties"]["PolicyDocument"]["Statement"]]
            sources = [ref_of(a) for s in allowed for a in s["Condition"]["ArnEquals"]["aws:SourceArn"]]
            assert rule_id in sources and all(
                s["Principal"] == {"Service": "events.amazonaws.com"} for s in allowed
            )


def test_schedules_are_scheduler_schedules_with_retries_and_a_dead_letter_queue(cfn: dict[str, Any]) -> None:
    schedules = of_type(cfn, "AWS::Scheduler::Schedule")
    scheduled = set(DOMAIN_FUNCTIONS) - {"MailFunction"}  # SES and agents' commands invoke it, no job
    assert {ref_of(s["Properties"]["Target"]["Arn"]) for s in schedules.values()} == scheduled
    assert not [
        r for r in of_type(cfn, "AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    for schedule_id, schedule in schedules.items():
        target = schedule["Properties"]["Target"]
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0, schedule_id
        dlq = ref_of(target["DeadLetterConfig"]["Arn"])
        role = ref_of(target["RoleArn"])
        granted = [s for s in statements(cfn, role) if "sqs:SendMessage" in actions(s)]
        assert [ref_of(s["Resource"]) for s in granted] == [dlq], schedule_id  # the scheduler may dead-letter
    assert [s[0] for s in tpl.schedules(cfn)] and len(tpl.schedules(cfn)) == len(
        schedules
    )  # the local timer finds them


def test_every_function_logs_to_its_own_group_with_bounded_retention(cfn: dict[str, Any]) -> None:
    groups = of_type(cfn, "AWS::Logs::LogGroup")
    used = set()
    for name in FUNCTIONS:
        config = cfn["Resources"][name]["Properties"]["LoggingConfig"]
        group = ref_of(config["LogGroup"])
        assert group in groups and config["LogFormat"] == "JSON", name
        used.add(group)
    assert len(used) == len(FUNCTIONS)
    for lid, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, lid
    assert max(cfn["Parameters"]["LogRetentionDays"]["AllowedValues"]) <= 365


def test_the_http_api_writes_access_logs_that_name_the_gateway_request_id(cfn: dict[str, Any]) -> None:
    [stage] = of_type(cfn, "AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["AccessLogSettings"]
    assert ref_of(settings["DestinationArn"]) == "ApiAccessLogGroup"
    for variable in ("$context.requestId", "$context.integration.requestId", "$context.status"):
        assert variable in settings["Format"]


def test_alarms_reach_the_ops_topic_and_sit_on_the_dashboard(cfn: dict[str, Any]) -> None:
    alarms = of_type(cfn, "AWS::CloudWatch::Alarm")
    for lid, alarm in alarms.items():
        assert [ref_of(a) for a in alarm["Properties"]["AlarmActions"]] == ["OpsTopic"], lid

    def watched(namespace: str, metric: str) -> set[str]:
        found = set()
        for lid, alarm in alarms.items():
            props = alarm["Properties"]
            stats = [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m] or [
                props
            ]
            if any(s.get("Namespace") == namespace and s.get("MetricName") == metric for s in stats):
                found.add(lid)
        return found

    for name in FUNCTIONS:
        for metric in ("Errors", "Throttles"):
            assert any(ref_of(alarms[a]["Properties"]["Dimensions"][0]["Value"]) == name
                       for a in watched("AWS/Lambda", metric)), (name, metric)
    assert watched("AWS/ApiGateway", "5xx") and watched("AWS/DynamoDB", "ReadThrottleEvents")
    assert watched("AWS/DynamoDB", "WriteThrottleEvents")
    namespace = cfn["Resources"]["RefundFunction"]["Properties"]["Environment"]["Variables"][
        "POWERTOOLS_METRICS_NAMESPACE"
    ]
    service = cfn["Resources"]["RefundFunction"]["Properties"]["Environment"]["Variables"][
        "POWERTOOLS_SERVICE_NAME"
    ]
    for metric in ("RefundFailed", "LabelFailed"):  # emitted by the refund and the label path
        [failed] = watched(namespace, metric)
        # Powertools' default dimension
        assert alarms[failed]["Properties"]["Dimensions"] == [{"Name": "service", "Value": service}], metric
    # a wrong or rotated webhook secret refuses every provider event: refunds that failed after paying,
    # carrier scans; only this alarm tells anyone (the providers retry, then give up)
    [webhook_refused] = watched(namespace, "WebhookRefused")
    assert alarms[webhook_refused]["Properties"]["Dimensions"] == [{"Name": "service", "Value": service}]
    for function in ("RefundFunction", "LabelFunction"):
        variables = cfn["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert (variables["POWERTOOLS_METRICS_NAMESPACE"], variables["POWERTOOLS_SERVICE_NAME"]) == (
            namespace, service)
    [dashboard] = of_type(cfn, "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    on_dashboard = set(re.findall(r"\$\{(\w+)\.Arn\}", body))
    assert on_dashboard == set(alarms)


def test_alarms_can_reach_somebody(cfn: dict[str, Any]) -> None:
    [subscription] = of_type(cfn, "AWS::SNS::Subscription").values()
    assert subscription["Condition"] == "HasOpsAlertEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "OpsAlertEmail"}
    assert ref_of(subscription["Properties"]["TopicArn"]) == "OpsTopic"
    assert cfn["Parameters"]["OpsAlertEmail"]["Default"] == ""  # optional
    assert cfn["Conditions"]["HasOpsAlertEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "OpsAlertEmail"}, ""]}]
    }


def test_checkov_skips_are_each_justified() -> None:
    skips = re.findall(r"checkov:skip=([A-Z0-9_]+)(:?)(.*)", TEMPLATE.read_text())
    assert skips
    for check, colon, why in skips:
        assert colon and len(why.strip()) > 20, check
    assert "checkov" in (REPO / "Makefile").read_text()
