"""Screening function: abnormal-order screening of every new request (SCREEN-*), agents'
approve/decline, and the REVIEW-SLA job (with the stuck-request sweeps)."""

from aws_lambda_powertools import Logger, Metrics

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import screening

logger = Logger()
metrics = Metrics()

routes = FunctionRoutes(
    logger=logger,
    metrics=metrics,
    commands={"approveReturn": screening.approve_return, "declineReturn": screening.decline_return},
    events={"ReturnRequested": lambda detail, deps: screening.screen_return(detail["returnId"], deps)},
    jobs={"escalate-reviews": screening.escalate_reviews},
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event, context):
    return routes.handle(event, context)
