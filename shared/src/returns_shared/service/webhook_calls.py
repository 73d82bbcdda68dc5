"""How a provider's webhook call is answered, the same way for Stripe and EasyPost.

A call that is not the provider's (unsigned, forged, not its shape) is 400 and writes nothing. It is
also counted (metric WebhookRefused, alarmed in template.yaml): a forged call is refused and
forgotten, but a wrong or rotated webhook secret refuses every real event too (a refund Stripe reports
failed after taking it, every carrier scan) and the providers give up after days of retries; nothing
else would tell anyone. An event of no interest is 200 "ignored"; an applied one 200 with its
outcome, or 409 for an outcome that asks the provider to deliver it again later.

An endpoint without a usable signing secret (production: empty, the template's `set-me`, a
test-looking value) verifies nothing: every call answers 503, so the provider delivers it again once
the secret is set, and counts WebhookNotConfigured (alarmed at the first one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from returns_shared.service.ports import InvalidWebhook, WebhookNotConfigured

logger = Logger(child=True)
metrics = Metrics()

Update = TypeVar("Update")


def answer_webhook(
    read: Callable[[], Update | None],
    apply: Callable[[Update], str],
    *,
    redeliver: frozenset[str] = frozenset(),
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): `read` verifies and reads the call, `apply` records what it says."""
    try:
        update = read()
    except InvalidWebhook as exc:
        metrics.add_metric(name="WebhookRefused", unit=MetricUnit.Count, value=1)
        logger.warning("webhook refused", extra={"reason": str(exc)})
        return 400, {"error": str(exc)}
    except WebhookNotConfigured as exc:
        metrics.add_metric(name="WebhookNotConfigured", unit=MetricUnit.Count, value=1)
        logger.error("webhook endpoint not configured: every call is refused", extra={"reason": str(exc)})
        return 503, {"error": "this webhook endpoint is not configured yet; deliver the event again later"}
    if update is None:
        return 200, {"outcome": "ignored"}
    outcome = apply(update)
    return (409 if outcome in redeliver else 200), {"outcome": outcome}  # any non-2xx: redelivered
