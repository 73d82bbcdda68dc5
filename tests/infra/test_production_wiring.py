"""Production never runs on a sandbox part: with STAGE=prod a process refuses to start (a clear
ConfigurationError at cold start) when a sandbox adapter is chosen or a secret it needs is not
configured, and refuses a provider's test-mode key at first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from returns_shared import bootstrap
from returns_shared.adapters.portal_address import SsmPortalAddress
from returns_shared.settings import UNSET_SECRET_PLACEHOLDER, ConfigurationError, Settings

REPO = Path(__file__).resolve().parents[2]
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:{}"
# what every function needs, wherever it runs (validated at cold start: returns_shared.settings)
BASE = {"TABLE_NAME": "returns", "LABELS_BUCKET": "labels", "EVENT_BUS_NAME": "bus",
        "OPS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ops"}
PRODUCTION = {
    **BASE,
    "STAGE": "prod",
    "PAYMENTS": "stripe",
    "CARRIER": "easypost",
    "STRIPE_API_KEY_SECRET_ARN": ARN.format("stripe-key"),
    "STRIPE_WEBHOOK_SECRET_ARN": ARN.format("stripe-hook"),
    "EASYPOST_API_KEY_SECRET_ARN": ARN.format("ep-key"),
    "EASYPOST_WEBHOOK_SECRET_ARN": ARN.format("ep-hook"),
    "CURSOR_SECRET_ARN": ARN.format("cursor"),
    "PORTAL_URL_PARAMETER": "/returns/returns-prod/portal-url",
}
EVERYTHING = ("payments", "payment-webhooks", "carrier", "carrier-webhooks", "cursors")


def test_a_fully_wired_production_process_starts():
    Settings.from_env(PRODUCTION).check_production(EVERYTHING)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"PAYMENTS": "ledger"}, "PAYMENTS=ledger is a sandbox"),
        (
            {"PAYMENTS": "localstripe", "STRIPE_API_BASE": "http://127.0.0.1:8420"},
            "PAYMENTS=localstripe is a sandbox",
        ),
        ({"STRIPE_API_BASE": "http://127.0.0.1:8420"}, "STRIPE_API_BASE points Stripe at another server"),
        ({"CARRIER": "local"}, "CARRIER=local is a sandbox"),
        ({"STRIPE_API_KEY_SECRET_ARN": ""}, "STRIPE_API_KEY_SECRET_ARN is not set"),
        ({"EASYPOST_WEBHOOK_SECRET_ARN": ""}, "EASYPOST_WEBHOOK_SECRET_ARN is not set"),
        ({"CURSOR_SECRET_ARN": ""}, "CURSOR_SECRET_ARN is not set"),
        ({"PORTAL_URL_PARAMETER": " "}, "PORTAL_URL_PARAMETER is not set"),  # every function mails customers
    ],
)
def test_production_refuses_sandbox_parts_and_missing_secrets(change, complaint):
    with pytest.raises(ConfigurationError, match="refusing to start with STAGE=prod") as refused:
        Settings.from_env({**PRODUCTION, **change}).check_production(EVERYTHING)
    assert complaint in str(refused.value)


def test_only_the_secrets_a_process_needs_are_required():
    env = {**PRODUCTION, "EASYPOST_API_KEY_SECRET_ARN": "", "EASYPOST_WEBHOOK_SECRET_ARN": ""}
    Settings.from_env(env).check_production(("payments", "payment-webhooks"))  # the refund function
    with pytest.raises(ConfigurationError):
        Settings.from_env(env).check_production(("carrier",))  # the label function


def test_outside_production_the_sandboxes_are_allowed_but_choices_are_checked():
    Settings.from_env(
        {**BASE, "STAGE": "dev", "PAYMENTS": "ledger", "CARRIER": "local"}
    ).check_production(EVERYTHING)
    with pytest.raises(ConfigurationError, match="PAYMENTS must be one of"):
        Settings.from_env({**BASE, "PAYMENTS": "paypal"})
    with pytest.raises(ConfigurationError, match="STRIPE_API_BASE"):
        Settings.from_env({**BASE, "PAYMENTS": "localstripe"})
    with pytest.raises(ConfigurationError, match="TABLE_NAME"):
        Settings.from_env({})


@pytest.mark.parametrize(("function", "change"), [
    ("refund", {"PAYMENTS": "localstripe", "STRIPE_API_BASE": "http://127.0.0.1:8420"}),
    ("refund", {"STRIPE_WEBHOOK_SECRET_ARN": ""}),
    ("label", {"CARRIER": "local"}),
    ("request", {"PAYMENTS": "ledger"}),
    ("screening", {"PORTAL_URL_PARAMETER": ""}),
])
def test_a_function_refuses_to_start_at_cold_start(function, change):
    """Importing the handler module is Lambda's cold start: it must fail there, loudly."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("STRIPE", "EASYPOST", "PAYMENTS", "CARRIER"))
    }
    result = subprocess.run([sys.executable, "-c", f"import functions.{function}.app"], cwd=REPO, timeout=60,
                            env={**env, **PRODUCTION, **change}, capture_output=True, text=True)
    assert result.returncode != 0
    assert "ConfigurationError: refusing to start with STAGE=prod" in result.stderr


def test_the_portal_parameter_is_wired_as_the_emails_portal_address():
    deps = bootstrap.build_dependencies(Settings.from_env(PRODUCTION))
    assert isinstance(deps.portal, SsmPortalAddress)
    assert deps.portal.parameter_name == "/returns/returns-prod/portal-url"
    assert bootstrap.build_dependencies(Settings.from_env({**BASE, "STAGE": "dev"})).portal is None


def test_a_correctly_configured_function_starts():
    env = {**os.environ, **PRODUCTION, "AWS_DEFAULT_REGION": "us-east-1"}
    result = subprocess.run(
        [sys.executable, "-c", "import functions.refund.app"],
        cwd=REPO,
        timeout=60,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_test_mode_keys_at_first_use(monkeypatch):
    keys = {ARN.format("stripe-key"): "sk_test_51Hx", ARN.format("ep-key"): "EZTK0000"}
    monkeypatch.setattr(bootstrap, "secret", lambda arn: lambda: keys[arn])
    settings = Settings.from_env(PRODUCTION)
    stripe_key = bootstrap._secret(
        settings.stripe_api_key_secret_arn, "the Stripe API key", provider="stripe", settings=settings
    )
    easypost_key = bootstrap._secret(settings.easypost_api_key_secret_arn, "the EasyPost API key",
                                     provider="easypost", settings=settings)
    with pytest.raises(ConfigurationError, match="test-mode key"):
        stripe_key()
    with pytest.raises(ConfigurationError, match="test-mode key"):
        easypost_key()
    keys.update({ARN.format("stripe-key"): "sk_live_51Hx", ARN.format("ep-key"): "EZAK0000"})
    assert (stripe_key(), easypost_key()) == ("sk_live_51Hx", "EZAK0000")


def test_production_refuses_the_templates_placeholder_keys_at_first_use(monkeypatch):
    """template.yaml creates the provider secrets as `set-me`: a stack deployed before anybody set them
    answers a clear configuration error instead of sending the placeholder to Stripe or EasyPost."""
    template = (Path(__file__).parents[2] / "template.yaml").read_text()
    assert template.count(f"SecretString: {UNSET_SECRET_PLACEHOLDER}") >= 4  # both keys, both webhook secrets
    keys = dict.fromkeys((ARN.format("stripe-key"), ARN.format("ep-key")), UNSET_SECRET_PLACEHOLDER)
    monkeypatch.setattr(bootstrap, "secret", lambda arn: lambda: keys[arn])
    settings = Settings.from_env(PRODUCTION)
    for arn, provider in ((settings.stripe_api_key_secret_arn, "stripe"),
                          (settings.easypost_api_key_secret_arn, "easypost")):
        key = bootstrap._secret(arn, "an API key", provider=provider, settings=settings)
        with pytest.raises(ConfigurationError, match="placeholder 'set-me'"):
            key()
