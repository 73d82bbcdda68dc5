"""Process settings for the embedded stack: fake credentials, UTC, Powertools quiet, local auth."""

from __future__ import annotations

import os
import time
import warnings

LOCAL_DEFAULTS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "TZ": "UTC",  # moto's Step Functions compares Wait timestamps against local time
    "POWERTOOLS_SERVICE_NAME": "returns",
    "POWERTOOLS_METRICS_NAMESPACE": "ReturnsService",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "AUTH_MODE": "local",
    "STAGE": "local",
    "SENDER_EMAIL": "returns@allegra-k.com",
}


def apply_local_environment(overrides: dict[str, str] | None = None) -> None:
    for key, value in LOCAL_DEFAULTS.items():
        if key.startswith("AWS_") and key not in {"AWS_DEFAULT_REGION", "AWS_REGION"}:
            os.environ[key] = value  # never let the embedded stack touch a real account
        else:
            os.environ.setdefault(key, value)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(overrides or {})
    time.tzset()
    # Powertools warns on every invocation that adds no metric; locally that is noise
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    # the contract's default local secret is short on purpose (a well-known dev value)
    warnings.filterwarnings("ignore", message="The HMAC key is")
