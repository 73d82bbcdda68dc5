"""Secrets from AWS Secrets Manager, read when first needed through Powertools Parameters (cached),
never resolved into environment variables: the environment holds only the secrets' ARNs."""

from __future__ import annotations

from collections.abc import Callable

SECRET_MAX_AGE_SECONDS = 300  # a rotated secret reaches warm containers within 5 minutes


class SecretUnavailable(RuntimeError):
    """A secret the configuration names is missing or empty."""


def secret(arn: str, *, max_age: int = SECRET_MAX_AGE_SECONDS) -> Callable[[], str]:
    """A function returning the secret's current value (fetched on first call, then cached)."""

    def read() -> str:
        from aws_lambda_powertools.utilities import parameters

        value = parameters.get_secret(arn, max_age=max_age)
        if not isinstance(value, str) or not value.strip():
            raise SecretUnavailable(f"the secret {arn} is empty")
        return value.strip()

    return read
