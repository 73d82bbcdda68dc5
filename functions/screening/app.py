"""Screening function: abnormal-order screening of every new request (SCREEN-*), agents'
approve/decline, and the REVIEW-SLA job (with the stuck-request sweeps)."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import catalog, screening

routes = FunctionRoutes(
    commands=catalog.owned_by(catalog.SCREENING),
    events={"ReturnRequested": lambda detail, deps: screening.screen_return(detail["returnId"], deps)},
    jobs={"escalate-reviews": screening.escalate_reviews},
)

lambda_handler = routes.lambda_handler()
