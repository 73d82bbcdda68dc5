"""A production stack whose provider secrets still hold what template.yaml creates them with (`set-me`),
or an empty or test-looking value, uses none of them (issue 19, hole 1): the API keys are a
ConfigurationError before any request leaves, and the webhook endpoints verify nothing with them
(anyone could sign an event with `set-me`): every call answers 503 (the providers deliver it again
once the secret is set) and counts WebhookNotConfigured, whose alarm pages ops at the first one."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws

from returns_devstack.deploy import MOTO_CONFIG, DeployedStack, deploy_stack
from returns_shared import bootstrap
from returns_shared.domain.money import Money
from returns_shared.service import payment_events, tracking, webhook_calls
from returns_shared.settings import ConfigurationError, Settings, unusable_webhook_secret

PLACEHOLDER = "set-me"


@pytest.fixture
def production() -> Iterator[DeployedStack]:
    """template.yaml deployed with Stage=prod; its four provider secrets as the template creates them."""
    with mock_aws(config=MOTO_CONFIG):
        yield deploy_stack(parameter_overrides={"Stage": "prod"}, stack_name="returns-prod")


def _settings(stack: DeployedStack, function: str) -> Settings:
    env = {**stack.function_env[function], "AWS_REGION": stack.region}
    settings = Settings.from_env(env)
    assert settings.production and settings.payments == "stripe" and settings.carrier == "easypost"
    return settings


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    names: list[str] = []
    monkeypatch.setattr(webhook_calls.metrics, "add_metric",
                        lambda *, name, unit, value: names.append(name))
    return names


def _stripe_call(secret: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": "evt_forged", "object": "event", "type": "refund.updated",
                       "created": int(time.time()),
                       "data": {"object": {"id": "re_x", "object": "refund", "status": "failed",
                                           "metadata": {"return_id": "RMA-ANYONE"}}}}).encode()
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"stripe-signature": f"t={stamp},v1={digest}"}


def _easypost_call(secret: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": "evt_forged", "object": "Event", "description": "tracker.updated",
                       "result": {"object": "Tracker", "tracking_code": "1Z999", "status": "delivered",
                                  "tracking_details": []}}).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"x-hmac-signature": f"hmac-sha256-hex={digest}"}


def test_with_every_secret_still_set_me_production_verifies_and_pays_nothing(production, counted):
    secrets = boto3.client("secretsmanager", region_name=production.region)
    refund_settings = _settings(production, "RefundFunction")
    label_settings = _settings(production, "LabelFunction")
    for arn in (refund_settings.stripe_api_key_secret_arn, refund_settings.stripe_webhook_secret_arn,
                label_settings.easypost_api_key_secret_arn, label_settings.easypost_webhook_secret_arn):
        assert secrets.get_secret_value(SecretId=arn)["SecretString"] == PLACEHOLDER

    refund_deps = bootstrap.build_dependencies(refund_settings)
    status, answer = payment_events.stripe_webhook(*_stripe_call(PLACEHOLDER), refund_deps)
    assert status == 503 and "not configured" in answer["error"]
    label_deps = bootstrap.build_dependencies(label_settings)
    status, answer = tracking.easypost_webhook(*_easypost_call(PLACEHOLDER), label_deps)
    assert status == 503 and "not configured" in answer["error"]
    assert counted == ["WebhookNotConfigured", "WebhookNotConfigured"]  # the alarm's metric, per call
    table = boto3.client("dynamodb", region_name=production.region)
    claims = table.scan(TableName=production.table_name)["Items"]  # test-only look: nothing was claimed
    assert claims == []

    with pytest.raises(ConfigurationError, match="placeholder 'set-me'"):
        refund_deps.payments.refund(idempotency_key="refund:RMA-1", payment_reference="pi_1",
                                    amount=Money(amount=Decimal("1.00"), currency="USD"), return_id="RMA-1",
                                    at=refund_deps.clock())
    with pytest.raises(ConfigurationError, match="placeholder 'set-me'"):
        label_deps.carrier.track(tracking_number="1Z999", carrier="UPS")


def test_a_real_looking_webhook_secret_verifies(production, counted):
    settings = _settings(production, "RefundFunction")
    real = "whsec_" + "Jq7Rk2Vx9Lm4Tn8Bw3Yc6Hd1Pf5Gs0Za"
    boto3.client("secretsmanager", region_name=production.region).put_secret_value(
        SecretId=settings.stripe_webhook_secret_arn, SecretString=real)
    deps = bootstrap.build_dependencies(settings)
    deps.payments.refund_record = lambda refund_id: None  # type: ignore[method-assign]  # Stripe: no such refund
    verified = payment_events.stripe_webhook(*_stripe_call(real), deps)
    assert verified == (200, {"outcome": "ignored"})
    assert counted == []


@pytest.mark.parametrize(("provider", "value", "why"), [
    ("stripe", "set-me", "placeholder"),
    ("stripe", "   ", "empty"),
    ("stripe", "whsec_test", "too short"),
    ("stripe", "whsec_local_returns_service", "test-looking"),
    ("stripe", "Jq7Rk2Vx9Lm4Tn8Bw3Yc6Hd1Pf5Gs0Za", "whsec_"),  # Stripe's signing secrets all start so
    ("easypost", "local-easypost-webhook-secret", "test-looking"),
    ("easypost", "changeme-changeme-changeme", "test-looking"),
    ("easypost", "example_webhook_secret_1234", "test-looking"),
    ("easypost", "short", "too short"),
])
def test_what_production_refuses_as_a_webhook_secret(provider, value, why):
    reason = unusable_webhook_secret(provider, value)
    assert reason is not None and why in reason


@pytest.mark.parametrize(("provider", "value"), [
    ("stripe", "whsec_Jq7Rk2Vx9Lm4Tn8Bw3Yc6Hd1Pf5Gs0Za"),
    ("easypost", "b9f0c1d2e3a4b5c6d7e8f9a0b1c2d3e4"),
    ("easypost", "Correct-Horse-Battery-Staple-4471"),
])
def test_what_production_accepts_as_a_webhook_secret(provider, value):
    assert unusable_webhook_secret(provider, value) is None


def test_outside_production_the_local_secrets_still_verify(monkeypatch):
    keys: dict[str, Any] = {"arn:stripe-hook": "whsec_local_returns_service"}
    monkeypatch.setattr(bootstrap, "secret", lambda arn: lambda: keys[arn])
    settings = Settings.from_env({"TABLE_NAME": "t", "LABELS_BUCKET": "b", "EVENT_BUS_NAME": "e",
                                  "OPS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ops", "STAGE": "dev",
                                  "STRIPE_WEBHOOK_SECRET_ARN": "arn:stripe-hook"})
    read = bootstrap.webhook_secret(settings.stripe_webhook_secret_arn, "stripe", settings=settings)
    assert read() == "whsec_local_returns_service"
