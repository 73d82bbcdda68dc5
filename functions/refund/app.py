"""Refund function: receiving (REQ-FIRST), inspection, the refund (REFUND-ONCE), the RefundDeadline
workflow's due-time message and the deadline reconciliation job."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import refunds

routes = FunctionRoutes(
    commands={
        "receiveReturn": refunds.receive_return,
        "inspectReturn": refunds.inspect_return,
        "issueRefund": refunds.issue_refund,
    },
    events={"RefundDeadlineDue": lambda detail, deps: refunds.deadline_due(detail["returnId"], deps)},
    jobs={"reconcile-deadlines": refunds.reconcile_deadlines},
)

lambda_handler = routes.lambda_handler()
