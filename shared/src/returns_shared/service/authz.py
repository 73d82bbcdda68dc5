"""Ownership, checked again inside the functions (the gateway checks first; roles: Command.run)."""

from __future__ import annotations

from returns_shared.domain.errors import Forbidden
from returns_shared.domain.orders import customer_key
from returns_shared.service.ports import Caller


def require_owner_or(caller: Caller, customer_email: str, *staff_roles: str) -> None:
    """Customers act on their own orders only (order email == token email); listed staff roles always."""
    if caller.role in staff_roles:
        return
    if (
        caller.role == "customer"
        and caller.email
        and customer_key(caller.email) == customer_key(customer_email)
    ):
        return
    raise Forbidden("this order belongs to another customer")
