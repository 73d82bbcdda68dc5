"""Label function: a prepaid return label (PDF → S3, emailed) for every approved PREPAID_LABEL return."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import labels

routes = FunctionRoutes(
    events={"ReturnApproved": lambda detail, deps: labels.issue_label(detail["returnId"], deps)},
)

lambda_handler = routes.lambda_handler()
