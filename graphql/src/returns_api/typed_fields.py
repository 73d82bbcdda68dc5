"""`strawberry.field(...)` and `strawberry.mutation(...)` as decorators, typed for mypy --strict.

Called with options, Strawberry declares both as returning `Any` (so that `x: str =
strawberry.field(description=...)` type-checks on a data field), and mypy then reports every
decorated resolver as made untyped (strawberry-graphql/strawberry#1929). What they really return
is a `StrawberryField`, which takes the resolver when called; these say so and change nothing else.
Data fields keep `strawberry.field(...)`.
"""

from __future__ import annotations

from typing import cast

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.field import StrawberryField


def typed_field(
    *, name: str | None = None, description: str | None = None, extensions: list[FieldExtension] | None = None
) -> StrawberryField:
    return cast(StrawberryField, strawberry.field(name=name, description=description, extensions=extensions))


def typed_mutation(
    *, description: str | None = None, extensions: list[FieldExtension] | None = None
) -> StrawberryField:
    return cast(StrawberryField, strawberry.mutation(description=description, extensions=extensions))
