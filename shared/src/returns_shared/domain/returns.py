"""The Return aggregate: its state machine, timeline and the facts each step records.

Every transition checks the current status here; the repository then writes it conditioned on the
version it read, so a return can neither skip nor repeat a state, whatever arrives twice or at once.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from returns_shared.domain import return_labels, return_tracking
from returns_shared.domain.decisions import Quote, ScreeningResult, Settlement
from returns_shared.domain.errors import InvalidState
from returns_shared.domain.money import Money
from returns_shared.domain.orders import customer_key
from returns_shared.domain.refunds import REFUND_STATUS_NEXT, Refund, RefundAttempt
from returns_shared.domain.return_parts import SYSTEM, TRANSITIONS, utc_iso
from returns_shared.domain.return_parts import LabelFailure as LabelFailure
from returns_shared.domain.return_parts import LabelPurchase as LabelPurchase
from returns_shared.domain.return_parts import ReturnEvent as ReturnEvent
from returns_shared.domain.return_parts import ReturnLabel as ReturnLabel
from returns_shared.domain.return_parts import ReturnLine as ReturnLine
from returns_shared.domain.return_parts import ReviewWait as ReviewWait
from returns_shared.domain.tracking import CarrierScan, CarrierTracking, tracking_key
from returns_shared.domain.vocabulary import (
    REFUND_NOT_PAID,
    STATUS_WORDS,
    VOID_STATUSES,
    RefundStatus,
    ReturnMethod,
    ReturnStatus,
    ReviewWaitingFor,
)

S = ReturnStatus


class Return(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    id: str
    order_id: str
    customer_email: str  # lower-cased order email: the customer
    status: ReturnStatus
    method: ReturnMethod
    lines: list[ReturnLine]
    quote: Quote
    created_at: datetime
    status_changed_at: datetime
    version: int = 0
    idempotency_key: str | None = None
    screening: ScreeningResult | None = None
    label: ReturnLabel | None = None
    label_failure: LabelFailure | None = None  # the carrier refused the label; unresolved while set
    label_purchase: LabelPurchase | None = None  # a label being bought: its shipment, until the label is kept
    carrier: str | None = None
    tracking_number: str | None = None
    tracking: CarrierTracking | None = None  # what the carrier reported (webhook)
    tracking_replacements: int = 0  # self-ship numbers replaced while in transit
    approved_at: datetime | None = None
    received_at: datetime | None = None
    refund_due_at: datetime | None = None
    refund_expected_by: datetime | None = None
    inspected_at: datetime | None = None
    settlement: Settlement | None = None
    refund: Refund | None = None  # the latest; a FAILED one stays here until a retry replaces it
    refund_attempt: RefundAttempt | None = None  # a request to the payment provider under way
    sla_breached_at: datetime | None = None
    review_escalated_at: datetime | None = None
    review_deadline: datetime | None = None  # REVIEW-SLA: decided by when (set on entering review)
    review_wait: ReviewWait | None = None  # while UNDER_REVIEW: who it waits for (the review queue)
    timeline: list[ReturnEvent] = Field(default_factory=list)

    # -- creation -------------------------------------------------------------------------
    @classmethod
    def request(
        cls,
        *,
        return_id: str,
        order_id: str,
        customer_email: str,
        method: ReturnMethod,
        lines: list[ReturnLine],
        quote: Quote,
        idempotency_key: str | None,
        actor: str,
        at: datetime,
        note: str | None = None,
    ) -> Return:
        return cls(
            id=return_id,
            order_id=order_id,
            customer_email=customer_key(customer_email),
            status=S.REQUESTED,
            method=method,
            lines=lines,
            quote=quote,
            created_at=at,
            status_changed_at=at,
            idempotency_key=idempotency_key,
            timeline=[ReturnEvent(at=at, status=S.REQUESTED, actor=actor, note=note)],
        )

    # -- queries --------------------------------------------------------------------------
    @property
    def is_void(self) -> bool:
        return self.status in VOID_STATUSES

    def holds_package(self, tracking_number: str) -> bool:
        """This return is waiting for, or still handling, the package under this number."""
        return (not self.is_void and self.status != S.REFUNDED and self.tracking_number is not None
                and tracking_key(self.tracking_number) == tracking_key(tracking_number))

    @property
    def has_shipped(self) -> bool:
        """On its way or beyond: a tracking number submitted or a carrier scan moved it to IN_TRANSIT.
        (A prepaid label's tracking number alone is not shipping: the label may never be used.)"""
        return self.status not in {S.REQUESTED, S.UNDER_REVIEW, S.APPROVED}

    @property
    def amount_owed(self) -> Money:
        """What the customer gets back as things stand: refunded, else settled, else quoted."""
        if self.refund is not None:
            return self.refund.amount
        return self.settlement.amount if self.settlement is not None else self.quote.total

    @property
    def money_expected_by(self) -> datetime | None:
        """REFUND-7D's one promise to the customer: when the money should be in their account. Before the
        refund, refund_expected_by; once issued, the same 3-5 days counted from the refund itself (an
        early refund is never promised a day a week later, nor a late one a day past)."""
        expected, due = self.refund_expected_by, self.refund_due_at
        if self.amount_owed.amount <= 0:  # nothing comes: no day to promise it by
            return None
        if self.refund is not None and expected is not None and due is not None:
            return self.refund.issued_at + (expected - due)
        return expected

    def line(self, order_line_id: str) -> ReturnLine | None:
        return next((line for line in self.lines if line.order_line_id == order_line_id), None)

    # -- transitions ----------------------------------------------------------------------
    def _move(self, to: ReturnStatus, *, actor: str, at: datetime, note: str | None = None) -> None:
        if to not in TRANSITIONS[self.status]:
            raise InvalidState(
                f"This return is {STATUS_WORDS[self.status]}: it cannot be {STATUS_WORDS[to]} now.",
                field=("id",),
            )
        if self.status == S.UNDER_REVIEW:
            self.review_wait = None  # decided or canceled: it waits for nobody
        self.status = to
        self.status_changed_at = at
        self.timeline.append(ReturnEvent(at=at, status=to, actor=actor, note=note))

    def note(self, *, actor: str, at: datetime, note: str) -> None:
        """A timeline entry that does not change the status (label issued, SLA breach, ...)."""
        self.timeline.append(ReturnEvent(at=at, status=self.status, actor=actor, note=note))

    def apply_screening(self, result: ScreeningResult, *, at: datetime,
                        review_deadline: datetime | None = None) -> None:
        """`review_deadline`: REVIEW-SLA's deadline were it flagged now (the caller counts business days)."""
        if self.status != S.REQUESTED:
            raise InvalidState(f"This return is {STATUS_WORDS[self.status]}: it has already been screened.")
        self.screening = result
        if result.passed:
            self._move(S.APPROVED, actor="screening", at=at, note="screening passed")
            self.approved_at = at
        else:
            clauses = ", ".join(dict.fromkeys(flag.clause_id for flag in result.flags))  # a clause once
            self._move(S.UNDER_REVIEW, actor="screening", at=at, note=f"flagged: {clauses}")
            self.wait_for_customer(since=at, review_deadline=review_deadline)

    # -- the review's conversation (docs/spec/customer-service.md) ---------------------------
    def wait_for_customer(self, *, since: datetime, review_deadline: datetime | None = None) -> None:
        """Under review, the customer was asked (the screening email, an agent's reply): their turn."""
        if self.status != S.UNDER_REVIEW:
            return
        replied = self.review_wait.customer_replied_at if self.review_wait else None
        self.review_wait = ReviewWait(waiting_for=ReviewWaitingFor.CUSTOMER, since=since,
                                      customer_replied_at=replied)
        if review_deadline is not None:
            self.review_deadline = review_deadline

    def record_customer_reply(self, *, at: datetime) -> bool:
        """The customer wrote about it; under review an agent is waited for now. False: nothing changes."""
        if self.status != S.UNDER_REVIEW:
            return False
        wait = self.review_wait
        if wait is not None and wait.customer_replied_at is not None and wait.customer_replied_at >= at:
            return False  # an older email arriving late: the latest reply stands
        if wait is not None and wait.waiting_for == ReviewWaitingFor.CUSTOMER and wait.since > at:
            # written before the agent's latest answer (delivered late): still the customer's turn
            self.review_wait = wait.model_copy(update={"customer_replied_at": at})
            return True
        self.review_wait = ReviewWait(waiting_for=ReviewWaitingFor.AGENT, since=at, customer_replied_at=at)
        return True

    def add_internal_note(self, *, actor: str, at: datetime, text: str) -> None:
        """An agent's note on the timeline, never shown to the customer."""
        self.timeline.append(ReturnEvent(at=at, status=self.status, actor=actor, note=text, internal=True))

    def approve(self, *, actor: str, at: datetime, note: str | None) -> None:
        if self.status != S.UNDER_REVIEW:
            raise InvalidState(
                f"Only a return under review can be approved; this one is {STATUS_WORDS[self.status]}.")
        self._move(S.APPROVED, actor=actor, at=at, note=note)
        self.approved_at = at

    def decline(self, *, actor: str, at: datetime, reason: str) -> None:
        if self.status != S.UNDER_REVIEW:
            raise InvalidState(
                f"Only a return under review can be declined; this one is {STATUS_WORDS[self.status]}.")
        self._move(S.DECLINED, actor=actor, at=at, note=reason)

    def cancel(self, *, actor: str, at: datetime) -> None:
        if self.has_shipped:
            raise InvalidState(f"This return is {STATUS_WORDS[self.status]}: the package has shipped, so it "
                               "can no longer be canceled.")
        self._move(S.CANCELED, actor=actor, at=at)

    def expire(self, *, at: datetime, note: str) -> None:
        if self.status != S.APPROVED:  # shipped returns are IN_TRANSIT (or further): they never expire
            raise InvalidState(f"This return is {STATUS_WORDS[self.status]}: it cannot expire.")
        self._move(S.EXPIRED, actor=SYSTEM, at=at, note=note)

    def submit_tracking(self, *, carrier: str, tracking_number: str, actor: str, at: datetime,
                        replacements_allowed: int | None) -> bool:
        """The customer's tracking number (False: the same again, nothing to change). While IN_TRANSIT
        a different one replaces it, at most `replacements_allowed` times (None: no limit, staff)."""
        return return_tracking.submit_tracking(self, carrier=carrier, tracking_number=tracking_number,
                                               actor=actor, at=at, replacements_allowed=replacements_allowed)

    def start_tracking(self, tracker_id: str, *, tracking_number: str) -> bool:
        """The carrier platform tracks the package now (False: a stale request for an older number)."""
        return return_tracking.start_tracking(self, tracker_id, tracking_number=tracking_number)

    def record_carrier_scans(self, scans: list[CarrierScan], *, carrier: str | None, status: str) -> bool:
        """The carrier's scans (cumulative, maybe repeated): the first real scan ships an APPROVED return."""
        return return_tracking.record_carrier_scans(self, scans, carrier=carrier, status=status)

    def attach_label(self, label: ReturnLabel, *, at: datetime) -> None:
        return_labels.attach_label(self, label, at=at)

    def keep_label_of_ended_return(self, label: ReturnLabel, *, at: datetime) -> None:
        """A label bought while the return was canceled or expired: kept only to be voided."""
        return_labels.keep_label_of_ended_return(self, label, at=at)

    def record_label_failure(self, reason: str, *, attempt: int, at: datetime) -> None:
        return_labels.record_label_failure(self, reason, attempt=attempt, at=at)

    def start_label_purchase(self, shipment_id: str, *, at: datetime) -> None:
        return_labels.start_label_purchase(self, shipment_id, at=at)

    def forget_label_purchase(self, shipment_id: str) -> None:
        return_labels.forget_label_purchase(self, shipment_id)

    @property
    def label_purchase_to_close(self) -> bool:
        return return_labels.label_purchase_to_close(self)

    def close_label_purchase(self, *, voided: bool, status: str, at: datetime) -> None:
        return_labels.close_label_purchase(self, voided=voided, status=status, at=at)

    @property
    def label_to_void(self) -> bool:
        return return_labels.label_to_void(self)

    def record_label_void(self, *, voided: bool, status: str, at: datetime) -> None:
        return_labels.record_label_void(self, voided=voided, status=status, at=at)

    def receive(
        self,
        *,
        actor: str,
        at: datetime,
        received_at: datetime,
        refund_due_at: datetime,
        refund_expected_by: datetime,
    ) -> None:
        if self.status not in {S.APPROVED, S.IN_TRANSIT}:
            raise InvalidState(
                "Only an approved or shipped return can be received; this one is "
                f"{STATUS_WORDS[self.status]}."
            )
        self._move(S.RECEIVED, actor=actor, at=at, note=f"received at {utc_iso(received_at)}")
        self.received_at = received_at
        self.refund_due_at = refund_due_at
        self.refund_expected_by = refund_expected_by

    def inspect(
        self, *, inspected: list[ReturnLine], settlement: Settlement, actor: str, at: datetime
    ) -> None:
        if self.status != S.RECEIVED:
            raise InvalidState(
                f"Only a received return can be inspected; this one is {STATUS_WORDS[self.status]}.")
        self.lines = inspected
        self.settlement = settlement
        self.inspected_at = at
        accepted = sum(1 for line in inspected if line.accepted)
        self._move(S.INSPECTED, actor=actor, at=at, note=f"{accepted} of {len(inspected)} lines accepted")

    @property
    def refund_failed(self) -> bool:
        return self.refund is not None and self.refund.status in REFUND_NOT_PAID

    def begin_refund(self, attempt: RefundAttempt) -> None:
        """Claim the right to ask the payment provider (saved before the provider is asked)."""
        if self.status == S.REFUNDED:
            raise InvalidState("This return has already been refunded.", code="ALREADY_REFUNDED")
        if self.status != S.INSPECTED:
            raise InvalidState(
                f"Only an inspected return can be refunded; this one is {STATUS_WORDS[self.status]}.")
        self.refund_attempt = attempt

    def interrupt_refund(self) -> None:
        """The provider could not be reached: the next try resumes the same attempt at once."""
        if self.refund_attempt is not None:
            self.refund_attempt = self.refund_attempt.model_copy(update={"interrupted": True})

    def record_refund(self, refund: Refund, *, actor: str, at: datetime) -> None:
        """The provider took the refund (pending or paid): REFUNDED, REFUND-ORIGINAL."""
        if self.status == S.REFUNDED:
            raise InvalidState("This return has already been refunded.", code="ALREADY_REFUNDED")
        if self.status != S.INSPECTED:
            raise InvalidState(
                f"Only an inspected return can be refunded; this one is {STATUS_WORDS[self.status]}.")
        self.refund = refund
        self.refund_attempt = None
        self._move(
            S.REFUNDED, actor=actor, at=at, note=f"refund {refund.amount} to {refund.payment_reference}"
        )

    def record_refund_failure(self, refund: Refund, *, actor: str, at: datetime) -> None:
        """The provider refused the refund for good: nothing paid; it stays INSPECTED for an agent."""
        if self.status != S.INSPECTED:
            raise InvalidState(
                f"Only an inspected return can be refunded; this one is {STATUS_WORDS[self.status]}.")
        self.refund = refund
        self.refund_attempt = None
        self.note(actor=actor, at=at, note=f"refund failed: {refund.failure_reason or refund.status}")

    def update_refund_status(self, *, refund_id: str, status: RefundStatus, reason: str | None,
                             at: datetime) -> bool:
        """The provider's later word on the refund (webhook). False when it changes nothing: another
        refund's event, a repeat, or one that arrives out of order."""
        refund = self.refund
        if refund is None or refund.id != refund_id or status not in REFUND_STATUS_NEXT[refund.status]:
            return False
        self.refund = refund.model_copy(update={"status": status, "failure_reason": reason, "updated_at": at})
        if status in REFUND_NOT_PAID and self.status == S.REFUNDED:
            self._move(
                S.INSPECTED,
                actor="payments",
                at=at,
                note=f"refund {refund_id} {status.lower()}: {reason or 'no reason given'}; it is owed again",
            )
        else:
            self.note(actor="payments", at=at, note=f"refund {refund_id} {status.lower()}")
        return True

    def record_sla_breach(self, *, at: datetime) -> bool:
        """Refund deadline passed before inspection; True when newly recorded."""
        if self.sla_breached_at is not None or self.status not in {S.RECEIVED}:
            return False
        self.sla_breached_at = at
        self.note(actor=SYSTEM, at=at, note="REFUND-7D: refund deadline passed before inspection; escalated")
        return True

    def escalate_review(self, *, at: datetime) -> bool:
        if self.review_escalated_at is not None or self.status != S.UNDER_REVIEW:
            return False
        self.review_escalated_at = at
        self.note(
            actor=SYSTEM, at=at, note="REVIEW-SLA: under review for too long; escalated to customer service"
        )
        return True
