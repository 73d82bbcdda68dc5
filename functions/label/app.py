"""Label function: a prepaid return label (PDF → S3, emailed) for every approved PREPAID_LABEL return."""

from aws_lambda_powertools import Logger, Metrics

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import labels

logger = Logger()
metrics = Metrics()

routes = FunctionRoutes(
    logger=logger,
    metrics=metrics,
    events={"ReturnApproved": lambda detail, deps: labels.issue_label(detail["returnId"], deps)},
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event, context):
    return routes.handle(event, context)
