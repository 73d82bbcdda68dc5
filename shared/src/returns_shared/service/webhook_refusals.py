"""Refused provider webhook calls are counted (metric WebhookRefused, alarmed in template.yaml).

A forged call is refused and forgotten; but a wrong or rotated webhook secret refuses every real
event too (a refund Stripe reports failed after taking it, every carrier scan) and the providers give up after
days of retries. Nothing else would tell anyone, so each refusal counts towards the ops alarm.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from returns_shared.service.ports import InvalidWebhook

logger = Logger(child=True)
metrics = Metrics()


def count_refused_webhook(exc: InvalidWebhook) -> None:
    metrics.add_metric(name="WebhookRefused", unit=MetricUnit.Count, value=1)
    logger.warning("webhook refused", extra={"reason": str(exc)})
