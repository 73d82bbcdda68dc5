"""DateTime (offset required, UTC Z out) and Decimal (exact strings only) at the edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returns_api.scalars import (
    InvalidScalar,
    parse_datetime,
    parse_decimal,
    serialize_datetime,
    serialize_decimal,
)

from .support import Api, FakeBus, auth

RECEIVE = "mutation($at: DateTime) { receiveReturn(id: \"R1\", receivedAt: $at) { userErrors { code } } }"
WAREHOUSE = auth("warehouse", email=None)


def test_datetime_round_trip_and_utc_output():
    parsed = parse_datetime("2026-11-26T10:00:00+02:00")
    assert parsed.utcoffset() == timedelta(hours=2)
    assert serialize_datetime(parsed) == "2026-11-26T08:00:00Z"
    assert (
        serialize_datetime(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))))
        == "2026-01-01T05:00:00Z"
    )
    assert parse_datetime("2026-11-26T10:00:00Z") == datetime(2026, 11, 26, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    ["2026-11-26T10:00:00", "2026-11-26", "yesterday", "", 1732615200, None, "2026-13-01T00:00:00Z",
     "2026-11-26T10:00:00Z" + " " * 50],
)
def test_datetime_refusals(value):
    with pytest.raises(InvalidScalar):
        parse_datetime(value)


@given(st.datetimes(timezones=st.timezones(), allow_imaginary=False))  # a time in a DST gap never existed
def test_any_aware_datetime_serializes_with_z_and_parses_back(value):
    text = serialize_datetime(value)
    assert text.endswith("Z")
    assert parse_datetime(text) == value


def test_decimals_are_exact():
    assert parse_decimal("19.99") == Decimal("19.99")
    assert parse_decimal(20) == Decimal(20)
    assert serialize_decimal(Decimal("1E+2")) == "100"
    assert serialize_decimal(Decimal("30.00")) == "30.00"


@pytest.mark.parametrize(
    "value", [19.99, "NaN", "Infinity", "1e3", "12,5", " 1", "abc", "", True, None, "1" * 41]
)
def test_decimal_refusals(value):
    with pytest.raises(InvalidScalar):
        parse_decimal(value)


def test_bad_scalars_in_variables_are_clear_graphql_errors_and_send_nothing():
    api = Api(bus=FakeBus())
    result = api.gql(RECEIVE, {"at": "2026-11-26T10:00:00"}, headers=WAREHOUSE)
    assert "offset" in result["errors"][0]["message"]
    assert api.bus.sent == []
    ok = api.gql(RECEIVE, {"at": "2026-11-26T10:00:00+01:00"}, headers=WAREHOUSE)
    assert "errors" not in ok
    assert api.bus.sent[0].payload == {"id": "R1", "receivedAt": "2026-11-26T10:00:00+01:00"}


def test_a_float_literal_is_not_a_decimal():
    api = Api()
    result = api.gql(
        '{ returnQuote(input: {orderId: "O1", method: SELF_SHIP, lines: []}) { userErrors { code } } }',
        headers=auth(),
    )
    assert "errors" not in result  # sanity: the document itself is fine
    float_literal = api.gql(
        'mutation { recordOrder(input: {id: "O", email: "a@example.com", placedAt: "2026-11-20T10:00:00Z", '
        'currencyCode: "USD", paymentReference: "P", shippingAddress: {name: "A", line1: "B", city: "C", '
        'postalCode: "1", countryCode: "US"}, billingAddress: {name: "A", line1: "B", city: "C", '
        'postalCode: "1", '
        'countryCode: "US"}, shippingFee: {amount: 5.5, currencyCode: "USD"}, lines: []}) { userErrors { '
        'code } } }',
        headers=auth("integration", email=None),
    )
    assert "not float" in float_literal["errors"][0]["message"]
    assert api.bus.sent == []
