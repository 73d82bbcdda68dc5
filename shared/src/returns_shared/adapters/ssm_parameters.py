"""Values a function's environment cannot name without a CloudFormation dependency cycle (the
portal's CloudFront address, the Cognito app clients: the distribution has the HTTP API as an
origin, and the API's routes target the functions). The template writes them to SSM parameters; a
function gets a parameter's NAME and reads the value at first use through Powertools Parameters
(cached for `max_age`, so a changed value reaches warm containers)."""

from __future__ import annotations

from typing import Any

from returns_shared.adapters._aws import LazyClient

PARAMETER_MAX_AGE_SECONDS = 300


class ParameterUnavailable(RuntimeError):
    """The parameter is missing, unreadable or empty."""


class SsmParameter:
    def __init__(self, name: str, *, region_name: str | None = None, client: Any = None,
                 max_age: int = PARAMETER_MAX_AGE_SECONDS) -> None:
        self.name = name
        self._client = LazyClient("ssm", client, region_name=region_name)
        self._max_age = max_age
        self._provider: Any = None  # its own cache: a rebuilt set of adapters (a new local stack) reads anew

    def value(self) -> str:
        from aws_lambda_powertools.utilities import parameters

        if self._provider is None:
            self._provider = parameters.SSMProvider(boto3_client=self._client())
        try:
            value = self._provider.get(self.name, max_age=self._max_age)
        except parameters.GetParameterError as exc:
            raise ParameterUnavailable(f"{self.name}: {exc}") from exc
        if not isinstance(value, str) or not value.strip():
            raise ParameterUnavailable(f"{self.name} is empty")
        return value
