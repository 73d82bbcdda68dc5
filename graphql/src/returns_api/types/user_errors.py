"""UserError: a business refusal inside a mutation payload (field path, message, code)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import strawberry

from returns_shared.domain.errors import DomainError


@strawberry.type
class UserError:
    field: list[str] | None
    message: str
    code: str

    @classmethod
    def of(cls, message: str, code: str, field: Sequence[str] | None = None) -> UserError:
        return cls(field=list(field) if field is not None else None, message=message, code=code)

    @classmethod
    def from_domain(cls, error: DomainError, *, prefix: Sequence[str] = ()) -> UserError:
        field = [*prefix, *error.field] if error.field else (list(prefix) or None)
        return cls(field=field, message=error.message, code=error.code)

    @classmethod
    def from_answer(cls, data: Mapping[str, Any]) -> UserError:
        """One userError as a function answered it (JSON)."""
        field = data.get("field")
        return cls(
            field=[str(part) for part in field] if field is not None else None,
            message=str(data.get("message", "")),
            code=str(data.get("code", "INVALID_INPUT")),
        )


def user_errors_from_answer(errors: Iterable[Mapping[str, Any]]) -> list[UserError]:
    return [UserError.from_answer(error) for error in errors]
