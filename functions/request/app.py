"""Request function: orders from the feed, new returns, cancellation, tracking numbers,
return instructions (on ReturnApproved, self-ship) and the EXPIRE-APPROVED job."""

from aws_lambda_powertools import Logger, Metrics

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import orders, requests

logger = Logger()
metrics = Metrics()

routes = FunctionRoutes(
    logger=logger,
    metrics=metrics,
    commands={
        "recordOrder": orders.record_order,
        "requestReturn": requests.request_return,
        "cancelReturn": requests.cancel_return,
        "submitReturnTracking": requests.submit_tracking,
    },
    events={"ReturnApproved": lambda detail, deps: requests.send_instructions(detail["returnId"], deps)},
    jobs={"expire-approved": requests.expire_approved},
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event, context):
    return routes.handle(event, context)
