"""Steps every function's work shares: loading a return by id, announcing a committed change."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from returns_shared.domain.errors import NotFound
from returns_shared.domain.returns import Return
from returns_shared.service.dependencies import Dependencies

logger = Logger(child=True)


def load_return(deps: Dependencies, return_id: str, *, field: str = "id") -> Return:
    ret = deps.repo.get_return(return_id)
    if ret is None:
        raise NotFound(f"There is no return {return_id}.", field=(field,))
    return ret


def publish_safely(deps: Dependencies, detail_type: str, ret: Return) -> None:
    """Publish after the commit. If the bus is down the state is safe in the table and the scheduled
    sweeps pick the return up again (stale REQUESTED are screened, label-less approvals re-labelled)."""
    try:
        deps.events.publish(
            detail_type,
            {
                "returnId": ret.id,
                "orderId": ret.order_id,
                "method": ret.method.value,
                "status": ret.status.value,
            },
        )
    except Exception:  # never fail a committed command over a lost notification
        logger.exception("event publish failed; a scheduled sweep will recover", extra={"returnId": ret.id})
