"""Refund function: receiving (REQ-FIRST), inspection, the refund (REFUND-ORIGINAL, REFUND-ONCE) and its
retry, the RefundDeadline workflow's due-time message, the deadline reconciliation job, and Stripe's
refund webhook (POST /webhooks/stripe)."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import payment_events, refunds

routes = FunctionRoutes(
    commands={
        "receiveReturn": refunds.receive_return,
        "inspectReturn": refunds.inspect_return,
        "issueRefund": refunds.issue_refund,
        "retryRefund": refunds.retry_refund,
    },
    events={"RefundDeadlineDue": lambda detail, deps: refunds.deadline_due(detail["returnId"], deps)},
    jobs={"reconcile-deadlines": refunds.reconcile_deadlines},
    http={"POST /webhooks/stripe": payment_events.stripe_webhook},
    needs=("payments", "payment-webhooks"),
)

lambda_handler = routes.lambda_handler()
