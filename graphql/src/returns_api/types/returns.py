"""A return request and everything that happened to it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from returns_api.context import Info
from returns_api.customer_view import customer_actor, customer_note, customer_reads_message
from returns_api.permissions import AGENT, CUSTOMER, is_customer, roles
from returns_api.typed_fields import typed_field
from returns_api.types.enums import (
    ItemCondition,
    RefundStatus,
    ReturnMethod,
    ReturnReason,
    ReturnStatus,
)
from returns_api.types.money import Money
from returns_api.types.policy import PolicyClause, clauses
from returns_api.types.quote import ReturnQuote
from returns_shared.domain import decisions
from returns_shared.domain import returns as domain
from returns_shared.domain.vocabulary import ReturnStatus as Status
from returns_shared.policy.schedules import expiry_at, review_escalation_at

if TYPE_CHECKING:
    from returns_api.types.lookups import Settlement
    from returns_api.types.messages import Message, ReviewWait
    from returns_api.types.order import Address, Order
    from returns_shared.domain import refunds
    from returns_shared.domain import tracking as carrier
    from returns_shared.policy.document import PolicyDocument


@strawberry.type(description="A photo the warehouse took of an item at inspection.")
class InspectionPhoto:
    content_type: str
    object_key: strawberry.Private[str]

    @typed_field(description="A short-lived link to the picture (minutes): read it again for a new one.")
    def url(self, info: Info) -> str:
        services = info.context.services
        if services.photo_store is None:  # stored photos, but this gateway was not given the bucket
            raise LookupError("the inspection photos bucket is not configured")
        return services.photo_store.url(self.object_key, expires_in=services.settings.photo_url_ttl_seconds)


@strawberry.type
class ReturnLine:
    order_line_id: strawberry.ID
    quantity: int
    reason: ReturnReason
    note: str | None = strawberry.field(description="The customer's note on the item.")
    condition: ItemCondition | None
    accepted: bool | None
    defect_confirmed: bool | None = strawberry.field(
        description="The warehouse's answer to a merchant-responsibility claim: true confirmed, false no "
                    "defect found, null not answered (the claim stands).")
    inspection_note: str | None = strawberry.field(description="What the warehouse saw at inspection.")
    source: strawberry.Private[domain.ReturnLine]

    @classmethod
    def from_domain(cls, line: domain.ReturnLine) -> ReturnLine:
        return cls(
            order_line_id=strawberry.ID(line.order_line_id),
            quantity=line.quantity,
            reason=line.reason,
            note=line.note,
            condition=line.condition,
            accepted=line.accepted,
            defect_confirmed=line.defect_confirmed,
            inspection_note=line.inspection_note,
            source=line,
        )

    @typed_field(description="The warehouse's photos of the item. A customer sees them for an item that "
                             "was not accepted (why it was refused); staff always.")
    def photos(self, info: Info) -> list[InspectionPhoto]:
        if is_customer(info.context.caller) and self.accepted is not False:
            return []
        return [InspectionPhoto(content_type=photo.content_type, object_key=photo.object_key)
                for photo in self.source.photos]


@strawberry.type
class ReturnLabel:
    carrier: str
    tracking_number: str
    fee: Money
    object_key: strawberry.Private[str]

    @classmethod
    def from_domain(cls, label: domain.ReturnLabel) -> ReturnLabel:
        return cls(
            carrier=label.carrier,
            tracking_number=label.tracking_number,
            fee=Money.from_domain(label.fee),
            object_key=label.object_key,
        )

    @typed_field(description="Time-limited link to the label PDF.")
    def url(self, info: Info) -> str:
        services = info.context.services
        return services.label_store.url(self.object_key, expires_in=services.settings.label_url_ttl_seconds)


@strawberry.type(description="The carrier refused to sell this return's prepaid label for good (LABEL-US: "
                              "the customer may ship on their own; agents may retry with retryLabel).")
class LabelFailure:
    reason: str = strawberry.field(description="The carrier's words.")
    failed_at: datetime
    attempt: int = strawberry.field(description="1: the purchase after approval; more: agents' retries.")

    @classmethod
    def from_domain(cls, failure: domain.LabelFailure) -> LabelFailure:
        return cls(reason=failure.reason, failed_at=failure.failed_at, attempt=failure.attempt)


@strawberry.type
class ScreeningFlag:
    clause: PolicyClause
    message: str

    @classmethod
    def from_domain(cls, flag: decisions.ScreeningFlag, policy: PolicyDocument) -> ScreeningFlag:
        return cls(clause=PolicyClause.from_id(policy, flag.clause_id), message=flag.message)


@strawberry.type
class Screening:
    outcome: str
    flags: list[ScreeningFlag]

    @classmethod
    def from_domain(cls, result: decisions.ScreeningResult, policy: PolicyDocument) -> Screening:
        return cls(outcome=result.outcome, flags=[ScreeningFlag.from_domain(f, policy) for f in result.flags])


@strawberry.type
class Refund:
    id: strawberry.ID = strawberry.field(description="The payment provider's refund id (Stripe: re_...).")
    amount: Money
    applied_clauses: list[PolicyClause]
    issued_at: datetime
    payment_reference: str
    status: RefundStatus = strawberry.field(description="PENDING until the provider confirms the payout.")
    failure_reason: str | None = strawberry.field(description="Why the provider refused or failed it.")
    provider: str = strawberry.field(description="Who paid it: stripe, or the sandbox ledger.")
    attempt: int = strawberry.field(description="1, or more when an agent retried a failed refund.")
    updated_at: datetime | None

    @classmethod
    def from_domain(cls, refund: refunds.Refund, policy: PolicyDocument) -> Refund:
        return cls(
            id=strawberry.ID(refund.id),
            amount=Money.from_domain(refund.amount),
            applied_clauses=clauses(policy, refund.applied_clauses),
            issued_at=refund.issued_at,
            payment_reference=refund.payment_reference,
            status=refund.status,
            failure_reason=refund.failure_reason,
            provider=refund.provider,
            attempt=refund.attempt,
            updated_at=refund.updated_at,
        )


@strawberry.type(description="What the carrier reported about the package (its scans are on the timeline).")
class CarrierTracking:
    status: str | None = strawberry.field(
        description="The carrier's latest status, e.g. in_transit, delivered."
    )
    last_scan_at: datetime | None
    delivered_at: datetime | None = strawberry.field(
        description="The carrier's delivery scan; the warehouse still receives and inspects the package.")

    @classmethod
    def from_domain(cls, tracking: carrier.CarrierTracking) -> CarrierTracking:
        return cls(
            status=tracking.status, last_scan_at=tracking.last_scan_at, delivered_at=tracking.delivered_at
        )


@strawberry.type
class ReturnEvent:
    at: datetime
    status: ReturnStatus
    actor: str
    note: str | None
    internal: bool = strawberry.field(description="An agent's internal note (addInternalNote): staff only, "
                                                  "never shown to the customer.")

    @classmethod
    def from_domain(cls, event: domain.ReturnEvent) -> ReturnEvent:
        return cls(at=event.at, status=event.status, actor=event.actor, note=event.note,
                   internal=event.internal)

    @classmethod
    def for_customer(cls, event: domain.ReturnEvent) -> ReturnEvent:
        """Roles instead of staff addresses, no internal notes (customer_view)."""
        return cls(at=event.at, status=event.status, actor=customer_actor(event.actor),
                   note=customer_note(event), internal=False)


@strawberry.type
class Return:
    """The nested parts are converted by their resolvers, only when a query selects them (a page of
    50 returns asking for `quote { total }` converts no quote line). The resolvers keep the SDL's
    field order."""

    id: strawberry.ID
    status: ReturnStatus
    method: ReturnMethod
    source: strawberry.Private[domain.Return]

    @classmethod
    def from_domain(cls, ret: domain.Return, policy: PolicyDocument | None = None) -> Return:
        """The resolvers read the request's policy (info.context.policy); `policy` is accepted for
        the callers that have it at hand."""
        return cls(id=strawberry.ID(ret.id), status=ret.status, method=ret.method, source=ret)

    @strawberry.field
    def lines(self) -> list[ReturnLine]:
        return [ReturnLine.from_domain(line) for line in self.source.lines]

    @strawberry.field
    def quote(self, info: Info) -> ReturnQuote:
        return ReturnQuote.from_domain(self.source.quote, info.context.policy)

    @strawberry.field
    def screening(self, info: Info) -> Screening | None:
        found = self.source.screening
        return Screening.from_domain(found, info.context.policy) if found else None

    @strawberry.field
    def label(self) -> ReturnLabel | None:
        found = self.source.label
        # a voided label is no longer offered (its void is on the timeline)
        return ReturnLabel.from_domain(found) if found and not found.voided else None

    @typed_field(description="Set while the carrier's refusal of the prepaid label is unresolved: no "
                             "label yet, the customer has not shipped on their own, the return still "
                             "open.")
    def label_failure(self) -> LabelFailure | None:
        failure = self.source.label_failure
        if failure is None or self.source.status != Status.APPROVED:
            return None
        return LabelFailure.from_domain(failure)

    @strawberry.field
    def carrier(self) -> str | None:
        return self.source.carrier

    @strawberry.field
    def tracking_number(self) -> str | None:
        return self.source.tracking_number

    @strawberry.field
    def tracking(self) -> CarrierTracking | None:
        return CarrierTracking.from_domain(self.source.tracking) if self.source.tracking else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self.source.created_at

    @strawberry.field
    def received_at(self) -> datetime | None:
        return self.source.received_at

    @strawberry.field
    def refund_due_at(self) -> datetime | None:
        return self.source.refund_due_at

    @typed_field(description="REFUND-7D: when the money should be in the customer's account (3-5 days after "
                             "the refund; once refunded, counted from the refund itself). The one date the "
                             "emails promise.")
    def refund_expected_by(self) -> datetime | None:
        return self.source.money_expected_by

    @strawberry.field
    def refund(self, info: Info) -> Refund | None:
        return Refund.from_domain(self.source.refund, info.context.policy) if self.source.refund else None

    @typed_field(description="Everything that happened, oldest first. A customer reads who acted by "
                 "role (customer service, warehouse), without staff addresses or agents' internal notes.")
    def timeline(self, info: Info) -> list[ReturnEvent]:
        if is_customer(info.context.caller):  # agents' internal notes are not theirs to read at all
            return [ReturnEvent.for_customer(event) for event in self.source.timeline if not event.internal]
        return [ReturnEvent.from_domain(event) for event in self.source.timeline]

    @typed_field(description="The conversation with customer service about this return, both directions, "
                 "oldest first (docs/spec/customer-service.md). Staff, and the customer on their own return "
                 "(never internal notes: they are on the timeline, staff only).",
                 extensions=roles(CUSTOMER, AGENT))
    async def messages(
        self, info: Info
    ) -> list[Annotated[Message, strawberry.lazy("returns_api.types.messages")]]:
        from returns_api.types.messages import Message

        found = await info.context.loaders.conversations.load(self.source.id)
        if is_customer(info.context.caller):
            return [Message.from_domain(m, for_customer=True) for m in found
                    if m.delivered and customer_reads_message(m)]
        return [Message.from_domain(m) for m in found if m.delivered]

    @typed_field(description="Set only while UNDER_REVIEW: who the review waits for (the customer, asked "
                 "by email; or an agent, the customer replied), since when, and the REVIEW-SLA deadline.")
    def review(
        self, info: Info
    ) -> Annotated[ReviewWait, strawberry.lazy("returns_api.types.messages")] | None:
        from returns_api.types.messages import ReviewWait

        ret = self.source
        if ret.status != Status.UNDER_REVIEW:
            return None
        # the screening function stores the deadline; one flagged before it did is counted here without
        # the holiday calendars (never later than the real one) until the hourly REVIEW-SLA job stores it
        deadline = ret.review_deadline or review_escalation_at(
            ret.status_changed_at, policy=info.context.policy, holidays=False)
        return ReviewWait.of(ret, deadline)

    @strawberry.field
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy("returns_api.types.order")]:
        from returns_api.types.order import Order  # circular: Order.returns lists Returns

        order = await info.context.loaders.orders.load(self.source.order_id)
        if order is None:  # a return always has its order; a miss is a data fault, not a null
            raise LookupError(f"order {self.source.order_id} of return {self.source.id} is missing")
        return Order.from_domain(order)

    @typed_field(description="ADDR-RETURN: where the package goes (the warehouse, never the sender "
                 "address printed on the original parcel).")
    def return_address(self, info: Info) -> Annotated[Address, strawberry.lazy("returns_api.types.order")]:
        from returns_api.types.order import Address

        return Address.from_domain(info.context.policy.return_address.address)

    @typed_field(description="EXPIRE-APPROVED: ship by this instant or the approval expires. Only while "
                 "the return is approved and not shipped; null otherwise.")
    def ship_by(self, info: Info) -> datetime | None:
        if self.source.status != Status.APPROVED:
            return None
        return expiry_at(self.source, policy=info.context.policy)

    @typed_field(
        description="The refund the inspection decided (null until inspected); paid as `refund`."
    )
    def settlement(
        self, info: Info
    ) -> Annotated[Settlement, strawberry.lazy("returns_api.types.lookups")] | None:
        from returns_api.types.lookups import Settlement

        found = self.source.settlement
        return Settlement.from_domain(found, info.context.policy) if found else None
