"""How a function answers a command from the gateway: one JSON shape in, one out.

In:  {"command": "<name>", "caller": {"sub", "email", "groups"}, "input": {...}, "correlationId": str}
     (correlationId: the gateway's request id, on every log line and event of the command's work)
Out: {"returnId": str|None, "orderId": str|None, "userErrors": [{"field", "message", "code"}]}
Business refusals are userErrors; anything else raises (the invoke reports a FunctionError).
"""

from __future__ import annotations

import functools
import importlib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from returns_shared.domain.errors import ConflictError, DomainError, Forbidden, ManyErrors
from returns_shared.service.commands import CommandModel, parse_command
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.ports import Caller
from returns_shared.service.roles import Role

M = TypeVar("M", bound=CommandModel)
F = TypeVar("F", bound=Callable[..., Any])
Answer = dict[str, Any]  # {"returnId"?, "orderId"?}: what a handler adds to the answer


@dataclass(frozen=True)
class Command(Generic[M]):
    """One command, declared once (see catalog.py): the functions run it, the gateway derives from it."""

    name: str  # the wire name, also the GraphQL mutation's name
    function: str  # the logical function that owns it (request, screening, refund)
    input: type[M]
    roles: frozenset[Role]
    handler: Callable[[M, Caller, Dependencies], Answer]
    wrapped: bool = False  # the mutation takes one `input:` argument: error paths start with "input"

    def run(self, payload: Mapping[str, Any], caller: Caller, deps: Dependencies) -> Answer:
        """Role first (the gateway checked it too), then the input, then the handler."""
        if caller.role not in self.roles:
            raise Forbidden(f"A caller in role {caller.role} may not do this.")
        return self.handler(parse_command(self.input, payload, prefix=("input",) if self.wrapped else ()),
                            caller, deps)


def handler(path: str) -> Callable[[Any, Caller, Dependencies], Answer]:
    """The use case at "module:function", imported by its first command: the gateway (which only
    routes commands) and each function (which runs its own) import no other function's use cases."""
    module, _, name = path.partition(":")

    def run(cmd: Any, caller: Caller, deps: Dependencies) -> Answer:
        use_case = getattr(importlib.import_module(module), name)
        answer: Answer = use_case(cmd, caller, deps)
        return answer

    run.__qualname__ = run.__name__ = path
    return run


def user_errors(error: DomainError) -> list[dict[str, Any]]:
    errors = error.errors if isinstance(error, ManyErrors) else [error]
    return [
        {"field": list(e.field) if e.field else None, "message": e.message, "code": e.code} for e in errors
    ]


def run_command(event: Mapping[str, Any], commands: Mapping[str, Command[Any]], deps: Dependencies) -> Answer:
    answer: Answer = {"returnId": None, "orderId": None, "userErrors": []}
    command = commands.get(str(event.get("command")))
    if command is None:
        answer["userErrors"] = [
            {"field": None, "message": f"Unknown command {event.get('command')!r}.",
             "code": "UNKNOWN_COMMAND"}
        ]
        return answer
    try:
        caller = Caller.from_json(event["caller"])
    except (KeyError, TypeError):
        answer["userErrors"] = [
            {"field": None, "message": "The command names no caller.", "code": "UNAUTHENTICATED"}
        ]
        return answer
    try:
        answer.update(command.run(event.get("input") or {}, caller, deps))
    except DomainError as error:
        answer["userErrors"] = user_errors(error)
    except ConflictError:  # still losing the race after the retries: nothing was written
        answer["userErrors"] = [
            {
                "field": None,
                "code": "CONFLICT",
                "message": "This return or order was changed by someone else at the same moment; please "
                           "try again.",
            }
        ]
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
