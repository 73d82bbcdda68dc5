"""Plumbing every AWS adapter shares: lazy clients, error codes, JSON that never turns money into float."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel


class LazyClient:
    """A boto3 client made on first use: call it for the client, or use it as one (attribute
    access makes the client).

    Handlers build their adapters at cold start; creating the client (and importing boto3) only
    when a call needs it keeps paths that never touch this service cheap: each client costs tens of
    milliseconds (its service model is loaded then). Tests inject a client.
    """

    def __init__(
        self,
        service: str,
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        config: Any = None,  # a botocore Config, or a function making one (to defer importing botocore)
    ) -> None:
        self._service = service
        self._client = client
        self._kwargs = {
            key: value
            for key, value in {
                "endpoint_url": endpoint_url,
                "region_name": region_name,
                "config": config,
            }.items()
            if value is not None
        }

    def __call__(self) -> Any:
        if self._client is None:
            import boto3

            kwargs = dict(self._kwargs)
            if callable(kwargs.get("config")):
                kwargs["config"] = kwargs["config"]()
            self._client = boto3.client(self._service, **kwargs)
        return self._client

    def __getattr__(self, name: str) -> Any:  # only for names this object lacks: the client's
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self(), name)


def error_code(exc: Exception) -> str | None:
    """The AWS error code of a botocore ClientError (None for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None


def utc_z(moment: datetime) -> str:
    """RFC 3339 in UTC ending in Z, whole seconds rounded UP.

    Step Functions (and moto) want the Z form; rounding up means a Wait never ends before the
    instant it stands for.
    """
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_z(moment: datetime) -> str:
    """Exact ISO 8601 in UTC with a Z suffix (keeps microseconds)."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # money stays exact on the wire
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    return json.dumps(
        value, default=_default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
