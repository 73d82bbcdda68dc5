"""Label function: prepaid return labels (EasyPost; PDF → S3, emailed) for approved PREPAID_LABEL returns,
a carrier's refusal recorded for agents (who retry with the command retryLabel),
voided when their return is canceled or expires unused; carrier trackers for self-shipped packages,
the carrier's tracking webhook (POST /webhooks/easypost), and the jobs `resend-emails` (customer
emails whose first send failed) and `void-labels` (unused labels a lost event left unvoided)."""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import catalog, labels, notify, tracking

routes = FunctionRoutes(
    commands=catalog.owned_by(catalog.LABEL),
    events={
        "ReturnApproved": lambda detail, deps: labels.issue_label(detail["returnId"], deps),
        "ReturnCanceled": lambda detail, deps: labels.void_label(detail["returnId"], deps),
        "ReturnExpired": lambda detail, deps: labels.void_label(detail["returnId"], deps),
        "TrackingSubmitted": lambda detail, deps: tracking.start_tracker(detail["returnId"], deps),
    },
    jobs={"resend-emails": notify.resend_pending, "void-labels": labels.void_unused_labels},
    http={"POST /webhooks/easypost": tracking.easypost_webhook},
    needs=("carrier", "carrier-webhooks"),
)

lambda_handler = routes.lambda_handler()
