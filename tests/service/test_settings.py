"""Configuration is validated at cold start: a missing or empty variable is one clear error."""

from __future__ import annotations

import pytest

from returns_shared import bootstrap
from returns_shared.settings import ConfigurationError, FunctionSettings, GatewayBackendSettings

FUNCTION_ENV = {"TABLE_NAME": "returns", "LABELS_BUCKET": "labels", "EVENT_BUS_NAME": "bus",
                "OPS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ops"}
GATEWAY_ENV = {"TABLE_NAME": "returns", "LABELS_BUCKET": "labels", "REQUEST_FUNCTION_NAME": "req",
               "SCREENING_FUNCTION_NAME": "scr", "REFUND_FUNCTION_NAME": "ref"}


@pytest.fixture
def env(monkeypatch):
    for name in {
        *FUNCTION_ENV,
        *GATEWAY_ENV,
        "STAGE",
        "CURSOR_SECRET_ARN",
        "SENDER_EMAIL",
        "LABEL_FUNCTION_NAME",
        "MAIL_FUNCTION_NAME",
        "MAIL_BUCKET",
        "REFUND_DEADLINE_STATE_MACHINE_ARN",
        "PAYMENTS",
        "CARRIER",
        "STRIPE_API_BASE",
        "INSIGHTS_FUNCTION_NAME",  # the stack tests' environment (one process) leaves these set
        "INSIGHTS_ENGINE",
        "FACT_SINK",
        "INSIGHTS_FACTS_DIR",
    }:
        monkeypatch.delenv(name, raising=False)

    # Powertools configures a service's logger once per process: importing a function here under
    # its real service name would fix the level the stack tests' functions log at later
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "returns-configuration-tests")

    def set_env(values: dict[str, str]) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_every_missing_variable_is_named_in_one_error(env):
    env({"LABELS_BUCKET": "labels", "EVENT_BUS_NAME": "  "})
    with pytest.raises(ConfigurationError) as raised:
        FunctionSettings.load()
    message = str(raised.value)
    assert "TABLE_NAME: Field required" in message and "OPS_TOPIC_ARN: Field required" in message
    assert "EVENT_BUS_NAME: String should have at least 1 character" in message


def test_a_configured_function_reads_its_settings(env):
    env({**FUNCTION_ENV, "AWS_REGION": "eu-west-1"})
    settings = FunctionSettings.load()
    assert (settings.table_name, settings.region, settings.sender_email) == ("returns", "eu-west-1",
                                                                             "returns@allegra-k.com")
    assert settings.refund_deadline_state_machine_arn is None


def test_a_function_without_the_deadline_workflow_refuses_to_use_it(env):
    env(FUNCTION_ENV)
    workflow = bootstrap.workflow(FunctionSettings.load())
    with pytest.raises(RuntimeError, match="REFUND_DEADLINE_STATE_MACHINE_ARN"):
        workflow.start(return_id="R1", reminder_at=None, due_at=None)


def test_importing_a_misconfigured_function_fails_before_any_event(env, monkeypatch):
    import importlib
    import sys

    monkeypatch.delitem(sys.modules, "functions.label.app", raising=False)  # restored afterwards
    with pytest.raises(ConfigurationError, match="TABLE_NAME"):
        importlib.import_module("functions.label.app")


def test_the_gateway_backend_needs_its_functions_and_in_production_a_cursor_key(env):
    env({"TABLE_NAME": "returns", "LABELS_BUCKET": "labels"})
    with pytest.raises(ConfigurationError, match="REQUEST_FUNCTION_NAME"):
        GatewayBackendSettings.load()
    env(GATEWAY_ENV)
    assert GatewayBackendSettings.load().function_names() == {"request": "req", "screening": "scr",
                                                              "refund": "ref"}
    env({**FUNCTION_ENV, "STAGE": "prod", "PAYMENTS": "stripe", "CARRIER": "easypost"})
    with pytest.raises(ConfigurationError, match="CURSOR_SECRET_ARN is not set"):
        bootstrap.check_configuration(needs=("cursors",))
