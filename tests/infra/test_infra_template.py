"""template.yaml and the state machine definition, checked offline (no moto)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from returns_devstack import template as tpl

from .conftest import ASL, REPO, TEMPLATE

FUNCTIONS = (
    "GraphQLFunction",
    "RequestFunction",
    "ScreeningFunction",
    "LabelFunction",
    "RefundFunction",
    "MailFunction",
    "InsightsFunction",
)
WORKERS = FUNCTIONS[1:]  # every function but the gateway
DOMAIN_FUNCTIONS = FUNCTIONS[1:6]  # the functions that act on returns (and mail customers); not the insights
COMMON_ENV = ("TABLE_NAME", "EVENT_BUS_NAME", "LABELS_BUCKET", "OPS_TOPIC_ARN", "SENDER_EMAIL")
GATEWAY_ENV = (
    "REQUEST_FUNCTION_NAME",
    "SCREENING_FUNCTION_NAME",
    "LABEL_FUNCTION_NAME",
    "REFUND_FUNCTION_NAME",
    "MAIL_FUNCTION_NAME",
    "AUTH_MODE",
    "CUSTOMER_USER_POOL_ID",
    "STAFF_USER_POOL_ID",
    "APP_CLIENTS_PARAMETER",
    "ORDER_FEED_CLIENT_ID",
    "COGNITO_REGION",
    "GRAPHQL_IDE",
)


def _cfn_lint() -> list[str]:
    script = Path(sys.executable).with_name("cfn-lint")
    if script.exists():
        return [str(script)]
    found = shutil.which("cfn-lint")
    if not found:
        pytest.fail("cfn-lint is not installed (it is in the dev dependency group)")
    return [found]


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


@pytest.fixture(scope="module")
def prod_cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1", parameter_overrides={"Stage": "prod"})


@pytest.fixture(scope="module")
def asl() -> dict[str, Any]:
    return json.loads(ASL.read_text())


def statements(cfn: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    role = cfn["Resources"][role_id]["Properties"]
    return [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def test_cfn_lint_is_clean() -> None:
    result = subprocess.run(
        [*_cfn_lint(), str(TEMPLATE)], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_functions_follow_the_layout_conventions(cfn: dict[str, Any]) -> None:
    functions = tpl.functions(cfn, REPO)
    assert set(functions) == set(FUNCTIONS)
    for name in WORKERS:
        short = name.removesuffix("Function").lower()
        assert functions[name].code_uri == f"functions/{short}/"
        assert (functions[name].handler_module, functions[name].handler_attr) == (
            f"functions.{short}.app",
            "lambda_handler",
        )
    gateway = functions["GraphQLFunction"]
    assert (gateway.code_uri, gateway.handler_module, gateway.handler_attr) == (
        "graphql/",
        "returns_api.lambda_handler",
        "handler",
    )
    for source in functions.values():
        props = source.properties
        assert props["Runtime"] == "python3.13" and props["Architectures"] == ["arm64"]
        makefile = REPO / source.code_uri / "Makefile"
        assert f"build-{source.logical_id}:" in makefile.read_text(), (
            f"{makefile} lacks build-{source.logical_id}"
        )
    assert "build-SharedLayer:" in (REPO / "shared" / "Makefile").read_text()


def test_tracing_everywhere_without_the_xray_sdk_in_the_gateway(cfn: dict[str, Any]) -> None:
    for name in FUNCTIONS:
        assert cfn["Resources"][name]["Properties"]["TracingConfig"] == {"Mode": "Active"}, name
    # Lambda's active tracing needs no SDK; importing one would cost the gateway's cold start
    probe = ("import sys, returns_api.lambda_handler, returns_api.app; print(sorted(m for m in sys.modules "
             "if 'xray' in m))")
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_environment_names(cfn: dict[str, Any]) -> None:
    env = {
        name: cfn["Resources"][name]["Properties"]["Environment"]["Variables"] for name in FUNCTIONS
    }
    for name in FUNCTIONS:
        assert set(COMMON_ENV) <= set(env[name]), name
    assert set(GATEWAY_ENV) <= set(env["GraphQLFunction"])
    assert env["RefundFunction"]["REFUND_DEADLINE_STATE_MACHINE_ARN"] == {
        "Ref": "RefundDeadlineStateMachine"
    }
    assert env["GraphQLFunction"]["AUTH_MODE"] == "cognito"


def test_graphql_ide_is_off_in_every_deployed_stage(cfn: dict[str, Any], prod_cfn: dict[str, Any]) -> None:
    for translated in (cfn, prod_cfn):
        env = translated["Resources"]["GraphQLFunction"]["Properties"]["Environment"]["Variables"]
        assert env["GRAPHQL_IDE"] == "false"  # GraphiQL, introspection, suggestions: local stack only
    assert prod_cfn["Resources"]["ReturnsTable"]["Properties"]["DeletionProtectionEnabled"] == {
        "Fn::If": ["IsProd", True, False]
    }


def test_http_api_routes_have_no_authorizer(cfn: dict[str, Any]) -> None:
    api = cfn["Resources"]["HttpApi"]["Properties"]["Body"]
    paths = api["paths"]["/graphql"]
    assert set(paths) == {"get", "post"}
    for operation in paths.values():
        assert "security" not in operation
    assert "securitySchemes" not in api.get("components", {})


def test_every_api_route_has_a_throttle_of_its_own(cfn: dict[str, Any]) -> None:
    """Route settings are buckets per route: GraphQL traffic (the anonymous returnPolicy included)
    cannot use up the providers' webhooks, and no route is left on the default."""
    [stage] = [r["Properties"] for r in cfn["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    paths = cfn["Resources"]["HttpApi"]["Properties"]["Body"]["paths"]
    routes = {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}
    assert set(stage["RouteSettings"]) == routes
    params = cfn["Parameters"]
    for webhook in ("POST /webhooks/stripe", "POST /webhooks/easypost"):
        limits = stage["RouteSettings"][webhook]
        # sized to the function's reserved concurrency: what the API lets through, the function takes
        assert limits["ThrottlingRateLimit"] <= params["FunctionReservedConcurrency"]["Default"]
        assert limits["ThrottlingBurstLimit"] >= limits["ThrottlingRateLimit"]
    graphql = stage["RouteSettings"]["POST /graphql"]
    assert graphql["ThrottlingRateLimit"] <= params["GatewayReservedConcurrency"]["Default"]


# Actions AWS defines no resource for ("*" only): X-Ray's, and DynamoDB Streams' ListStreams (the
# insights function's stream mapping lists the table's streams; its reads are on the stream's ARN).
TRACES = frozenset({"xray:PutTraceSegments", "xray:PutTelemetryRecords"})
NO_RESOURCE_LEVEL = TRACES | {"dynamodb:ListStreams"}


def test_least_privilege(cfn: dict[str, Any]) -> None:
    every = {role: statements(cfn, role) for role in (f"{f}Role" for f in FUNCTIONS)}
    every["RefundDeadlineStateMachineRole"] = statements(cfn, "RefundDeadlineStateMachineRole")
    for role, role_statements in every.items():
        for statement in role_statements:
            assert "dynamodb:Scan" not in actions(statement), role
            assert not any(a.endswith(":*") or a == "*" for a in actions(statement)), (
                role,
                statement,
            )
            if statement.get("Resource") == "*":  # only actions AWS defines no resource for
                assert set(actions(statement)) <= NO_RESOURCE_LEVEL, (role, statement)
    gateway = {a for s in every["GraphQLFunctionRole"] for a in actions(s)}
    assert gateway == {
        "logs:CreateLogStream",  # its own log group only (test_each_function_writes_only_its_own_logs...)
        "logs:PutLogEvents",
        *TRACES,  # Tracing: Active
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "lambda:InvokeFunction",
        "s3:GetObject",
        "s3:PutObject",  # signs the warehouse's photo uploads, on the photos' prefix only (below)
        "secretsmanager:GetSecretValue",  # the cursor signing key only (test_secrets_...)
        "ssm:GetParameter",  # the app clients' ids only (test_infra_staff_pool)
    }
    puts = [s for s in every["GraphQLFunctionRole"] if "s3:PutObject" in actions(s)]
    assert [s["Resource"] for s in puts] == [{"Fn::Sub": "${InspectionPhotosBucket.Arn}/inspection/*"}]
    sfn = {a for s in every["RefundDeadlineStateMachineRole"] for a in actions(s)}
    assert sfn == {"dynamodb:GetItem", "sns:Publish", "sqs:SendMessage*"}
    refund = {a for s in every["RefundFunctionRole"] for a in actions(s)}
    assert {
        "states:StartExecution",
        "states:StopExecution",
        "states:DescribeExecution",
        "sns:Publish",
    } <= refund
    label = {a for s in every["LabelFunctionRole"] for a in actions(s)}
    assert {"s3:PutObject", "s3:GetObject"} <= label
    for name in ("RequestFunctionRole", "ScreeningFunctionRole"):
        granted = {a for s in every[name] for a in actions(s)}
        assert not any(a.startswith(("s3:", "states:")) for a in granted), name
    for name in ("RequestFunctionRole", "ScreeningFunctionRole", "LabelFunctionRole", "RefundFunctionRole"):
        # every function raises ops alerts (failed emails, escalations, refused packages)
        assert "sns:Publish" in {a for s in every[name] for a in actions(s)}, name


def _secrets_read_by(cfn: dict[str, Any], function: str) -> set[str]:
    return {
        resource["Ref"]
        for statement in statements(cfn, f"{function}Role")
        if "secretsmanager:GetSecretValue" in actions(statement)
        for resource in (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
    }


def test_each_function_reads_only_the_secrets_it_needs_by_arn_never_by_value(cfn: dict[str, Any]) -> None:
    assert _secrets_read_by(cfn, "GraphQLFunction") == {"CursorSigningSecret"}
    assert _secrets_read_by(cfn, "RefundFunction") == {"StripeApiKeySecret", "StripeWebhookSecret"}
    assert _secrets_read_by(cfn, "LabelFunction") == {"EasyPostApiKeySecret", "EasyPostWebhookSecret"}
    assert _secrets_read_by(cfn, "RequestFunction") == _secrets_read_by(cfn, "ScreeningFunction") == set()
    text = TEMPLATE.read_text()
    assert "resolve:secretsmanager" not in text  # never resolved into environment variables
    env = {
        f: cfn["Resources"][f]["Properties"].get("Environment", {}).get("Variables", {}) for f in FUNCTIONS
    }
    assert env["RefundFunction"]["STRIPE_API_KEY_SECRET_ARN"] == {"Ref": "StripeApiKeySecret"}
    assert env["GraphQLFunction"]["CURSOR_SECRET_ARN"] == {"Ref": "CursorSigningSecret"}


def test_queues_have_dead_letter_queues_and_encryption(cfn: dict[str, Any]) -> None:
    queues = {
        k: r["Properties"] for k, r in cfn["Resources"].items() if r["Type"] == "AWS::SQS::Queue"
    }
    main = {k for k, p in queues.items() if "RedrivePolicy" in p}
    assert main == {"ScreeningQueue", "LabelQueue", "InstructionsQueue", "RefundQueue"}
    for name in main:
        redrive = queues[name]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == 5
        assert redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in queues
    assert all(p["SqsManagedSseEnabled"] is True for p in queues.values())


def test_state_machine_wiring(cfn: dict[str, Any], asl: dict[str, Any]) -> None:
    machine = cfn["Resources"]["RefundDeadlineStateMachine"]["Properties"]
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["DefinitionS3Location"]["Key"] == "statemachine/refund_deadline.asl.json"
    placeholders = set(re.findall(r"\$\{(\w+)\}", ASL.read_text()))
    assert (
        placeholders
        == set(machine["DefinitionSubstitutions"])
        == {"TableName", "OpsTopicArn", "RefundQueueUrl"}
    )


def test_every_task_retries_and_is_caught(asl: dict[str, Any]) -> None:
    allowed = {
        "arn:aws:states:::dynamodb:getItem",
        "arn:aws:states:::sns:publish",
        "arn:aws:states:::sqs:sendMessage",
    }
    tasks = {name: state for name, state in asl["States"].items() if state["Type"] == "Task"}
    assert tasks
    for name, state in tasks.items():
        assert state["Resource"] in allowed, name
        assert state["Retry"] and all(
            r["MaxAttempts"] <= 5 and r["BackoffRate"] >= 1.5 for r in state["Retry"]
        ), name
        assert state["Catch"] and state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name


def test_failures_still_hand_the_return_to_the_refund_queue(asl: dict[str, Any]) -> None:
    states = asl["States"]
    seen, path, current = set(), [], "AlertWorkflowFailure"
    while current and current not in seen:
        seen.add(current)
        path.append(current)
        state = states[current]
        current = state.get("Next")
    assert [states[s]["Type"] for s in path] == ["Task", "Task", "Fail"]
    assert states[path[1]]["Resource"] == "arn:aws:states:::sqs:sendMessage"
    assert states[path[1]]["Parameters"]["MessageBody"] == {
        "type": "RefundDeadlineDue",
        "returnId.$": "$.returnId",
    }
    # and every catch of the normal path leads there
    for name, state in states.items():
        if name in path:
            continue
        for catch in state.get("Catch", []):
            assert catch["Next"] == "AlertWorkflowFailure", name


def test_schedules_and_event_sources(cfn: dict[str, Any]) -> None:
    assert sorted(tpl.schedules(cfn)) == [
        (
            "LabelFunctionResendEmailsSchedule",
            "LabelFunction",
            "rate(15 minutes)",
            {"job": "resend-emails"},
        ),
        (
            "LabelFunctionVoidLabelsSchedule",
            "LabelFunction",
            "rate(1 hour)",
            {"job": "void-labels"},
        ),
        (
            "RefundFunctionReconcileDeadlinesSchedule",
            "RefundFunction",
            "rate(15 minutes)",
            {"job": "reconcile-deadlines"},
        ),
        (
            "RequestFunctionExpireApprovedSchedule",
            "RequestFunction",
            "rate(1 hour)",
            {"job": "expire-approved"},
        ),
        (
            "ScreeningFunctionReviewSlaSchedule",
            "ScreeningFunction",
            "rate(1 hour)",
            {"job": "escalate-reviews"},
        ),
    ]
    mappings = tpl.sqs_event_sources(cfn)
    assert sorted((q, f) for q, f, _, _ in mappings) == [
        ("InstructionsQueue", "RequestFunction"),
        ("LabelQueue", "LabelFunction"),
        ("RefundQueue", "RefundFunction"),
        ("ScreeningQueue", "ScreeningFunction"),
    ]
    for _queue, _function, batch_size, props in mappings:
        assert batch_size <= 10
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
