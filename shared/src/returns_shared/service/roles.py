"""Who a caller is to the service: one role per caller, from its identity provider groups."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"  # in no group: acts on the orders of its own (verified) email
    AGENT = "agent"  # customer service
    WAREHOUSE = "warehouse"
    INTEGRATION = "integration"  # the order feed
    MERCHANT = "merchant"  # the merchant's people: return insights and exports, no act on any return


# precedence when in several groups
STAFF_ROLES = (Role.AGENT, Role.WAREHOUSE, Role.MERCHANT, Role.INTEGRATION)
STAFF_GROUPS = frozenset(role.value for role in STAFF_ROLES)
