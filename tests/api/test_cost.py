"""Static query cost: over-budget operations are refused before anything is read; budgets are
stricter for customers than for staff; the real frontends' operations fit."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLList, get_nullable_type, parse

from returns_api.cost import LIST_SIZES, MAX_CLAUSES, Sliced, operation_cost
from returns_api.graphiql import DEFAULT_DOCUMENT
from returns_api.guard import CUSTOMER_BUDGET, STAFF_BUDGET
from returns_api.schema import build_schema

from .support import (
    ALICE,
    POLICY,
    Api,
    FakeReader,
    auth,
    error_codes,
    make_order,
    make_return,
    settings,
)

REPO = Path(__file__).resolve().parents[2]
SCHEMA = build_schema(settings())._schema
FAN_OUT = (
    '{ returns(first: 20, orderId: "O1") { edges { node { order { returns { order { returns '
    "{ order { returns { id } } } } } } } } } }"
)


def cost(query: str, variables: dict | None = None, operation: str | None = None) -> int:
    return operation_cost(SCHEMA, parse(query), operation, variables)


def _owned_returns(count: int) -> FakeReader:
    order = make_order("O1", email=ALICE)
    return FakeReader(
        orders=[order], returns=[make_return(f"R{i:03d}", order) for i in range(count)]
    )


@pytest.mark.parametrize("caller", [auth(), auth("agent", email=None)], ids=["customer", "agent"])
def test_the_fan_out_is_refused_before_anything_is_read(caller):
    api = Api(reader=_owned_returns(20))  # the customer's own order, as in the report
    result = api.gql(FAN_OUT, headers=caller)
    assert result["data"] is None and error_codes(result) == ["MAX_COST_EXCEEDED"]
    assert result["errors"][0]["extensions"]["cost"] > STAFF_BUDGET
    assert sum(api.reader.calls.values()) == 0


def test_lists_weigh_by_page_size_and_nested_lists_multiply():
    one = cost('{ order(id: "O1") { id } }')
    assert one == 1
    assert cost("{ returns(first: 10) { edges { node { id } } } }") == 1 + 10 * 2
    assert (
        cost("query($n: Int) { returns(first: $n) { edges { node { id } } } }", {"n": 3})
        == 1 + 3 * 2
    )
    assert cost("query($n: Int = 4) { returns(first: $n) { edges { node { id } } } }") == 1 + 4 * 2
    assert cost("{ returns { edges { node { id } } } }") == 1 + 20 * 2  # the argument's default
    nested = cost(
        "{ returns(first: 10) { edges { node { order { returns(first: 5) { id } } } } } }"
    )
    assert nested == 1 + 10 * (1 + 1 + 1 + 5 * 1)
    # Aliases and fragments count like the fields they stand for.
    assert cost('{ a: order(id: "1") { id } b: order(id: "2") { id } }') == 2
    assert (
        cost('{ order(id: "1") { ...F } } fragment F on Order { returns(first: 3) { id } }')
        == 1 + 3
    )


def test_out_of_range_pages_are_costed_at_the_maximum_and_refused_by_the_resolver():
    assert cost("{ returns(first: 1000000000) { edges { node { id } } } }") == 1 + 100 * 2
    api, agent = Api(reader=_owned_returns(1)), auth("agent", email=None)
    for query in (
        "{ returns(first: 101) { edges { cursor } } }",
        '{ order(id: "O1") { returns(first: 101) { id } } }',
    ):
        assert error_codes(api.gql(query, headers=agent)) == ["BAD_USER_INPUT"]


def test_nested_order_returns_are_capped():
    api = Api(reader=_owned_returns(60))
    data = api.gql(
        '{ order(id: "O1") { returns { id } few: returns(first: 2) { id } } }', headers=auth()
    )["data"]
    assert len(data["order"]["returns"]) == 50 and len(data["order"]["few"]) == 2
    refused = api.gql('{ order(id: "O1") { returns(first: 0) { id } } }', headers=auth())
    assert error_codes(refused) == ["BAD_USER_INPUT"]


def test_customers_have_a_stricter_budget_than_staff():
    assert CUSTOMER_BUDGET < STAFF_BUDGET
    # 1 + 100 × (edge 1 + node 1 + lines 50 + quote 1 + 50 quote lines × (1 + 7 reasons))
    query = ("{ returns(first: 100) { edges { node { lines { quantity } quote { lines { reasons { code } } "
             "} } } } }")
    assert CUSTOMER_BUDGET < cost(query) <= STAFF_BUDGET
    api = Api(reader=_owned_returns(3))
    assert error_codes(api.gql(query, headers=auth())) == ["MAX_COST_EXCEEDED"]
    assert error_codes(api.gql(query)) == ["MAX_COST_EXCEEDED"]  # anonymous: the customer budget
    assert "errors" not in api.gql(query, headers=auth("agent", email=None))


def _operations() -> list[tuple[str, str, str | None]]:
    found = [
        (path.name, path.read_text(encoding="utf-8"), None)
        for path in sorted((REPO / "operations").glob("*.graphql"))
    ]
    names = [
        d.name.value
        for d in parse(DEFAULT_DOCUMENT).definitions
        if getattr(d, "name", None) and hasattr(d, "operation")
    ]
    return found + [(f"graphiql:{name}", DEFAULT_DOCUMENT, name) for name in names]


@pytest.mark.parametrize(
    ("name", "document", "operation"), _operations(), ids=[o[0] for o in _operations()]
)
def test_every_example_operation_fits_the_customer_budget_with_room(name, document, operation):
    assert cost(document, None, operation) * 2 <= CUSTOMER_BUDGET


def test_the_size_table_names_real_list_fields_and_real_bounds():
    for coordinate in LIST_SIZES:
        type_name, field_name = coordinate.split(".")
        field = SCHEMA.get_type(type_name).fields[field_name]  # KeyError: a stale entry
        rule = LIST_SIZES[coordinate]
        sized_by_argument = isinstance(rule, Sliced) and rule.sizes_children == ("edges",)  # connections
        assert sized_by_argument or isinstance(get_nullable_type(field.type), GraphQLList), (
            coordinate
        )
    assert len(POLICY.clauses) <= MAX_CLAUSES
