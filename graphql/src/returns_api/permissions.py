"""Who may do what: ONE table, operation → roles. Mirrored in graphql/README.md.

Customers additionally act on their own orders only (order email == token email, compared by
`customer_key`: NFKC, case-folded, IDNA domain): resolvers read the object first and check `owns`
before anything is sent to a function. Someone else's object is answered exactly like a missing
one (null, or NOT_FOUND), so a customer cannot tell that it exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from returns_api.context import Info
from returns_api.errors import Forbidden, Unauthenticated
from returns_shared.domain.orders import same_customer
from returns_shared.service.ports import Caller

CUSTOMER, AGENT, WAREHOUSE, INTEGRATION = "customer", "agent", "warehouse", "integration"
ANYONE = "anyone"  # public, no token needed (a presented token must still be valid)

PERMISSIONS: Mapping[str, frozenset[str]] = {
    # queries
    "returnPolicy": frozenset({ANYONE}),
    "order": frozenset({CUSTOMER, AGENT, WAREHOUSE, INTEGRATION}),
    "returnQuote": frozenset({CUSTOMER, AGENT}),
    "return": frozenset({CUSTOMER, AGENT, WAREHOUSE}),
    "returns": frozenset({CUSTOMER, AGENT, WAREHOUSE}),
    "Order.returns": frozenset({CUSTOMER, AGENT, WAREHOUSE}),  # the order feed reads orders only
    "failedRefunds": frozenset({AGENT}),
    "orders": frozenset({CUSTOMER, AGENT}),  # customers: their own; agents: one customer's
    "returnsByTrackingNumber": frozenset({AGENT, WAREHOUSE}),
    "unknownPackages": frozenset({AGENT}),
    "inspectionPreview": frozenset({WAREHOUSE}),
    # mutations
    "recordOrder": frozenset({INTEGRATION}),
    "requestReturn": frozenset({CUSTOMER, AGENT}),
    "cancelReturn": frozenset({CUSTOMER, AGENT}),
    "approveReturn": frozenset({AGENT}),
    "declineReturn": frozenset({AGENT}),
    "submitReturnTracking": frozenset({CUSTOMER, AGENT}),  # agents on the customer's behalf
    "receiveReturn": frozenset({WAREHOUSE}),
    "inspectReturn": frozenset({WAREHOUSE}),
    "issueRefund": frozenset({AGENT}),
    "retryRefund": frozenset({AGENT}),
}


def authorize(info: Info, operation: str) -> Caller | None:
    """The caller allowed to run `operation`, or a FORBIDDEN/UNAUTHENTICATED GraphQL error."""
    identity = info.context.identity
    if identity.error is not None:
        # An invalid credential is refused even where none is needed.
        raise Unauthenticated(f"Invalid credentials: {identity.error}")
    allowed = PERMISSIONS[operation]
    if ANYONE in allowed:
        return identity.caller
    caller = identity.caller
    if caller is None:
        raise Unauthenticated("Authentication required: send 'Authorization: Bearer <token>'")
    if caller.role not in allowed:
        raise Forbidden(f"A caller in role {caller.role} may not use {operation}")
    return caller


def require_caller(info: Info, operation: str) -> Caller:
    caller = authorize(info, operation)
    assert caller is not None, f"{operation} must not be public"
    return caller


def is_customer(caller: Caller | None) -> bool:
    return caller is not None and caller.role == CUSTOMER


def owns(caller: Caller, email: str) -> bool:
    """Staff see everything their role allows; a customer only what their email owns."""
    return not is_customer(caller) or same_customer(caller.email, email)
