"""Properties of quote and settle over generated orders, requests and earlier packages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from returns_shared.domain.vocabulary import ItemCondition, ReturnMethod, ReturnReason, ReturnStatus
from returns_shared.policy.engine import InspectedLine, items_paid, quote, returnability, settle

from .factories import NOW, POLICY, line, order, req, requested_return, stored_return

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CREDIT = POLICY.fees_for("USD").shipping_credit

amounts = st.decimals(min_value=0, max_value=400, places=4).map(str)


@st.composite
def order_lines(draw, index, clean=False):
    if clean:  # a line that is certainly returnable
        return line(
            f"L{index}",
            price=draw(amounts.filter(lambda a: Decimal(a) > 0)),
            quantity=draw(st.integers(1, 4)),
        )
    return line(
        f"L{index}",
        price=draw(st.one_of(amounts, st.just("0.00"))),
        tax=draw(st.decimals(min_value=0, max_value=40, places=4).map(str)),
        quantity=draw(st.integers(1, 4)),
        category=draw(st.sampled_from(["DRESS", "TOP", "socks", "JEWELRY"])),
        delivered_days_ago=draw(st.one_of(st.none(), st.floats(0, 45, allow_nan=False))),
        set_id=draw(st.sampled_from([None, None, "S1"])),
        free_gift=draw(st.booleans()),
        non_returnable=draw(st.booleans()),
    )


@st.composite
def scenarios(draw, clean=False):
    n = draw(st.integers(1, 4))
    o = order(
        *[draw(order_lines(i, clean)) for i in range(n)],
        country=draw(st.sampled_from(["US", "CA", "JP", "DE", "GB"])),
    )
    prior = []
    for k in range(draw(st.integers(0, 0 if clean else 3))):
        chosen = draw(
            st.lists(
                st.sampled_from([ol.id for ol in o.lines]), min_size=1, max_size=n, unique=True
            )
        )
        status = draw(st.sampled_from(list(ReturnStatus)))
        lines = [(lid, draw(st.integers(1, 3))) for lid in chosen]
        refunded = draw(amounts) if status == ReturnStatus.REFUNDED else None
        prior.append(
            stored_return(o, lines, return_id=f"P{k}", status=status, refunded_items=refunded)
        )
    chosen = draw(
        st.lists(st.sampled_from([ol.id for ol in o.lines]), min_size=1, max_size=n, unique=True)
    )
    requested = [
        req(
            lid,
            o.line(lid).quantity if clean else draw(st.integers(1, 5)),
            draw(st.sampled_from(list(ReturnReason))),
        )
        for lid in chosen
    ]
    method = draw(st.sampled_from(list(ReturnMethod)))
    return o, requested, method, prior


@SETTINGS
@given(scenarios())
def test_quote_properties(scenario):
    o, requested, method, prior = scenario
    result = quote(o, requested, method, prior, policy=POLICY, now=NOW)
    assert result.total.amount >= 0
    assert result.total.amount <= items_paid(o).amount + CREDIT
    assert result.shipping_credit.amount in (0, CREDIT)
    for ql in result.lines:
        if ql.eligible:
            assert not ql.reasons
        else:
            assert ql.reasons and ql.amount.amount == 0
            assert all(POLICY.has_clause(r.clause_id) for r in ql.reasons)
    assert len(set(result.applied_clauses)) == len(result.applied_clauses)
    assert all(POLICY.has_clause(c) for c in result.applied_clauses)
    assert quote(o, requested, method, prior, policy=POLICY, now=NOW) == result


@SETTINGS
@given(scenarios())
def test_returnability_properties(scenario):
    o, _, _, prior = scenario
    for item in returnability(o, prior, policy=POLICY, now=NOW):
        ordered = o.line(item.order_line_id).quantity
        assert 0 <= item.returnable_quantity <= ordered
        assert item.eligible == (not item.reasons) == (item.returnable_quantity > 0)
        assert all(
            r.code != "SET_INCOMPLETE" and POLICY.has_clause(r.clause_id) for r in item.reasons
        )


@st.composite
def inspections(draw, ret):
    lines = []
    for rl in ret.lines:
        condition = draw(st.sampled_from(list(ItemCondition)))
        # an item that did not come back cannot have a defect confirmed (refused as bad input)
        answers = [None, False] if condition in POLICY.inspection.never_accepted else [None, True, False]
        lines.append(InspectedLine(rl.order_line_id, condition, draw(st.sampled_from(answers))))
    return lines


@SETTINGS
@given(st.data())
def test_settlement_never_pays_more_than_the_eligible_quote(data):
    o, requested, method, prior = data.draw(scenarios(clean=True))
    ret = requested_return(o, requested, method, prior=prior)
    assert ret.quote.all_eligible
    lines, settlement = settle(o, ret, data.draw(inspections(ret)), prior, policy=POLICY)
    assert Decimal(0) <= settlement.amount.amount <= ret.quote.total.amount
    assert settlement.accepted_line_ids == tuple(rl.order_line_id for rl in lines if rl.accepted)
    assert not any(rl.accepted for rl in lines if rl.condition in POLICY.inspection.never_accepted)
    if not settlement.accepted_line_ids:
        assert settlement.amount.amount == 0


def test_window_closes_on_the_exact_instant():
    edge = line(delivered_at=NOW - timedelta(days=30))
    assert returnability(order(edge), [], policy=POLICY, now=NOW)[0].eligible
    assert not returnability(order(edge), [], policy=POLICY, now=NOW + timedelta(seconds=1))[
        0
    ].eligible
