"""Typed GraphQL errors (top-level `errors`), as opposed to userErrors in mutation payloads.

Only these, validation errors and scalar parse errors reach a client unmasked (see masking.py).
"""

from __future__ import annotations

from graphql import GraphQLError


class ApiError(GraphQLError):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"
