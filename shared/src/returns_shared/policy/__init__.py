"""The return policy engine (pure: no I/O, no clock reads; ``now`` is always a parameter).

Import the engine from ``returns_shared.policy.engine`` (its facade). The engine's decisions are
domain values (``returns_shared.domain.decisions``): the policy depends on the domain, never the
reverse, so nothing here has to stay empty to dodge an import cycle.

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
