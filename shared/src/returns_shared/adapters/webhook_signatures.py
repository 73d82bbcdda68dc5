"""What the providers' webhook adapters share: reading the signature header before an SDK checks it."""

from __future__ import annotations

from collections.abc import Mapping

from returns_shared.service.ports import InvalidWebhook


def signature_header(headers: Mapping[str, str], name: str) -> str:
    """The signature header's value: absent, or not printable ASCII, is an unverifiable call."""
    value = {k.lower(): v for k, v in headers.items()}.get(name.lower())
    if not value:
        raise InvalidWebhook(f"no {name} header")
    if not (value.isascii() and value.isprintable()):
        raise InvalidWebhook(f"the {name} header is not ASCII: no signature of the provider")
    return value
