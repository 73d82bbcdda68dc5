"""SCREEN-LABELS: a prepaid request for a line whose earlier prepaid labels went unused
`unused_labels_before_review` times is reviewed; used labels, self-ship and other lines never count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnMethod, ReturnStatus
from returns_shared.policy.engine import quote, screen

from .factories import LABEL, NOW, POLICY, SELF, line, order, req, stored_return

S = ReturnStatus
LIMIT = POLICY.screening.unused_labels_before_review
THE_ORDER = order(line("L1", quantity=3), line("L2"))


def earlier(status: ReturnStatus = S.CANCELED, *, method: ReturnMethod = LABEL, approved: bool = True,
            line_id: str = "L1", the_order=THE_ORDER, number: int = 0) -> Return:
    ret = stored_return(the_order, ((line_id, 1),), return_id=f"R{number}", status=status, method=method)
    ret.approved_at = NOW - timedelta(days=1) if approved else None
    return ret


def label_flags(history, *, method=LABEL, lines=("L1",), the_order=THE_ORDER) -> list[str]:
    requested = [req(line_id) for line_id in lines]
    decided = quote(the_order, requested, method, [], policy=POLICY, now=NOW)
    result = screen(the_order, decided, list(history), policy=POLICY, method=method)
    return [f.message for f in result.flags if f.clause_id == "SCREEN-LABELS"]


def test_the_limit_is_a_setting_of_the_policy_document():
    assert LIMIT == 2 and POLICY.has_clause("SCREEN-LABELS")
    assert "twice" in POLICY.clause("SCREEN-LABELS").text  # the text quotes the setting


@pytest.mark.parametrize("unused", range(LIMIT + 2))
def test_flagged_from_the_limit_on(unused):
    history = [earlier(S.CANCELED if n % 2 else S.EXPIRED, number=n) for n in range(unused)]
    found = label_flags(history)
    assert bool(found) is (unused >= LIMIT)
    if found:
        assert found == [f"line L1: {unused} earlier prepaid labels went unused (their returns were canceled "
                         f"or expired); the review limit is {LIMIT}"]


@pytest.mark.parametrize(
    "kind",
    ["used", "in_transit", "self_ship", "never_approved", "declined", "other_line", "other_order"],
)
def test_what_does_not_count(kind):
    other_order = order(line("L1"), order_id="O2")
    one = {
        "used": lambda n: earlier(S.REFUNDED, number=n),  # a line returned in several packages
        "in_transit": lambda n: earlier(S.IN_TRANSIT, number=n),
        "self_ship": lambda n: earlier(method=SELF, number=n),
        "never_approved": lambda n: earlier(approved=False, number=n),  # canceled in review: no label
        "declined": lambda n: earlier(S.DECLINED, approved=False, number=n),
        "other_line": lambda n: earlier(line_id="L2", number=n),
        "other_order": lambda n: earlier(the_order=other_order, number=n),
    }[kind]
    assert label_flags([one(n) for n in range(LIMIT + 1)]) == []


def test_self_ship_requests_are_never_flagged():
    history = [earlier(number=n) for n in range(LIMIT)]
    assert label_flags(history, method=SELF) == []
    assert screen(THE_ORDER, quote(THE_ORDER, [req("L1")], SELF, [], policy=POLICY, now=NOW), history,
                  policy=POLICY, method=SELF).outcome == "PASS"


def test_each_line_of_the_request_is_judged_on_its_own():
    history = [earlier(number=n) for n in range(LIMIT)]
    assert [m.split(":")[0] for m in label_flags(history, lines=("L1", "L2"))] == ["line L1"]
    assert label_flags(history, lines=("L2",)) == []
