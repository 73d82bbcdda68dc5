"""How a function answers a command from the gateway: one JSON shape in, one out.

In:  {"command": "<name>", "caller": {"sub", "email", "groups"}, "input": {...}, "correlationId": str}
     (correlationId: the gateway's request id, on every log line and event of the command's work)
Out: {"returnId": str|None, "orderId": str|None, "userErrors": [{"field", "message", "code"}]}
Business refusals are userErrors; anything else raises (the invoke reports a FunctionError).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from returns_shared.domain.errors import ConflictError, DomainError, ManyErrors
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import Caller

CommandHandler = Callable[[dict[str, Any], Caller, Dependencies], dict[str, Any]]
F = TypeVar("F", bound=Callable[..., Any])


def user_errors(error: DomainError) -> list[dict[str, Any]]:
    errors = error.errors if isinstance(error, ManyErrors) else [error]
    return [{"field": list(e.field) if e.field else None, "message": e.message, "code": e.code} for e in errors]


def run_command(event: dict[str, Any], handlers: dict[str, CommandHandler], deps: Dependencies) -> dict[str, Any]:
    answer: dict[str, Any] = {"returnId": None, "orderId": None, "userErrors": []}
    handler = handlers.get(str(event.get("command")))
    if handler is None:
        answer["userErrors"] = [{"field": None, "message": f"unknown command {event.get('command')!r}", "code": "UNKNOWN_COMMAND"}]
        return answer
    try:
        caller = Caller.from_json(event["caller"])
    except (KeyError, TypeError):
        answer["userErrors"] = [{"field": None, "message": "the command names no caller", "code": "UNAUTHENTICATED"}]
        return answer
    try:
        answer.update(handler(event.get("input") or {}, caller, deps))
    except DomainError as error:
        answer["userErrors"] = user_errors(error)
    except ConflictError:  # still losing the race after the retries: nothing was written
        answer["userErrors"] = [{"field": None, "code": "CONFLICT",
                                 "message": "the same return or order was changed at the same moment; please try again"}]
    return answer


def retry_on_conflict(attempts: int = 6) -> Callable[[F], F]:
    """Re-run a read-decide-write step when optimistic locking lost a race; the re-run re-reads,
    so a transition that someone else already made is refused by the aggregate, not repeated."""

    def decorate(step: F) -> F:
        @functools.wraps(step)
        def run(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(attempts):
                try:
                    return step(*args, **kwargs)
                except ConflictError:
                    if attempt == attempts - 1:
                        raise
                    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # jitter: racers spread out
            raise AssertionError("unreachable")

        return run  # type: ignore[return-value]

    return decorate
