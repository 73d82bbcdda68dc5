"""Dynamic references to Secrets Manager, resolved locally with real random secrets.

CloudFormation replaces `{{resolve:secretsmanager:<id>:SecretString}}` at deploy time; moto does
not, and handing the literal to a function would make its "secret" a public string (anyone could
sign a page cursor with it). Locally each referenced secret is a fresh random value, the same for
every function of this process.
"""

from __future__ import annotations

import re
import secrets

_REFERENCE = re.compile(r"\{\{resolve:secretsmanager:([^}]+)\}\}")
_generated: dict[str, str] = {}


def resolve_secret_references(value: str) -> str:
    return _REFERENCE.sub(lambda match: _secret(match.group(1)), value)


def _secret(reference: str) -> str:
    if reference not in _generated:
        _generated[reference] = secrets.token_urlsafe(32)
    return _generated[reference]
