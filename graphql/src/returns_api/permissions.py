"""Who may do what, as Strawberry permission classes on the fields.

Mutations take their roles from the command declarations in shared (`returns_shared.service.catalog`),
so the gateway and the functions cannot disagree; queries, which only the gateway serves, name
their roles on the field.

Customers additionally act on their own orders only (order email == token email, compared by
`customer_key`: NFKC, case-folded, IDNA domain): resolvers read the object first and check `owns`
before anything is sent to a function. Someone else's object is answered exactly like a missing
one (null, or NOT_FOUND), so a customer cannot tell that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from returns_api.context import Info
from returns_api.errors import Forbidden, Unauthenticated
from returns_shared.domain.orders import same_customer
from returns_shared.service.dispatch import Command
from returns_shared.service.ports import Caller
from returns_shared.service.roles import Role

CUSTOMER, AGENT, WAREHOUSE, INTEGRATION = Role.CUSTOMER, Role.AGENT, Role.WAREHOUSE, Role.INTEGRATION
EVERY_ROLE = frozenset(Role)
# who reads orders and returns: everyone but the merchant, whose view is the figures (returnInsights)
ORDER_READERS = EVERY_ROLE - {Role.MERCHANT}


class Public(BasePermission):
    """No token needed, but a presented token must still be valid."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _refuse_invalid_credentials(info)
        return True


class RolesAllowed(BasePermission):
    """An authenticated caller in one of `roles`; otherwise UNAUTHENTICATED or FORBIDDEN."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles = frozenset(roles)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _refuse_invalid_credentials(info)
        caller = info.context.identity.caller
        if caller is None:
            raise Unauthenticated("Authentication required: send 'Authorization: Bearer <token>'")
        if caller.role not in self.roles:
            raise Forbidden(f"A caller in role {caller.role} may not use {info.field_name}")
        return True


def _refuse_invalid_credentials(info: Info) -> None:
    error = info.context.identity.error
    if error is not None:  # an invalid credential is refused even where none is needed
        raise Unauthenticated(f"Invalid credentials: {error}")


def _extension(permission: BasePermission) -> FieldExtension:
    # no schema directives: the exported SDL is the contract and must not grow permission directives
    return PermissionExtension(permissions=[permission], use_directives=False)


def public() -> list[FieldExtension]:
    return [_extension(Public())]


def roles(*allowed: Role) -> list[FieldExtension]:
    return [_extension(RolesAllowed(allowed))]


def sends(command: Command[Any]) -> list[FieldExtension]:
    """The permission of a mutation that sends `command`: the roles the command declares."""
    return [_extension(RolesAllowed(command.roles))]


def caller_of(info: Info) -> Caller:
    """The caller a role permission has let through."""
    caller = info.context.identity.caller
    if caller is None:  # a field without a role permission: a programming error, masked
        raise RuntimeError(f"{info.field_name} has no role permission")
    return caller


def is_customer(caller: Caller | None) -> bool:
    return caller is not None and caller.role == CUSTOMER


def owns(caller: Caller, email: str) -> bool:
    """Staff see everything their role allows; a customer only what their email owns."""
    return not is_customer(caller) or same_customer(caller.email, email)


def listing_owner(caller: Caller, customer_email: str | None, listing: str) -> str | None:
    """Whose `listing` the caller reads: a customer always their own (naming another customer is
    FORBIDDEN), staff the customer they name (None: nobody named)."""
    if not is_customer(caller):
        return customer_email
    if customer_email is not None and not owns(caller, customer_email):
        raise Forbidden(f"Customers list their own {listing} only.")
    return caller.email or ""
