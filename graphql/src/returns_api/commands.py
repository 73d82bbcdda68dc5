"""Sending a command to the function that owns it and turning its answer into a payload.

The gateway holds no write rights: every change is a CommandBus.send. A FORBIDDEN or
UNAUTHENTICATED answer becomes a GraphQL error (not a userError); other userErrors pass through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from returns_api.context import Info
from returns_api.errors import Forbidden, Unauthenticated
from returns_api.types.user_errors import UserError, user_errors_from_answer
from returns_shared.service.dispatch import Command
from returns_shared.service.ports import Caller

_AS_GRAPHQL_ERRORS = {"FORBIDDEN": Forbidden, "UNAUTHENTICATED": Unauthenticated}


@dataclass(frozen=True)
class Answer:
    return_id: str | None
    order_id: str | None
    user_errors: list[UserError]
    data: Mapping[str, Any]  # the whole answer: what a command answers beyond ids (e.g. insight rows)
    message_id: str | None = None  # the conversation's commands name the message they wrote
    package_id: str | None = None  # recordUnknownPackage names the package it recorded


class MalformedAnswer(Exception):
    """A function answered something other than the command answer shape (a bug: masked)."""


async def send(info: Info, caller: Caller, command: Command[Any], payload: dict[str, Any]) -> Answer:
    """Send `command` to the function its declaration names, under this request's id."""
    # A synchronous Lambda invoke (or, locally, the function itself): off the event loop.
    raw = await info.context.run_blocking(
        info.context.services.command_bus.send,
        command.function,
        command.name,
        caller,
        payload,
        correlation_id=info.context.request_id,
    )
    answer = parse_answer(raw)
    for error in answer.user_errors:
        if error.code in _AS_GRAPHQL_ERRORS:
            raise _AS_GRAPHQL_ERRORS[error.code](error.message)
    return answer


def parse_answer(raw: object) -> Answer:
    if not isinstance(raw, Mapping):
        raise MalformedAnswer(f"command answer is {type(raw).__name__}, not an object")
    errors = raw.get("userErrors") or []
    if not isinstance(errors, list) or not all(isinstance(error, Mapping) for error in errors):
        raise MalformedAnswer("userErrors must be a list of objects")
    return_id, order_id, message_id = raw.get("returnId"), raw.get("orderId"), raw.get("messageId")
    package_id = raw.get("packageId")
    return Answer(
        return_id=str(return_id) if return_id is not None else None,
        order_id=str(order_id) if order_id is not None else None,
        user_errors=user_errors_from_answer(errors),
        message_id=str(message_id) if message_id is not None else None,
        package_id=str(package_id) if package_id is not None else None,
        data=raw,
    )
