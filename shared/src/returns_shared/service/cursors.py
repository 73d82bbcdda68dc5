"""Opaque, signed page cursors bound to the listing that made them.

A cursor cannot be forged (HMAC) nor replayed against another listing (the scope is signed with
the position), so a customer cannot page through someone else's returns. Readers of any store
wrap their own resume position in one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from returns_shared.domain.errors import InvalidInput


class CursorCodec:
    def __init__(self, secret: str | Callable[[], str]):
        self._secret = secret  # a function when the key comes from Secrets Manager (read on first use)

    def _sign(self, body: bytes) -> str:
        key = self._secret() if callable(self._secret) else self._secret
        return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()[:32]

    def encode(self, scope: str, position: Any) -> str:
        body = json.dumps({"s": scope, "p": position}, separators=(",", ":"), sort_keys=True).encode()
        token = json.dumps({"b": body.decode(), "h": self._sign(body)}).encode()
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, scope: str, cursor: str) -> Any:
        """The position signed into `cursor`; INVALID_INPUT (field `after`) for anything else."""
        try:
            token = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            body = token["b"].encode()
            if not hmac.compare_digest(self._sign(body), token["h"]):
                raise ValueError("bad signature")
            data = json.loads(body)
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput("This page link is not valid; start the list again.",
                               field=("after",)) from exc
        if data["s"] != scope:
            raise InvalidInput("This page link belongs to another list; start the list again.",
                               field=("after",))
        return data["p"]
