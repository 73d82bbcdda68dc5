"""The portal's address (for the links in the emails) from the SSM parameter the template writes:
the functions cannot be handed the CloudFront domain directly (see ssm_parameters)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from returns_shared.adapters import ssm_parameters
from returns_shared.adapters.ssm_parameters import ParameterUnavailable, SsmParameter


class PortalAddressUnavailable(ParameterUnavailable):
    """The parameter is missing, unreadable or holds no http(s) URL."""


class SsmPortalAddress:
    def __init__(self, parameter_name: str, *, region_name: str | None = None, client: Any = None,
                 max_age: int = ssm_parameters.PARAMETER_MAX_AGE_SECONDS) -> None:
        self.parameter_name = parameter_name
        self._parameter = SsmParameter(parameter_name, region_name=region_name, client=client,
                                       max_age=max_age)

    def base_url(self) -> str:
        try:
            value = self._parameter.value()
        except ParameterUnavailable as exc:
            raise PortalAddressUnavailable(str(exc)) from exc
        return portal_base_url(value, source=self.parameter_name)


def portal_base_url(value: object, *, source: str) -> str:
    """An absolute http(s) URL ending in '/' (the portal's hash routes are appended to it)."""
    url = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise PortalAddressUnavailable(f"{source} holds no portal URL: {url!r}")
    return url if url.endswith("/") else url + "/"
