"""Ownership, checked again inside the functions (the gateway checks first; roles: Command.run)."""

from __future__ import annotations

from returns_shared.domain.errors import Forbidden
from returns_shared.domain.orders import same_customer
from returns_shared.service.ports import Caller


def require_owner_or(caller: Caller, customer_email: str, *staff_roles: str) -> None:
    """Customers act on their own orders only (same_customer); listed staff roles always."""
    if caller.role in staff_roles:
        return
    if caller.role == "customer" and same_customer(caller.email, customer_email):
        return
    raise Forbidden("This order belongs to another customer.")
