"""Refund function: receiving (REQ-FIRST), inspection, the refund (REFUND-ONCE), the RefundDeadline
workflow's due-time message and the deadline reconciliation job."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import catalog, refunds

routes = FunctionRoutes(
    commands=catalog.owned_by(catalog.REFUND),
    events={"RefundDeadlineDue": lambda detail, deps: refunds.deadline_due(detail["returnId"], deps)},
    jobs={"reconcile-deadlines": refunds.reconcile_deadlines},
)

lambda_handler = routes.lambda_handler()
