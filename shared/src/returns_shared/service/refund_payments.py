"""Paying an inspected return's refund (REFUND-ORIGINAL) exactly once (REFUND-ONCE).

The once-only claim is the service's own, in DynamoDB: before the provider is asked, a refund
attempt is written on the return, conditioned on the version read. Of concurrent payers (agent
double clicks, the deadline workflow, a redelivered message) one wins the write; the others see an
attempt under way and pay nothing. An attempt that was interrupted (transient provider error) or
whose worker died (lease expired) is resumed with the same idempotency key.

The provider, not the return's record and never a webhook body, says whether money moved: before
any attempt pays, the service asks the provider for every refund of the payment made for this return
(by metadata and by its attempts' keys) and pays only what is still owed; the attempt's own earlier
refund, or refunds already covering the settlement, are recorded instead of paying again. Before
that, the payment itself is checked: the order's payment reference must be the order's own payment
(currency and amount cover it; metadata and customer match where the checkout set them).

Outcomes: the provider took it (pending or paid) → REFUNDED, confirmation email; it refused for good,
or the payment is not the order's → the return stays INSPECTED with a FAILED refund, listed for
agents, ops alerted, an agent may retry; it could not be reached → PaymentUnavailable is raised (the
caller's retry or redelivery resumes the same attempt).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from returns_shared.domain.errors import ConflictError, InvalidState
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order
from returns_shared.domain.refunds import Refund, RefundAttempt, refund_key
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import REFUND_NOT_PAID, REFUND_UNDER_WAY, RefundStatus, ReturnStatus
from returns_shared.policy.engine import payment_mismatches
from returns_shared.service import notify
from returns_shared.service.common import load_return, publish_safely
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict
from returns_shared.service.ports import PaymentDeclined, PaymentReceipt, UnitOfWork

logger = Logger(child=True)
metrics = Metrics()

ATTEMPT_LEASE = timedelta(minutes=2)  # a payer silent this long died: its attempt may be resumed
PAYMENT_NOT_OF_ORDER = "payment_not_of_order"  # the failure reason's code when REFUND-ORIGINAL refuses


def pay_refund(return_id: str, deps: Dependencies, *, actor: str, retry: bool = False) -> Return:
    """Pay the settled refund. `retry`: an agent asks again after a FAILED refund (a new attempt)."""
    ret, attempt = _claim_attempt(return_id, deps, actor=actor, retry=retry)
    order = deps.order_of(ret)
    assert ret.settlement is not None
    amount, now = ret.settlement.amount, deps.clock()
    if amount.amount <= 0:  # nothing accepted: nothing to pay, but the return is settled
        receipt = PaymentReceipt(refund_id=f"none:{ret.id}", amount=amount,
                                 payment_reference=order.payment_reference, issued_at=now)
    else:
        try:
            receipt = _pay_what_is_owed(ret, order, attempt, deps)
        except PaymentDeclined as declined:
            receipt = PaymentReceipt(refund_id=f"declined:{ret.id}:{attempt.number}", amount=amount,
                                     payment_reference=order.payment_reference, issued_at=now,
                                     status=RefundStatus.FAILED,
                                     failure_reason=f"{declined.code or 'declined'}: {declined.message}")
        except Exception:
            _interrupt(ret.id, deps)  # unknown whether it paid: the next try asks, then resumes
            raise
    refund = Refund(
        id=receipt.refund_id,
        amount=receipt.amount,
        applied_clauses=ret.settlement.applied_clauses,
        issued_at=receipt.issued_at,
        payment_reference=order.payment_reference,
        status=receipt.status,
        provider=deps.payments.provider,
        attempt=attempt.number,
        failure_reason=receipt.failure_reason,
        updated_at=now,
    )
    if refund.status in REFUND_NOT_PAID:
        return _record_failure(ret, refund, deps, actor=actor)
    return _record_payment(ret, refund, deps, actor=actor)


def _pay_what_is_owed(ret: Return, order: Order, attempt: RefundAttempt,
                      deps: Dependencies) -> PaymentReceipt:
    """Ask the provider what it already paid for this return, then pay only the rest (REFUND-ONCE)."""
    assert ret.settlement is not None
    settlement = ret.settlement.amount
    payment = deps.payments.payment(order.payment_reference)
    if payment is not None:
        problems = payment_mismatches(order, received=payment.received, order_id=payment.order_id,
                                      customer_email=payment.customer_email)
        if problems:
            raise PaymentDeclined(f"payment {order.payment_reference} is not order {order.id}'s: "
                                  + "; ".join(problems), code=PAYMENT_NOT_OF_ORDER)
    keys = [refund_key(ret.id, number) for number in range(1, attempt.number + 1)]
    made = deps.payments.refunds_for(payment_reference=order.payment_reference, return_id=ret.id,
                                     idempotency_keys=keys)
    own = next((r for r in made if r.idempotency_key == attempt.idempotency_key), None)
    if own is not None:  # this attempt's request reached the provider before it was interrupted
        return own.receipt()
    under_way = [r for r in made if r.status in REFUND_UNDER_WAY and r.amount.currency == settlement.currency]
    owed = settlement - sum((r.amount for r in under_way), Money.zero(settlement.currency))
    if owed.amount <= 0:  # already paid (the return's record said otherwise): record it, pay nothing
        logger.warning("refund already paid at the provider", extra={
            "returnId": ret.id, "refunds": [r.refund_id for r in under_way]})
        return max(under_way, key=lambda r: r.created_at).receipt()
    return deps.payments.refund(idempotency_key=attempt.idempotency_key,
                                payment_reference=order.payment_reference, amount=owed, return_id=ret.id,
                                at=deps.clock())


@retry_on_conflict()
def _claim_attempt(return_id: str, deps: Dependencies, *, actor: str,
                   retry: bool) -> tuple[Return, RefundAttempt]:
    ret = load_return(deps, return_id)
    now = deps.clock()
    current = ret.refund_attempt
    if current is not None and ret.status == ReturnStatus.INSPECTED:
        if not current.is_stale(now=now, lease_seconds=ATTEMPT_LEASE.total_seconds()):
            raise InvalidState(f"The refund of return {ret.id} is being issued right now.", field=("id",),
                               code="ALREADY_REFUNDED")
        attempt = current.model_copy(update={"started_at": now, "actor": actor, "interrupted": False})
    elif ret.refund_failed and ret.status == ReturnStatus.INSPECTED:
        assert ret.refund is not None
        if not retry:
            raise InvalidState(f"The refund of return {ret.id} failed ({ret.refund.failure_reason}): "
                               "retry it instead.", field=("id",), code="REFUND_FAILED")
        number = ret.refund.attempt + 1
        attempt = RefundAttempt(number=number, idempotency_key=refund_key(ret.id, number), started_at=now,
                                actor=actor)
    else:
        attempt = RefundAttempt(number=1, idempotency_key=refund_key(ret.id, 1), started_at=now, actor=actor)
    ret.begin_refund(attempt)  # ALREADY_REFUNDED / INVALID_STATE when not INSPECTED
    deps.save_return(ret)
    return ret, attempt


@retry_on_conflict()
def _interrupt(return_id: str, deps: Dependencies) -> None:
    ret = load_return(deps, return_id)
    if ret.refund_attempt is not None:
        ret.interrupt_refund()
        deps.save_return(ret)


def _record_payment(ret: Return, refund: Refund, deps: Dependencies, *, actor: str) -> Return:
    def apply(ret: Return, uow: UnitOfWork) -> None:
        if ret.refund_failed:  # an earlier attempt failed: it leaves the agents' queue with this one
            uow.clear_failed_refund(ret.id)
        ret.record_refund(refund, actor=actor, at=deps.clock())

    ret = _commit_outcome(ret, refund.attempt, deps, apply)
    try:
        deps.workflow.stop(return_id=ret.id)
    except Exception:  # noqa: BLE001 - a stale execution finds the return refunded and ends itself
        logger.warning("could not stop the deadline workflow", extra={"returnId": ret.id})
    publish_safely(deps, "ReturnRefunded", ret)
    notify.refunded(deps, ret)
    return ret


def _record_failure(ret: Return, refund: Refund, deps: Dependencies, *, actor: str) -> Return:
    def apply(ret: Return, uow: UnitOfWork) -> None:
        ret.record_refund_failure(refund, actor=actor, at=deps.clock())
        uow.flag_failed_refund(ret, at=deps.clock())

    ret = _commit_outcome(ret, refund.attempt, deps, apply)
    alert_refund_failed(deps, ret, refund)
    return ret


def _commit_outcome(ret: Return, attempt: int, deps: Dependencies,
                    apply: Callable[[Return, UnitOfWork], None], *, tries: int = 4) -> Return:
    """Record what the provider answered, on the return as claimed; if something else wrote it since
    (a webhook note), re-read and record again, as long as our attempt is still the one under way."""
    for _ in range(tries):
        uow = deps.unit_of_work()
        apply(ret, uow)
        uow.save_return(ret)
        try:
            uow.commit()
        except ConflictError:
            ret = load_return(deps, ret.id)
            if ret.refund_attempt is None or ret.refund_attempt.number != attempt:
                raise InvalidState(f"The refund of return {ret.id} was recorded by another run.",
                                   code="ALREADY_REFUNDED") from None
            continue
        ret.version += 1
        return ret
    raise ConflictError(f"could not record the refund of {ret.id}; the attempt resumes on the next try")


def alert_refund_failed(deps: Dependencies, ret: Return, refund: Refund) -> None:
    """Ops hear of every refund that paid nothing; agents see it in the failed-refunds queue."""
    metrics.add_metric(name="RefundFailed", unit=MetricUnit.Count, value=1)
    logger.error(
        "refund failed", extra={"returnId": ret.id, "refundId": refund.id, "reason": refund.failure_reason}
    )
    if (refund.failure_reason or "").startswith(PAYMENT_NOT_OF_ORDER):
        deps.alerts.alert(
            f"Refund refused, payment not the order's: {ret.id}",
            f"REFUND-ORIGINAL: return {ret.id} of order {ret.order_id} was not refunded: the order names "
            f"payment {refund.payment_reference}, which the payment provider records for something else "
            f"({refund.failure_reason}). Nothing was paid. Check the order feed's payment reference for "
            "this order; the return is listed under failed refunds.",
        )
        return
    deps.alerts.alert(
        f"Refund failed: {ret.id}",
        f"REFUND-ORIGINAL: the {refund.amount} refund of return {ret.id} (order {ret.order_id}, "
        f"payment {refund.payment_reference}) {refund.status.lower()}: {refund.failure_reason}. "
        "It is listed under failed refunds; an agent can retry it.",
    )
