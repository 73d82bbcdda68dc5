"""What the web pages read beside the returns, through GraphQL on the whole stack: a customer's orders,
staff lookups by tracking number and customer email, the unknown packages, the return address, the
ship-by date, the settled refund and its preview before the warehouse commits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from returns_shared.policy.document import load_policy

from .lifecycle_helpers import approved, at, inspect_all, ok, receive, refused
from .support import RECEIVE, TRACKING, line, order_input

ORDERS = """query($first: Int, $after: String, $email: String) {
  orders(first: $first, after: $after, customerEmail: $email) {
    edges { cursor node { id email placedAt } } pageInfo { hasNextPage endCursor } } }"""
BY_TRACKING = (
    "query($n: String!) { returnsByTrackingNumber(trackingNumber: $n) { id status trackingNumber } }"
)
UNKNOWN = """query($after: String) { unknownPackages(first: 2, after: $after) {
  edges { node { scanned reason scannedBy at } } pageInfo { hasNextPage endCursor } } }"""
DETAILS = """query($id: ID!) { return(id: $id) { status shipBy trackingNumber
  returnAddress { name line1 city postalCode countryCode }
  settlement { amount { amount currencyCode } acceptedLineIds labelFee { amount }
    appliedClauses { id } } } }"""
PREVIEW = """query($id: ID!, $lines: [InspectionLineInput!]!) { inspectionPreview(id: $id, lines: $lines) {
  settlement { amount { amount currencyCode } acceptedLineIds labelFee { amount } appliedClauses { id } }
  userErrors { field code message } } }"""
RETURNS_OF = "query($email: String) { returns(customerEmail: $email) { edges { node { id } } } }"


def _codes(errors):
    return [error["extensions"]["code"] for error in errors]


def test_customers_page_through_their_own_orders_newest_first(flow, gql, tokens):
    mine = [flow.record(order_input(line(), email="Pat@Example.com")) for _ in range(3)]
    flow.record(order_input(line(), email="someone.else@example.com"))
    token = tokens.customer("pat@example.com")
    first = gql(ORDERS, {"first": 2}, token=token)["orders"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = gql(ORDERS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=token)["orders"]
    assert rest["pageInfo"]["hasNextPage"] is False
    seen = [edge["node"] for edge in first["edges"] + rest["edges"]]
    assert sorted(order["id"] for order in seen) == sorted(order["id"] for order in mine)
    placed = [at(order["placedAt"]) for order in seen]
    assert placed == sorted(placed, reverse=True)
    # paging after any edge, not only the last one
    middle = gql(ORDERS, {"first": 5, "after": first["edges"][0]["cursor"]}, token=token)["orders"]
    assert [e["node"]["id"] for e in middle["edges"]] == [order["id"] for order in seen[1:]]


def test_orders_are_per_customer_for_agents_and_own_only_for_customers(flow, gql, tokens):
    order = flow.record(order_input(line(), email="pat@example.com"))
    listed = gql(ORDERS, {"email": "PAT@example.com"}, token=tokens.agent)["orders"]
    assert [edge["node"]["id"] for edge in listed["edges"]] == [order["id"]]
    assert _codes(gql.errors(ORDERS, {}, token=tokens.agent)) == ["BAD_USER_INPUT"]
    assert _codes(
        gql.errors(ORDERS, {"email": "pat@example.com"}, token=tokens.customer("eve@example.com"))
    ) == ["FORBIDDEN"]
    assert gql(ORDERS, {}, token=tokens.customer("eve@example.com"))["orders"]["edges"] == []
    assert _codes(gql.errors(ORDERS, {}, token=tokens.warehouse)) == ["FORBIDDEN"]
    cursor = gql(ORDERS, {"first": 1}, token=tokens.customer("pat@example.com"))["orders"]["edges"][0][
        "cursor"
    ]
    forged = cursor[:-4] + ("AAAA" if not cursor.endswith("AAAA") else "BBBB")
    assert _codes(gql.errors(ORDERS, {"after": forged}, token=tokens.customer("pat@example.com"))) == [
        "BAD_USER_INPUT"
    ]


def test_staff_find_returns_by_tracking_number_and_customer_email(flow, gql, tokens):
    order = flow.record(order_input(line("L1"), line("L2"), email="pat@example.com"))
    labelled = approved(flow, order, method="PREPAID_LABEL")
    number = labelled["label"]["trackingNumber"]
    assert labelled["trackingNumber"] == number
    typed = " ".join([number[:4].lower(), number[4:]])  # as typed at a desk: spaces, lower case
    for token in (tokens.agent, tokens.warehouse):
        found = gql(BY_TRACKING, {"n": typed}, token=token)["returnsByTrackingNumber"]
        assert [ret["id"] for ret in found] == [labelled["id"]]
    assert gql(BY_TRACKING, {"n": "NO-SUCH-NUMBER"}, token=tokens.agent)["returnsByTrackingNumber"] == []
    assert _codes(gql.errors(BY_TRACKING, {"n": number}, token=tokens.customer("pat@example.com"))) == [
        "FORBIDDEN"
    ]
    assert _codes(gql.errors(BY_TRACKING, {"n": "  "}, token=tokens.agent)) == ["BAD_USER_INPUT"]

    other = flow.record(order_input(line(), email="eve@example.com"))
    theirs = approved(flow, other)
    listed = gql(RETURNS_OF, {"email": "Pat@example.com"}, token=tokens.agent)["returns"]["edges"]
    assert [edge["node"]["id"] for edge in listed] == [labelled["id"]]
    everyone = gql(RETURNS_OF, {"email": None}, token=tokens.agent)["returns"]["edges"]
    assert {labelled["id"], theirs["id"]} <= {edge["node"]["id"] for edge in everyone}
    own = gql(RETURNS_OF, {"email": "pat@example.com"}, token=tokens.customer("pat@example.com"))["returns"][
        "edges"
    ]
    assert [edge["node"]["id"] for edge in own] == [labelled["id"]]
    assert _codes(
        gql.errors(RETURNS_OF, {"email": "eve@example.com"}, token=tokens.customer("pat@example.com"))
    ) == ["FORBIDDEN"]


def test_a_self_shipped_tracking_number_finds_its_return(flow, gql, tokens):
    order = flow.record(order_input(line(), email="pat@example.com"))
    ret = approved(flow, order)
    ok(
        flow.act(
            TRACKING, tokens.customer("pat@example.com"), id=ret["id"], carrier="USPS", number="9400111899"
        )
    )
    found = gql(BY_TRACKING, {"n": "9400 1118 99"}, token=tokens.warehouse)["returnsByTrackingNumber"]
    assert [(r["id"], r["status"]) for r in found] == [(ret["id"], "IN_TRANSIT")]


def test_return_address_and_ship_by_date(flow, gql, tokens, stack):
    policy = load_policy()
    order = flow.record(order_input(line(), email="pat@example.com"))
    ret = approved(flow, order)
    details = gql(DETAILS, {"id": ret["id"]}, token=tokens.customer("pat@example.com"))["return"]
    warehouse = policy.return_address.address
    assert details["returnAddress"] == {
        "name": warehouse.name,
        "line1": warehouse.line1,
        "city": warehouse.city,
        "postalCode": warehouse.postal_code,
        "countryCode": warehouse.country_code,
    }
    approved_at = stack.deps.repo.get_return(ret["id"]).approved_at
    assert at(details["shipBy"]) == approved_at + timedelta(days=policy.expiry.approved_days)
    receive(flow, ret["id"])
    assert gql(DETAILS, {"id": ret["id"]}, token=tokens.agent)["return"]["shipBy"] is None


def test_the_preview_is_the_settlement_inspection_then_decides_and_changes_nothing(flow, gql, tokens, stack):
    order = flow.record(
        order_input(line("L1", price="40.00"), line("L2", price="20.00"), email="pat@example.com")
    )
    lines = [
        {"orderLineId": "L1", "quantity": 1, "reason": "STYLE"},
        {"orderLineId": "L2", "quantity": 1, "reason": "STYLE"},
    ]
    ret = approved(flow, order, lines)
    wh = tokens.warehouse
    checks = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}, {"orderLineId": "L2", "condition": "WORN"}]
    early = gql(PREVIEW, {"id": ret["id"], "lines": checks}, token=wh)["inspectionPreview"]
    assert [e["code"] for e in early["userErrors"]] == ["INVALID_STATE"] and early["settlement"] is None
    receive(flow, ret["id"])
    before = stack.deps.repo.get_return(ret["id"])
    preview = gql(PREVIEW, {"id": ret["id"], "lines": checks}, token=wh)["inspectionPreview"]
    assert preview["userErrors"] == []
    assert preview["settlement"]["acceptedLineIds"] == ["L1"]
    assert Decimal(preview["settlement"]["amount"]["amount"]) == Decimal("40.00")
    assert "COND-NEW" in [clause["id"] for clause in preview["settlement"]["appliedClauses"]]
    after = stack.deps.repo.get_return(ret["id"])
    assert (after.version, after.status, after.settlement) == (before.version, before.status, None)

    partial = gql(PREVIEW, {"id": ret["id"], "lines": checks[:1]}, token=wh)["inspectionPreview"]
    assert [(e["code"], e["field"]) for e in partial["userErrors"]] == [("INVALID_INPUT", ["lines"])]
    unknown = gql(PREVIEW, {"id": "RMA-NOPE", "lines": checks}, token=wh)["inspectionPreview"]
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]
    assert _codes(gql.errors(PREVIEW, {"id": ret["id"], "lines": checks}, token=tokens.agent)) == [
        "FORBIDDEN"
    ]

    inspected = ok(flow.act(
        "mutation($id: ID!, $lines: [InspectionLineInput!]!) { inspectReturn(id: $id, lines: $lines) {"
        " return { id } userErrors { code } } }", wh, id=ret["id"], lines=checks))
    settled = gql(DETAILS, {"id": inspected["id"]}, token=tokens.customer("pat@example.com"))["return"][
        "settlement"
    ]
    assert settled == preview["settlement"]


def test_settlement_is_null_until_inspected_and_then_what_the_refund_pays(flow, gql, tokens):
    order = flow.record(order_input(line(), email="pat@example.com"))
    ret = approved(flow, order)
    assert gql(DETAILS, {"id": ret["id"]}, token=tokens.agent)["return"]["settlement"] is None
    receive(flow, ret["id"])
    inspect_all(flow, ret)
    settled = gql(DETAILS, {"id": ret["id"]}, token=tokens.agent)["return"]["settlement"]
    paid = ok(flow.act("mutation($id: ID!) { issueRefund(id: $id) { return { refund { amount { amount } } }"
                       " userErrors { code } } }", tokens.agent, id=ret["id"]))
    assert paid["refund"]["amount"]["amount"] == settled["amount"]["amount"]


def test_agents_list_packages_that_arrived_for_unknown_returns(flow, gql, tokens):
    for scanned in ("RMA-UNKNOWN1", "RMA-UNKNOWN2", "RMA-UNKNOWN3"):
        refused(flow.act(RECEIVE, tokens.warehouse, id=scanned, at=None), "NOT_FOUND")
    first = gql(UNKNOWN, {}, token=tokens.agent)["unknownPackages"]
    rest = gql(UNKNOWN, {"after": first["pageInfo"]["endCursor"]}, token=tokens.agent)["unknownPackages"]
    nodes = [edge["node"] for edge in first["edges"] + rest["edges"]]
    assert [node["scanned"] for node in nodes] == ["RMA-UNKNOWN3", "RMA-UNKNOWN2", "RMA-UNKNOWN1"]
    assert all(node["scannedBy"].startswith("warehouse:") and node["reason"] for node in nodes)
    assert first["pageInfo"]["hasNextPage"] is True and rest["pageInfo"]["hasNextPage"] is False
    for token in (tokens.warehouse, tokens.customer()):
        assert _codes(gql.errors(UNKNOWN, {}, token=token)) == ["FORBIDDEN"]


BY_NAME = """query($name: String!, $first: Int, $after: String) {
  customersByName(name: $name, first: $first, after: $after) {
    edges { node { name email newestOrderId newestOrder { id } } } pageInfo { hasNextPage endCursor } } }"""


def _named(name: str, **changes: str) -> dict[str, str]:
    from .support import address

    return {**address("US"), "name": name, **changes}


def _by_name(gql, tokens, name: str, **paging) -> list[tuple[str, str, str]]:
    found = gql(BY_NAME, {"name": name, **paging}, token=tokens.agent)["customersByName"]
    return [(e["node"]["name"], e["node"]["email"], e["node"]["newestOrder"]["id"]) for e in found["edges"]]


def test_agents_find_customers_by_name_through_the_whole_stack(flow, gql, tokens):
    order = order_input(line(), email="zb@example.com", shipping=_named("Zoë Brønstad-Quill"),
                        billing=_named("Zed Quill"))
    flow.record(order)
    for typed in ("zoe", "BRONSTAD", "zoe b", "zoë  brønstad quill"):
        assert _by_name(gql, tokens, typed) == [("Zoë Brønstad-Quill", "zb@example.com", order["id"])], typed
    assert [n for n, _, _ in _by_name(gql, tokens, "quill")] == ["Zed Quill", "Zoë Brønstad-Quill"]
    # the feed corrects the shipping name: the old one is found no more
    flow.record({**order, "shippingAddress": _named("Zoë Quill"), "billingAddress": _named("Zoë Quill")})
    assert _by_name(gql, tokens, "bronstad") == [] and _by_name(gql, tokens, "zed") == []
    assert _by_name(gql, tokens, "quill") == [("Zoë Quill", "zb@example.com", order["id"])]
    # a name that reads like an RMA is a name like any other
    flow.record(order_input(line(), email="rma@example.com", shipping=_named("RMA-7K2QX Holdings")))
    assert [e for _, e, _ in _by_name(gql, tokens, "rma-7k2q")] == ["rma@example.com"]
    assert _codes(gql.errors(BY_NAME, {"name": " z "}, token=tokens.agent)) == ["BAD_USER_INPUT"]
    assert _codes(gql.errors(BY_NAME, {"name": "zoe"}, token=tokens.warehouse)) == ["FORBIDDEN"]


def test_many_customers_sharing_a_name_come_in_pages_through_the_stack(flow, gql, tokens):
    emails = [f"xq{i}@example.com" for i in range(3)]
    for email in emails:
        flow.record(order_input(line(), email=email, shipping=_named("Xavier Quorndon")))
    first = gql(BY_NAME, {"name": "quorndon", "first": 2}, token=tokens.agent)["customersByName"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = _by_name(gql, tokens, "quorndon", first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["email"] for e in first["edges"]] + [e for _, e, _ in rest] == emails
    cursor = first["pageInfo"]["endCursor"]
    other = gql.errors(BY_NAME, {"name": "xavier", "after": cursor}, token=tokens.agent)
    assert _codes(other) == ["BAD_USER_INPUT"]


def test_each_order_says_how_it_may_be_sent_back_as_the_policy_decides(flow, gql, tokens):
    """LABEL-US through the API: the pages read it, nothing hard-codes the label's countries."""
    methods = "query($id: ID!) { order(id: $id) { returnMethods } returnPolicy { prepaidLabelCountries } }"
    for country, expected in (("US", ["PREPAID_LABEL", "SELF_SHIP"]), ("CA", ["SELF_SHIP"])):
        order = flow.record(order_input(line(), country=country))
        answer = gql(methods, {"id": order["id"]}, token=tokens.customer("jane.doe@example.com"))
        assert answer["order"]["returnMethods"] == expected
        countries = sorted(load_policy().methods.label_countries)
        assert answer["returnPolicy"]["prepaidLabelCountries"] == countries
