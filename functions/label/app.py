"""Label function: a prepaid return label (PDF → S3, emailed) for every approved PREPAID_LABEL return,
and the `resend-emails` job (customer emails whose first send failed)."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import labels, notify

routes = FunctionRoutes(
    events={"ReturnApproved": lambda detail, deps: labels.issue_label(detail["returnId"], deps)},
    jobs={"resend-emails": notify.resend_pending},
)

lambda_handler = routes.lambda_handler()
