"""The portal's address from an SSM parameter, read when an email first needs it through Powertools
Parameters (cached). The template cannot hand the CloudFront domain to the functions directly (the
distribution has the HTTP API, and so the label function, as an origin: a dependency cycle), so the
functions get the parameter's NAME and read its value at run time."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from returns_shared.adapters._aws import LazyClient

PORTAL_URL_MAX_AGE_SECONDS = 300  # a changed address (e.g. a custom domain) reaches warm functions in 5 min


class PortalAddressUnavailable(RuntimeError):
    """The parameter is missing, unreadable or holds no http(s) URL."""


class SsmPortalAddress:
    def __init__(self, parameter_name: str, *, region_name: str | None = None, client: Any = None,
                 max_age: int = PORTAL_URL_MAX_AGE_SECONDS) -> None:
        self.parameter_name = parameter_name
        self._client = LazyClient("ssm", client, region_name=region_name)
        self._max_age = max_age
        self._provider: Any = None  # its own cache: a rebuilt set of adapters (a new local stack) reads anew

    def base_url(self) -> str:
        from aws_lambda_powertools.utilities import parameters

        if self._provider is None:
            self._provider = parameters.SSMProvider(boto3_client=self._client())
        try:
            value = self._provider.get(self.parameter_name, max_age=self._max_age)
        except parameters.GetParameterError as exc:
            raise PortalAddressUnavailable(f"{self.parameter_name}: {exc}") from exc
        return portal_base_url(value, source=self.parameter_name)


def portal_base_url(value: object, *, source: str) -> str:
    """An absolute http(s) URL ending in '/' (the portal's hash routes are appended to it)."""
    url = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise PortalAddressUnavailable(f"{source} holds no portal URL: {url!r}")
    return url if url.endswith("/") else url + "/"
