"""Request function: orders from the feed, new returns, cancellation, tracking numbers,
return instructions (on ReturnApproved, self-ship) and the EXPIRE-APPROVED job."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import catalog, requests

routes = FunctionRoutes(
    commands=catalog.owned_by(catalog.REQUEST),
    events={"ReturnApproved": lambda detail, deps: requests.send_instructions(detail["returnId"], deps)},
    jobs={"expire-approved": requests.expire_approved},
)

lambda_handler = routes.lambda_handler()
