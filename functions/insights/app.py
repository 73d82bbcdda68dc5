"""Insights function: the returns table's stream into facts (Firehose → Parquet in S3), the merchant's
figures and the accounting exports (Athena: this function alone holds its rights), and the facts
backfill an operator runs after a new deployment or a change of the fact schema:

    aws lambda invoke --function-name <InsightsFunctionName> --cli-binary-format raw-in-base64-out \
        --payload '{"job": "backfill-facts", "since": "2026-01"}' out.json
"""

from returns_shared.lambda_entry import FunctionRoutes
from returns_shared.service import catalog, insights

routes = FunctionRoutes(
    commands=catalog.owned_by(catalog.INSIGHTS),
    stream=insights.record_changes,
    tasks={"backfill-facts": insights.backfill_facts},
    needs=("insights",),
    mails_customers=False,
)

lambda_handler = routes.lambda_handler()
