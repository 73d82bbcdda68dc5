"""A prepaid label the carrier refuses to sell for good (LabelDeclined): recorded on the return once per
attempt (version-conditioned, under the caller's label lease), listed for agents (GSI3 LABELS#FAILED),
raised to ops (SNS alert, LabelFailed metric) and told to the customer, who may ship on their own
(LABEL-US) or wait for an agent's retryLabel. The return stays APPROVED: nothing else changes.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.service import notify
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import retry_on_conflict

logger = Logger(child=True)
metrics = Metrics()

MAX_REASON = 300  # the carrier's words on the timeline, bounded (they end up in emails to ops too)


def record_refusal(return_id: str, reason: str, deps: Dependencies) -> Return | None:
    """The carrier refused this return's label: record it, alert ops, tell the customer. None when the
    return no longer wants a label (canceled or expired meanwhile): nothing to record or tell."""
    ret = _record(return_id, reason[:MAX_REASON], deps)
    if ret is None or ret.label_failure is None:
        return None
    alert_label_failed(deps, ret)
    if ret.label_failure.attempt == 1:  # once per return: a refused retry does not mail them again
        notify.send_claimed(deps, ret, "label_failed")
    return ret


@retry_on_conflict()
def _record(return_id: str, reason: str, deps: Dependencies) -> Return | None:
    ret = deps.repo.get_return(return_id)
    if (ret is None or ret.label is not None or ret.status != ReturnStatus.APPROVED
            or ret.method != ReturnMethod.PREPAID_LABEL):
        return None
    now = deps.clock()
    attempt = ret.label_failure.attempt + 1 if ret.label_failure else 1
    ret.record_label_failure(reason, attempt=attempt, at=now)
    uow = deps.unit_of_work()
    uow.save_return(ret)  # conditioned on the version read: a lost race re-reads and decides again
    uow.flag_failed_label(ret.id, at=now)
    if attempt == 1:
        notify.claim(uow, ret, "label_failed", at=now)  # what to do now: owed with the refusal
    uow.commit()
    ret.version += 1
    return ret


def alert_label_failed(deps: Dependencies, ret: Return) -> None:
    """Ops hear of every refused label; agents see it in the failed-labels queue."""
    failure = ret.label_failure
    assert failure is not None
    metrics.add_metric(name="LabelFailed", unit=MetricUnit.Count, value=1)
    logger.error("label refused by the carrier",
                 extra={"returnId": ret.id, "attempt": failure.attempt, "reason": failure.reason})
    deps.alerts.alert(
        f"Label refused: {ret.id}",
        f"LABEL-US: the carrier ({deps.carrier.name}) refused the prepaid label of return {ret.id} "
        f"(order {ret.order_id}, attempt {failure.attempt}): {failure.reason}. The customer was told to "
        "ship on their own or wait; it is listed under failed labels, where an agent can retry it.",
    )
