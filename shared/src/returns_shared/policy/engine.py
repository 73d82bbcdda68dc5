"""The policy engine's public API: import everything from here.

All functions are pure (no I/O, no clock reads); pass ``policy=load_policy()`` and ``now``.
"""

from returns_shared.policy.amounts import items_paid, order_total, payment_mismatches
from returns_shared.policy.deadlines import refund_deadlines
from returns_shared.policy.document import Clause, PolicyDocument, load_policy
from returns_shared.policy.eligibility import returnability
from returns_shared.policy.fees import methods_available
from returns_shared.policy.inputs import InspectedLine, RequestedLine
from returns_shared.policy.quoting import quote
from returns_shared.policy.schedules import (
    expiry_at,
    expiry_due,
    review_escalation_at,
    review_escalation_due,
)
from returns_shared.policy.screening import screen
from returns_shared.policy.settlement import settle

__all__ = [
    "Clause",
    "InspectedLine",
    "PolicyDocument",
    "RequestedLine",
    "expiry_at",
    "expiry_due",
    "items_paid",
    "load_policy",
    "methods_available",
    "order_total",
    "payment_mismatches",
    "quote",
    "refund_deadlines",
    "returnability",
    "review_escalation_at",
    "review_escalation_due",
    "screen",
    "settle",
]
