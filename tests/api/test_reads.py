"""Reads: batching through per-request DataLoaders, the quote, and Relay pagination."""

from __future__ import annotations

from .support import ALICE, BOB, Api, FakeReader, auth, error_codes, make_order, make_return

AGENT = auth("agent", email=None)


def _many(orders: int = 5, per_order: int = 2) -> FakeReader:
    order_list = [make_order(f"O{i}", ALICE if i % 2 else BOB, lines=per_order) for i in range(orders)]
    returns = [
        make_return(f"R{i}-{j}", order) for i, order in enumerate(order_list) for j in range(per_order)
    ]
    return FakeReader(order_list, returns)


def test_a_list_of_returns_reads_orders_in_one_batch():
    api = Api(_many())
    result = api.gql(
        "{ returns(first: 50) { edges { node { id order { id returnability { eligible } returns { id } } } "
        "} } }",
        headers=AGENT,
    )
    assert "errors" not in result
    assert len(result["data"]["returns"]["edges"]) == 10
    assert api.reader.calls["list_returns"] == 1
    assert api.reader.calls["get_orders"] == 1  # 10 returns, 5 orders: one batched read
    assert api.reader.calls["get_order"] == 0
    assert api.reader.calls["returns_of_orders"] == 1  # every order's returns in one batched read
    assert api.reader.calls["returns_of_order"] == 0


def test_loaders_are_per_request_and_batch_aliases():
    api = Api(_many())
    query = '{ a: return(id: "R0-0") { id } b: return(id: "R1-0") { id } c: return(id: "R0-0") { id } }'
    api.gql(query, headers=AGENT)
    assert api.reader.calls["get_returns"] == 1
    api.gql(query, headers=AGENT)
    assert api.reader.calls["get_returns"] == 2  # nothing cached across requests


def test_quote_for_a_customer():
    order = make_order("O1", ALICE)
    api = Api(FakeReader([order]))
    result = api.gql(
        '{ returnQuote(input: {orderId: "O1", method: PREPAID_LABEL, lines: [{orderLineId: "L1", quantity: '
        '1, '
        "reason: SIZE_TOO_SMALL}]}) { quote { total { amount currencyCode } labelFee { amount } "
        "methodsAvailable appliedClauses { id text } policyVersion lines { eligible reasons { code } } } "
        "userErrors { code } } }",
        headers=auth(email=ALICE),
    )
    quote = result["data"]["returnQuote"]["quote"]
    assert quote["total"] == {"amount": "30.00", "currencyCode": "USD"}
    assert quote["methodsAvailable"] == ["PREPAID_LABEL", "SELF_SHIP"]
    assert "FEE-US-FIRST" in [clause["id"] for clause in quote["appliedClauses"]]
    assert all(clause["text"] for clause in quote["appliedClauses"])


def test_quote_refusals_are_user_errors_under_input():
    order = make_order("O1", ALICE)
    api = Api(FakeReader([order]))
    base = ('{ returnQuote(input: {orderId: "%s", method: SELF_SHIP, lines: [%s]}) '
            "{ quote { total { amount } } userErrors { field code } } }")
    line = '{orderLineId: "%s", quantity: %d, reason: STYLE}'
    cases = {
        ("O1", line % ("L9", 1)): "NOT_FOUND",
        ("O1", ", ".join([line % ("L1", 1)] * 2)): "INVALID_INPUT",
        ("O1", line % ("L1", 0)): "INVALID_INPUT",
        ("O404", line % ("L1", 1)): "NOT_FOUND",
    }
    for (order_id, lines), code in cases.items():
        payload = api.gql(base % (order_id, lines), headers=auth(email=ALICE))["data"]["returnQuote"]
        assert payload["quote"] is None
        (error,) = payload["userErrors"]
        assert error["code"] == code and error["field"][0] == "input", (lines, payload)


def test_relay_pagination_walks_every_return_once():
    api = Api(_many(orders=5, per_order=2))
    seen: list[str] = []
    after = None
    for _ in range(10):
        args = "first: 3" + (f', after: "{after}"' if after else "")
        page = api.gql(
            f"{{ returns({args}) {{ edges {{ cursor node {{ id }} }} "
            "pageInfo { hasNextPage endCursor } } }",
            headers=AGENT,
        )["data"]["returns"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(api.reader.returns)


def test_resuming_after_a_middle_edge():
    api = Api(_many(orders=2, per_order=2))
    first = api.gql("{ returns(first: 3) { edges { cursor node { id } } } }", headers=AGENT)["data"][
        "returns"
    ]
    middle = first["edges"][0]["cursor"]
    rest = api.gql(
        f'{{ returns(first: 2, after: "{middle}") {{ edges {{ node {{ id }} }} }} }}', headers=AGENT
    )
    assert [e["node"]["id"] for e in rest["data"]["returns"]["edges"]] == ["R0-1", "R1-0"]


def test_forged_cursors_are_bad_user_input():
    api = Api(_many())
    for cursor in ("", "garbage", "rc1.bm90LWpzb24", "rc1.WyJwMyIsIDk5OV0"):
        result = api.gql(f'{{ returns(after: "{cursor}") {{ edges {{ cursor }} }} }}', headers=AGENT)
        assert error_codes(result) == ["BAD_USER_INPUT"], cursor


def test_the_policy_names_the_reasons_a_warehouse_confirms_or_refutes():
    from returns_shared.policy.document import load_policy

    answer = Api().gql("{ returnPolicy { merchantResponsibilityReasons } }")  # public, like the policy
    reasons = answer["data"]["returnPolicy"]["merchantResponsibilityReasons"]
    assert reasons == sorted(reason.value for reason in load_policy().reasons.merchant_responsibility)
    assert set(reasons) == {"DEFECTIVE", "NOT_AS_DESCRIBED", "WRONG_ITEM"}  # the merchant's "quality issues"


def test_the_policy_names_customer_services_address():
    from returns_shared.policy.document import load_policy

    answer = Api().gql("{ returnPolicy { contactEmail } }")  # public: the portal shows it to customers
    assert answer["data"]["returnPolicy"]["contactEmail"] == load_policy().merchant.contact_email
    assert answer["data"]["returnPolicy"]["contactEmail"] == "cs@allegra-k.com"  # the merchant's text
