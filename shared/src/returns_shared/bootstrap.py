"""Composition root: the one place that wires adapters to ports, from configuration.

Configuration (settings.py) is read and validated when the dependencies are built (first invocation
of a container, or the function module's import: see lambda_entry), not frozen at import; the built
set is cached per configuration so warm invocations reuse clients.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from returns_shared.adapters.carrier_local import LocalCarrier
from returns_shared.adapters.dynamodb import DynamoReturnsRepository, DynamoUnitOfWork
from returns_shared.adapters.eventbridge_publisher import EventBridgePublisher
from returns_shared.adapters.lambda_command_bus import LambdaCommandBus
from returns_shared.adapters.payments_ledger import LedgerPayments
from returns_shared.adapters.s3_label_store import S3LabelStore
from returns_shared.adapters.ses_mailer import SesMailer
from returns_shared.adapters.sfn_workflow import StepFunctionsDeadlineWorkflow
from returns_shared.adapters.sns_alerts import SnsOpsAlerts
from returns_shared.policy.document import load_policy
from returns_shared.service.cursors import CursorCodec
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import CommandBus, DeadlineWorkflow, LabelStore, ReturnsReader
from returns_shared.settings import FunctionSettings, GatewayBackendSettings, StorageSettings

_BOTO_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


def client(service: str, settings: StorageSettings) -> Any:  # boto3 clients are untyped
    # endpoint_url comes from AWS_ENDPOINT_URL when set (the local stack); AWS otherwise
    return boto3.client(service, region_name=settings.region, config=_BOTO_CONFIG)


def reader(settings: StorageSettings, dynamodb: Any) -> DynamoReturnsRepository:
    return DynamoReturnsRepository(settings.table_name, dynamodb, cursors=CursorCodec(settings.cursor_secret))


def label_store(settings: StorageSettings) -> S3LabelStore:
    return S3LabelStore(
        settings.labels_bucket, region_name=settings.region
    )  # own SigV4 client for presigning


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


def build_dependencies(settings: FunctionSettings) -> Dependencies:
    dynamodb = client("dynamodb", settings)
    return Dependencies(
        repo=reader(settings, dynamodb),
        unit_of_work=lambda: DynamoUnitOfWork(settings.table_name, dynamodb),
        events=EventBridgePublisher(settings.event_bus_name, client("events", settings)),
        mailer=SesMailer(settings.sender_email, client("sesv2", settings)),
        carrier=LocalCarrier(),
        labels=label_store(settings),
        payments=LedgerPayments(settings.table_name, dynamodb),
        workflow=workflow(settings),
        alerts=SnsOpsAlerts(settings.ops_topic_arn, client("sns", settings)),
        policy=load_policy,
    )


@lru_cache(maxsize=4)
def _cached(settings: FunctionSettings) -> Dependencies:
    return build_dependencies(settings)


def function_dependencies() -> Dependencies:
    """What a function handler uses: built once per container (per configuration)."""
    return _cached(FunctionSettings.load())


def gateway_dependencies() -> tuple[ReturnsReader, CommandBus, LabelStore]:
    """The gateway's read side, command bus and label store (it holds no write rights)."""
    settings = GatewayBackendSettings.load()
    bus = LambdaCommandBus(settings.function_names(), client("lambda", settings))
    return reader(settings, client("dynamodb", settings)), bus, label_store(settings)


def reset_dependencies() -> None:
    """Forget built clients (the local stack and tests start a new moto)."""
    _cached.cache_clear()
