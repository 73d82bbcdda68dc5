"""What the service layer is given: ports, the policy and the clock. Built by `bootstrap`."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from returns_shared.adapters.dynamodb_repository import DynamoReturnsRepository, DynamoUnitOfWork
from returns_shared.policy.document import PolicyDocument
from returns_shared.service.ports import (
    Carrier,
    DeadlineWorkflow,
    EventPublisher,
    LabelStore,
    Mailer,
    OpsAlerts,
    Payments,
)

_RMA_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


def new_rma_id() -> str:
    return "RMA-" + "".join(secrets.choice(_RMA_ALPHABET) for _ in range(10))


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Dependencies:
    repo: DynamoReturnsRepository
    unit_of_work: Callable[[], DynamoUnitOfWork]
    events: EventPublisher
    mailer: Mailer
    carrier: Carrier
    labels: LabelStore
    payments: Payments
    workflow: DeadlineWorkflow
    alerts: OpsAlerts
    policy: Callable[[], PolicyDocument]
    clock: Callable[[], datetime] = utc_now
    new_return_id: Callable[[], str] = new_rma_id
    label_url_ttl_seconds: int = 900
