"""Typed errors of the domain and service layer. Each carries a stable code the API shows."""

from __future__ import annotations


class DomainError(Exception):
    """A business refusal: becomes a GraphQL userError, changes nothing."""

    code = "INVALID_INPUT"

    def __init__(self, message: str, *, field: tuple[str, ...] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"


class InvalidState(DomainError):
    code = "INVALID_STATE"


class Ineligible(DomainError):
    code = "INELIGIBLE"


class MethodNotAvailable(DomainError):
    code = "METHOD_NOT_AVAILABLE"


class IdempotencyKeyReused(DomainError):
    code = "IDEMPOTENCY_KEY_REUSED"


class UnsupportedCurrency(DomainError):
    code = "UNSUPPORTED_CURRENCY"


class EmailNotSent(DomainError):
    """An agent's email could not be handed to the mail provider; nothing was sent, try again."""

    code = "EMAIL_NOT_SENT"


class Forbidden(DomainError):
    """The caller may not act on this object (the gateway answers a FORBIDDEN GraphQL error)."""

    code = "FORBIDDEN"


class ConflictError(Exception):
    """Optimistic locking lost a race: someone else changed the item first. Retry or give up."""


class ManyErrors(DomainError):
    """Several refusals at once (e.g. each ineligible line of a request), all shown to the caller."""

    def __init__(self, errors: list[DomainError]):
        super().__init__("; ".join(error.message for error in errors), code=errors[0].code)
        self.errors = errors
