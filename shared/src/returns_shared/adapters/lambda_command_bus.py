"""Commands from the gateway to the function that owns them: one synchronous Lambda invoke each."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from returns_shared import correlation
from returns_shared.adapters._aws import LazyClient, dumps
from returns_shared.adapters.errors import CommandFailed
from returns_shared.service.ports import Caller


def command_event(command: str, caller: Caller, payload: dict[str, Any], correlation_id: str | None = None) -> dict[str, Any]:
    """The one event shape every command handler parses (the correlation id: the gateway's request id)."""
    event = {"command": command, "caller": caller.to_json(), "input": payload}
    if correlation_id:
        event[correlation.FIELD] = correlation_id
    return event


class LambdaCommandBus:
    def __init__(
        self,
        function_names: Mapping[
            str, str
        ],  # logical name ('request', 'refund', ...) -> function name or ARN
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
    ) -> None:
        self.function_names = dict(function_names)
        self._client = LazyClient(
            "lambda", client, endpoint_url=endpoint_url, region_name=region_name
        )

    def send(
        self, function: str, command: str, caller: Caller, payload: dict[str, Any], *,
        correlation_id: str | None = None,
    ) -> dict[str, Any]:
        try:
            function_name = self.function_names[function]
        except KeyError:
            raise ValueError(f"no function configured for {function!r}") from None
        answer = self._client().invoke(
            FunctionName=function_name,
            InvocationType="RequestResponse",
            Payload=dumps(command_event(command, caller, payload, correlation_id)).encode("utf-8"),
        )
        raw = answer["Payload"].read()
        body = json.loads(raw) if raw else None
        if answer.get("FunctionError"):
            # Lambda's error shape: errorType, errorMessage, stackTrace. The stack stays in the
            # function's own logs; callers (and through them API clients) never see it.
            error = body if isinstance(body, dict) else {}
            raise CommandFailed(
                function,
                command,
                str(error.get("errorType") or answer["FunctionError"]),
                str(error.get("errorMessage") or "the function failed"),
            )
        if not isinstance(body, dict):
            raise CommandFailed(
                function, command, "InvalidAnswer", "the function did not answer a JSON object"
            )
        return body
