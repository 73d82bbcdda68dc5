"""Composition root: the one place that wires adapters to ports, from configuration.

Configuration is read when the dependencies are built (first invocation of a container), not at
import; the built set is cached per configuration so warm invocations reuse clients.
"""

from __future__ import annotations

import os
import secrets as _random
from collections.abc import Callable, Iterable
from functools import lru_cache

import boto3
from botocore.config import Config

from returns_shared.adapters.carrier_local import LocalCarrier
from returns_shared.adapters.dynamodb_repository import DynamoReturnsRepository, DynamoUnitOfWork
from returns_shared.adapters.easypost_carrier import EasyPostCarrier
from returns_shared.adapters.easypost_webhooks import EasyPostWebhookEvents
from returns_shared.adapters.eventbridge_publisher import EventBridgePublisher
from returns_shared.adapters.lambda_command_bus import LambdaCommandBus
from returns_shared.adapters.payments_ledger import LedgerPayments
from returns_shared.adapters.s3_label_store import S3LabelStore
from returns_shared.adapters.secrets import secret
from returns_shared.adapters.ses_mailer import SesMailer
from returns_shared.adapters.sfn_workflow import StepFunctionsDeadlineWorkflow
from returns_shared.adapters.sns_alerts import SnsOpsAlerts
from returns_shared.adapters.stripe_payments import StripePayments
from returns_shared.adapters.stripe_webhooks import StripeWebhookEvents
from returns_shared.policy.document import load_policy
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import Carrier, Payments
from returns_shared.settings import ConfigurationError, Settings, refuse_sandbox_key

LOCALSTRIPE_KEY = "sk_test_localstripe"  # localstripe accepts any key

_BOTO_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


def client(service: str, settings: Settings):  # noqa: ANN201 - boto3 clients are untyped
    # endpoint_url comes from AWS_ENDPOINT_URL when set (the local stack); AWS otherwise
    return boto3.client(service, region_name=settings.region, config=_BOTO_CONFIG)


def _secret(arn: str | None, what: str, *, provider: str | None = None,
            settings: Settings) -> Callable[[], str]:
    def unset() -> str:
        raise ConfigurationError(f"{what}: no secret is configured")

    read = secret(arn) if arn else unset
    if provider is None:
        return read
    return lambda: refuse_sandbox_key(provider, read(), production=settings.production)


def build_payments(settings: Settings, dynamodb: object) -> Payments:
    if settings.payments == "ledger":
        return LedgerPayments(settings.table_name, dynamodb)
    if settings.payments == "localstripe":  # no idempotency keys there: the service's own claim holds
        key = _secret(settings.stripe_api_key_secret_arn, "the Stripe API key", settings=settings) \
            if settings.stripe_api_key_secret_arn else (lambda: LOCALSTRIPE_KEY)
        return StripePayments(key, api_base=settings.stripe_api_base, max_network_retries=0)
    return StripePayments(_secret(settings.stripe_api_key_secret_arn, "the Stripe API key", provider="stripe",
                                  settings=settings))


def build_carrier(settings: Settings) -> Carrier:
    if settings.carrier == "local":
        return LocalCarrier()
    return EasyPostCarrier(_secret(settings.easypost_api_key_secret_arn, "the EasyPost API key", provider="easypost",
                                   settings=settings), carriers=settings.easypost_carriers)


def _cursor_secret(settings: Settings) -> Callable[[], str]:
    if settings.cursor_secret_arn:
        return _secret(settings.cursor_secret_arn, "the cursor signing key", settings=settings)
    process_secret = _random.token_urlsafe(32)  # locally: cursors live as long as the process
    return lambda: process_secret


def build_dependencies(settings: Settings) -> Dependencies:
    dynamodb = client("dynamodb", settings)
    return Dependencies(
        repo=DynamoReturnsRepository(settings.table_name, dynamodb, cursor_secret=_cursor_secret(settings)),
        unit_of_work=lambda: DynamoUnitOfWork(settings.table_name, dynamodb),
        events=EventBridgePublisher(settings.event_bus_name, client("events", settings)),
        mailer=SesMailer(settings.sender_email, client("sesv2", settings)),
        carrier=build_carrier(settings),
        carrier_events=EasyPostWebhookEvents(_secret(settings.easypost_webhook_secret_arn,
                                                     "the EasyPost webhook secret", settings=settings)),
        labels=S3LabelStore(settings.labels_bucket, region_name=settings.region),  # own SigV4 client for presigning
        payments=build_payments(settings, dynamodb),
        payment_events=StripeWebhookEvents(_secret(settings.stripe_webhook_secret_arn, "the Stripe webhook secret",
                                                   settings=settings)),
        workflow=StepFunctionsDeadlineWorkflow(settings.refund_deadline_state_machine_arn,
                                               client("stepfunctions", settings)),
        alerts=SnsOpsAlerts(settings.ops_topic_arn, client("sns", settings)),
        policy=load_policy,
    )


@lru_cache(maxsize=4)
def _cached(settings: Settings) -> Dependencies:
    return build_dependencies(settings)


def function_dependencies() -> Dependencies:
    """What a function handler uses: built once per container (per configuration)."""
    return _cached(Settings.from_env())


def check_configuration(needs: Iterable[str] = ()) -> Settings:
    """At cold start: the configuration is readable and, in production, uses no sandbox part and
    names every secret this process needs. Raises ConfigurationError (the function refuses to start)."""
    settings = Settings.from_env()
    settings.check_production(needs)
    return settings


def gateway_dependencies():  # noqa: ANN201
    """The gateway's read side and command bus: (reader, command_bus, label_store)."""
    settings = Settings.from_env()
    deps = _cached(settings)
    env = os.environ
    bus = LambdaCommandBus(
        {name: env[f"{name.upper()}_FUNCTION_NAME"] for name in ("request", "screening", "label", "refund")
         if f"{name.upper()}_FUNCTION_NAME" in env},
        client("lambda", settings),
    )
    return deps.repo, bus, deps.labels


def reset_dependencies() -> None:
    """Forget built clients (the local stack and tests start a new moto)."""
    _cached.cache_clear()
