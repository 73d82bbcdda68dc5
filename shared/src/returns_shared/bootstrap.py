"""Composition root: the one place that wires adapters to ports, from configuration.

Configuration is read when the dependencies are built (first invocation of a container), not at
import; the built set is cached per configuration so warm invocations reuse clients.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

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

_BOTO_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


@dataclass(frozen=True)
class Settings:
    table_name: str
    event_bus_name: str = ""
    labels_bucket: str = ""
    ops_topic_arn: str = ""
    sender_email: str = "returns@allegra-k.com"
    refund_deadline_state_machine_arn: str = ""
    cursor_secret: str = "local-cursor-secret"
    region: str = "us-east-1"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            table_name=env["TABLE_NAME"],
            event_bus_name=env.get("EVENT_BUS_NAME", ""),
            labels_bucket=env.get("LABELS_BUCKET", ""),
            ops_topic_arn=env.get("OPS_TOPIC_ARN", ""),
            sender_email=env.get("SENDER_EMAIL") or cls.sender_email,
            refund_deadline_state_machine_arn=env.get("REFUND_DEADLINE_STATE_MACHINE_ARN", ""),
            cursor_secret=env.get("CURSOR_SECRET") or cls.cursor_secret,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or cls.region,
        )


def client(service: str, settings: Settings):  # noqa: ANN201 - boto3 clients are untyped
    # endpoint_url comes from AWS_ENDPOINT_URL when set (the local stack); AWS otherwise
    return boto3.client(service, region_name=settings.region, config=_BOTO_CONFIG)


def build_dependencies(settings: Settings) -> Dependencies:
    dynamodb = client("dynamodb", settings)
    return Dependencies(
        repo=DynamoReturnsRepository(settings.table_name, dynamodb, cursors=CursorCodec(settings.cursor_secret)),
        unit_of_work=lambda: DynamoUnitOfWork(settings.table_name, dynamodb),
        events=EventBridgePublisher(settings.event_bus_name, client("events", settings)),
        mailer=SesMailer(settings.sender_email, client("sesv2", settings)),
        carrier=LocalCarrier(),
        labels=S3LabelStore(settings.labels_bucket, region_name=settings.region),  # own SigV4 client for presigning
        payments=LedgerPayments(settings.table_name, dynamodb),
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
