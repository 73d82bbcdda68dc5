"""Refund function: receiving (REQ-FIRST), inspection, the refund (REFUND-ONCE), the RefundDeadline
workflow's due-time message and the deadline reconciliation job."""

from aws_lambda_powertools import Logger, Metrics

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import refunds

logger = Logger()
metrics = Metrics()

routes = FunctionRoutes(
    logger=logger,
    metrics=metrics,
    commands={
        "receiveReturn": refunds.receive_return,
        "inspectReturn": refunds.inspect_return,
        "issueRefund": refunds.issue_refund,
    },
    events={"RefundDeadlineDue": lambda detail, deps: refunds.deadline_due(detail["returnId"], deps)},
    jobs={"reconcile-deadlines": refunds.reconcile_deadlines},
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event, context):
    return routes.handle(event, context)
