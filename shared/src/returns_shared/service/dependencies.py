"""What the service layer is given: ports, the policy and the clock. Built by `bootstrap`."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.policy.document import PolicyDocument
from returns_shared.service.insight_ports import FactSink, InsightsEngine
from returns_shared.service.ports import (
    Carrier,
    CarrierEvents,
    DeadlineWorkflow,
    EventPublisher,
    LabelStore,
    Mailer,
    MailStore,
    OpsAlerts,
    PaymentEvents,
    Payments,
    PhotoStore,
    PortalAddress,
    ReturnsRepository,
    UnitOfWork,
)

_RMA_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


def new_rma_id() -> str:
    return "RMA-" + "".join(secrets.choice(_RMA_ALPHABET) for _ in range(10))


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class MailAddresses:
    """Who the service's emails come from, where customers write, and the SES region (Message-IDs)."""

    sender: str = "returns@allegra-k.com"  # the lifecycle emails (SENDER_EMAIL)
    support: str = "cs@allegra-k.com"  # customer service: agents' replies; every email's Reply-To
    region: str = "us-east-1"


@dataclass
class Dependencies:
    repo: ReturnsRepository
    unit_of_work: Callable[[], UnitOfWork]
    events: EventPublisher
    mailer: Mailer
    carrier: Carrier
    carrier_events: CarrierEvents
    labels: LabelStore
    payments: Payments
    payment_events: PaymentEvents
    workflow: DeadlineWorkflow
    alerts: OpsAlerts
    policy: Callable[[], PolicyDocument]
    clock: Callable[[], datetime] = utc_now
    new_return_id: Callable[[], str] = new_rma_id
    portal: PortalAddress | None = None  # None: not configured (emails go without the return page link)
    mail_store: MailStore | None = None  # None: no mail bucket configured (MAIL_BUCKET)
    addresses: MailAddresses = MailAddresses()
    insights: InsightsEngine | None = None  # the insights function's (INSIGHTS_ENGINE)
    facts: FactSink | None = None  # the insights function's (FACT_SINK)
    photos: PhotoStore | None = None  # None: not configured (an inspection with photos is refused)

    def save_return(self, ret: Return) -> None:
        """One version-conditioned write of a return (ConflictError if someone changed it first)."""
        uow = self.unit_of_work()
        uow.save_return(ret)
        uow.commit()
        ret.version += 1  # the object now matches what is stored: it can be saved again

    def order_of(self, ret: Return) -> Order:
        """The order a stored return belongs to (always there: returns are only made for orders)."""
        order = self.repo.get_order(ret.order_id)
        if order is None:
            raise LookupError(f"return {ret.id} names a missing order {ret.order_id}")
        return order
