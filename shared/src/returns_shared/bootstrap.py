"""Composition root: the one place that wires adapters to ports, from configuration.

Configuration (settings.py) is read and validated at cold start (the function module's import, the
gateway's first invocation) and when the dependencies are built, never frozen at import; the built
set is cached per configuration so warm invocations reuse clients.
"""

from __future__ import annotations

import secrets as _random
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from returns_shared.adapters._aws import LazyClient
from returns_shared.adapters.carrier_local import LocalCarrier
from returns_shared.adapters.dynamodb import DynamoReturnsRepository, DynamoUnitOfWork
from returns_shared.adapters.easypost_carrier import EasyPostCarrier
from returns_shared.adapters.easypost_webhooks import EasyPostWebhookEvents
from returns_shared.adapters.eventbridge_publisher import EventBridgePublisher
from returns_shared.adapters.insights_athena import AthenaInsights
from returns_shared.adapters.insights_firehose import FirehoseFacts
from returns_shared.adapters.lambda_command_bus import LambdaCommandBus
from returns_shared.adapters.payments_ledger import LedgerPayments
from returns_shared.adapters.portal_address import SsmPortalAddress
from returns_shared.adapters.s3_label_store import S3LabelStore
from returns_shared.adapters.s3_mail_store import S3MailStore
from returns_shared.adapters.s3_photo_store import S3PhotoStore
from returns_shared.adapters.secrets import SecretUnavailable, secret
from returns_shared.adapters.ses_mailer import SesMailer
from returns_shared.adapters.sfn_workflow import StepFunctionsDeadlineWorkflow
from returns_shared.adapters.sns_alerts import SnsOpsAlerts
from returns_shared.adapters.stripe_payments import StripePayments
from returns_shared.adapters.stripe_webhooks import StripeWebhookEvents
from returns_shared.policy.document import load_policy
from returns_shared.service.cursors import CursorCodec
from returns_shared.service.dependencies import Dependencies, MailAddresses
from returns_shared.service.insight_ports import FactSink, InsightsEngine
from returns_shared.service.ports import (
    Carrier,
    CommandBus,
    DeadlineWorkflow,
    LabelStore,
    MailStore,
    Payments,
    ReturnsReader,
    WebhookNotConfigured,
)
from returns_shared.settings import (
    ConfigurationError,
    FunctionSettings,
    GatewayBackendSettings,
    StorageSettings,
    refuse_sandbox_key,
    unusable_webhook_secret,
)

LOCALSTRIPE_KEY = "sk_test_localstripe"  # localstripe accepts any key

def _boto_config() -> Any:
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


def client(service: str, settings: StorageSettings) -> LazyClient:
    """Made at its first call: an invocation pays only for the services it uses.
    endpoint_url comes from AWS_ENDPOINT_URL when set (the local stack); AWS otherwise."""
    return LazyClient(service, region_name=settings.region, config=_boto_config)


def _secret(arn: str | None, what: str, *, provider: str | None = None,
            settings: StorageSettings) -> Callable[[], str]:
    def unset() -> str:
        raise ConfigurationError(f"{what}: no secret is configured")

    read = secret(arn) if arn else unset
    if provider is None:
        return read
    return lambda: refuse_sandbox_key(provider, read(), production=settings.production)


def webhook_secret(arn: str | None, provider: str, *, settings: StorageSettings) -> Callable[[], str]:
    """A webhook endpoint's signing secret. Production verifies nothing with an empty, placeholder or
    test-looking one (anyone could sign with `set-me`): WebhookNotConfigured, every call refused."""
    def read() -> str:
        if not arn:
            raise WebhookNotConfigured(f"no {provider} webhook secret is configured")
        try:
            value = secret(arn)()
        except SecretUnavailable as exc:
            raise WebhookNotConfigured(str(exc)) from None
        reason = unusable_webhook_secret(provider, value) if settings.production else None
        if reason:
            refusal = f"STAGE={settings.stage} refuses the {provider} webhook secret: {reason}"
            raise WebhookNotConfigured(f"{refusal}; put the endpoint's signing secret in it (README)")
        return value

    return read


def _cursor_secret(settings: StorageSettings) -> Callable[[], str]:
    if settings.cursor_secret_arn:
        return _secret(settings.cursor_secret_arn, "the cursor signing key", settings=settings)
    process_secret = _random.token_urlsafe(32)  # locally: cursors live as long as the process
    return lambda: process_secret


def reader(settings: StorageSettings, dynamodb: Any) -> DynamoReturnsRepository:
    return DynamoReturnsRepository(
        settings.table_name, dynamodb, cursors=CursorCodec(_cursor_secret(settings))
    )


def label_store(settings: StorageSettings) -> S3LabelStore:
    return S3LabelStore(
        settings.labels_bucket, region_name=settings.region
    )  # own SigV4 client for presigning


def mail_store(settings: StorageSettings) -> S3MailStore | None:
    return S3MailStore(settings.mail_bucket, region_name=settings.region) if settings.mail_bucket else None


def photo_store(settings: StorageSettings) -> S3PhotoStore | None:
    if settings.photos_bucket is None:
        return None
    return S3PhotoStore(settings.photos_bucket, region_name=settings.region)


def build_payments(settings: FunctionSettings, dynamodb: object) -> Payments:
    if settings.payments == "ledger":
        return LedgerPayments(settings.table_name, dynamodb)
    if settings.payments == "localstripe":  # no idempotency keys there: the service's own claim holds
        key = _secret(settings.stripe_api_key_secret_arn, "the Stripe API key", settings=settings) \
            if settings.stripe_api_key_secret_arn else (lambda: LOCALSTRIPE_KEY)
        return StripePayments(key, api_base=settings.stripe_api_base, max_network_retries=0)
    return StripePayments(_secret(settings.stripe_api_key_secret_arn, "the Stripe API key", provider="stripe",
                                  settings=settings))


def build_carrier(settings: FunctionSettings) -> Carrier:
    if settings.carrier == "local":
        return LocalCarrier()
    return EasyPostCarrier(
        _secret(
            settings.easypost_api_key_secret_arn,
            "the EasyPost API key",
            provider="easypost",
            settings=settings,
        ),
        carriers=settings.easypost_carriers,
    )


class WorkflowNotConfigured:
    """The deadline workflow where REFUND_DEADLINE_STATE_MACHINE_ARN is not set (only the refund
    function has it): using it is a clear error, not a call with an empty ARN."""

    def _refuse(self, **_: Any) -> Any:
        raise RuntimeError(
            "REFUND_DEADLINE_STATE_MACHINE_ARN is not set: this function has no deadline workflow"
        )

    start = stop = is_running = _refuse


def workflow(settings: FunctionSettings) -> DeadlineWorkflow:
    if settings.refund_deadline_state_machine_arn is None:
        return WorkflowNotConfigured()
    return StepFunctionsDeadlineWorkflow(
        settings.refund_deadline_state_machine_arn, client("stepfunctions", settings)
    )


def insights_engine(settings: FunctionSettings) -> InsightsEngine | None:
    """Athena in production; locally DuckDB over the fact files (a development dependency, imported
    only here, only then)."""
    if settings.insights_engine == "athena":
        return AthenaInsights(workgroup=settings.athena_workgroup or "",
                              database=settings.facts_database or "", region_name=settings.region,
                              url_seconds=settings.export_url_seconds)
    if settings.insights_engine == "duckdb":
        from returns_shared.adapters.insights_local import DuckDbInsights

        return DuckDbInsights(_facts_dir(settings), results_bucket=settings.insights_results_bucket or "",
                              region_name=settings.region, url_seconds=settings.export_url_seconds)
    return None


def fact_sink(settings: FunctionSettings) -> FactSink | None:
    if settings.fact_sink == "firehose":
        return FirehoseFacts(settings.facts_stream_name or "", client("firehose", settings))
    if settings.fact_sink == "files":
        from returns_shared.adapters.insights_local import ParquetFactFiles

        return ParquetFactFiles(_facts_dir(settings))
    return None


def _facts_dir(settings: FunctionSettings) -> str:
    if not settings.insights_facts_dir:
        raise ConfigurationError("INSIGHTS_FACTS_DIR must name the local fact files' directory")
    return settings.insights_facts_dir


def build_dependencies(settings: FunctionSettings) -> Dependencies:
    dynamodb = client("dynamodb", settings)
    return Dependencies(
        repo=reader(settings, dynamodb),
        unit_of_work=lambda: DynamoUnitOfWork(settings.table_name, dynamodb),
        events=EventBridgePublisher(settings.event_bus_name, client("events", settings)),
        # customers' answers to any email go to customer service (the SES receipt rule's recipient)
        mailer=SesMailer(settings.sender_email, client("sesv2", settings), reply_to=settings.support_email),
        carrier=build_carrier(settings),
        carrier_events=EasyPostWebhookEvents(
            webhook_secret(settings.easypost_webhook_secret_arn, "easypost", settings=settings)
        ),
        labels=label_store(settings),
        photos=photo_store(settings),
        payments=build_payments(settings, dynamodb),
        payment_events=StripeWebhookEvents(
            webhook_secret(settings.stripe_webhook_secret_arn, "stripe", settings=settings)
        ),
        workflow=workflow(settings),
        alerts=SnsOpsAlerts(settings.ops_topic_arn, client("sns", settings)),
        policy=load_policy,
        portal=SsmPortalAddress(settings.portal_url_parameter, region_name=settings.region)
        if settings.portal_url_parameter else None,
        mail_store=mail_store(settings),
        addresses=MailAddresses(sender=settings.sender_email, support=settings.support_email,
                                region=settings.region),
        insights=insights_engine(settings),
        facts=fact_sink(settings),
    )


@lru_cache(maxsize=16)  # one per configuration: the local stack runs each function with its own
def _cached(settings: FunctionSettings) -> Dependencies:
    return build_dependencies(settings)


def function_dependencies() -> Dependencies:
    """What a function handler uses: built once per container (per configuration)."""
    return _cached(FunctionSettings.load())


def check_configuration(needs: Iterable[str] = (), *, mails_customers: bool = True) -> FunctionSettings:
    """At cold start: the configuration is complete and, in production, uses no sandbox part and
    names every secret this process needs. Raises ConfigurationError (the process refuses to start)."""
    settings = FunctionSettings.load()
    settings.check_production(needs, mails_customers=mails_customers)
    return settings


def gateway_dependencies() -> tuple[ReturnsReader, CommandBus, LabelStore]:
    """The gateway's read side, command bus and label store (it holds no write rights)."""
    settings = GatewayBackendSettings.load()
    bus = LambdaCommandBus(settings.function_names(), client("lambda", settings))
    return reader(settings, client("dynamodb", settings)), bus, label_store(settings)


def gateway_photo_store() -> S3PhotoStore | None:
    """The gateway signs the warehouse's photo uploads and the links that show them."""
    return photo_store(GatewayBackendSettings.load())


def gateway_mail_store() -> MailStore | None:
    """The gateway signs staff's short-lived links to received mail's attachments (it reads nothing else)."""
    return mail_store(GatewayBackendSettings.load())


def reset_dependencies() -> None:
    """Forget built clients (the local stack and tests start a new moto)."""
    _cached.cache_clear()
