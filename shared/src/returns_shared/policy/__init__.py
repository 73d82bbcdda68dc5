"""The return policy engine (pure: no I/O, no clock reads; ``now`` is always a parameter).

The engine's API is re-exported here (``from returns_shared.policy import quote``); its decisions
are domain values (``returns_shared.domain.decisions``), so the policy depends on the domain and
never the reverse.

Where each rule lives (clause ids of spec/policy-rules.md):
    document.py      the versioned policy document (policy_document.json) and its model
    eligibility.py   WINDOW-30D, NR-CATEGORY, NR-MARKED, NR-GIFT, NR-SET, QTY
    fees.py          LABEL-US (methods) and the FEE-* table
    amounts.py       REFUND-AMOUNT arithmetic: line amounts, items paid, the cap
    quoting.py       quote(): eligibility + fees + amounts, REFUND-SHIPPING, REFUND-FEES
    screening.py     SCREEN-AMOUNT, SCREEN-ADDRESS, SCREEN-CONTACT, SCREEN-EMAIL
    deadlines.py     REFUND-7D
    settlement.py    COND-NEW at inspection, merchant-responsibility fall-back, REFUND-ORIGINAL
    schedules.py     EXPIRE-APPROVED, REVIEW-SLA
    instants.py      "N x 24 h" as real elapsed time (safe across DST)
"""

from returns_shared.policy.engine import (
    Clause,
    InspectedLine,
    PolicyDocument,
    RequestedLine,
    expiry_at,
    expiry_due,
    items_paid,
    load_policy,
    methods_available,
    quote,
    refund_deadlines,
    returnability,
    review_escalation_at,
    review_escalation_due,
    screen,
    settle,
)

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
    "quote",
    "refund_deadlines",
    "returnability",
    "review_escalation_at",
    "review_escalation_due",
    "screen",
    "settle",
]
