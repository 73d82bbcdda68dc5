"""The whole authorization matrix: every operation × anonymous, customer (own / someone else's),
agent, warehouse, integration. Refusals are GraphQL errors and send nothing to the functions;
someone else's object is answered to a customer exactly like a missing one."""

from __future__ import annotations

import pytest

from returns_shared.domain.vocabulary import ReturnStatus

from .support import ALICE, BOB, Api, FakeReader, auth, error_codes, make_order, make_return

RECORD_ORDER = """mutation { recordOrder(input: {
  id: "O9", email: "carol@example.com", placedAt: "2026-11-20T10:00:00Z", currencyCode: "USD",
  paymentReference: "PAY-9",
  shippingAddress: {name: "Carol", line1: "1 Main St", city: "Austin", postalCode: "73301",
                    countryCode: "US"},
  billingAddress: {name: "Carol", line1: "1 Main St", city: "Austin", postalCode: "73301", countryCode: "US"},
  shippingFee: {amount: "5.00", currencyCode: "USD"},
  lines: [{id: "L1", sku: "S1", title: "Dress", category: "DRESS", quantity: 1,
           unitPrice: {amount: "30.00", currencyCode: "USD"}}]
}) { order { id } userErrors { code } } }"""

# operation → (document with {order}/{ret} placeholders, roles allowed by the brief's matrix)
C, A, W, FEED = "customer", "agent", "warehouse", "integration"
OPERATIONS = {
    "returnPolicy": ("{ returnPolicy { version } }", {"anonymous", C, A, W, FEED}),
    "order": ('{ order(id: "{order}") { id } }', {C, A, W, FEED}),
    "returnQuote": (
        '{ returnQuote(input: {orderId: "{order}", method: SELF_SHIP, '
        'lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { quote { policyVersion } userErrors { '
        'code } } }',
        {C, A},
    ),
    "return": ('{ return(id: "{ret}") { id } }', {C, A, W}),
    "returns": ("{ returns { edges { node { id } } } }", {C, A, W}),
    "recordOrder": (RECORD_ORDER, {FEED}),
    "requestReturn": (
        'mutation { requestReturn(input: {orderId: "{order}", method: SELF_SHIP, conditionAttested: true, '
        'idempotencyKey: "k1", lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { userErrors { '
        'code } } }',
        {C, A},
    ),
    "cancelReturn": ('mutation { cancelReturn(id: "{ret}") { userErrors { code } } }', {C, A}),
    "approveReturn": ('mutation { approveReturn(id: "{ret}", note: "ok") { userErrors { code } } }', {A}),
    "declineReturn": ('mutation { declineReturn(id: "{ret}", reason: "no") { userErrors { code } } }', {A}),
    "submitReturnTracking": (
        'mutation { submitReturnTracking(id: "{ret}", carrier: "UPS", trackingNumber: "1Z") { userErrors { '
        'code } } }',
        {C, A},
    ),
    "receiveReturn": ('mutation { receiveReturn(id: "{ret}") { userErrors { code } } }', {W}),
    "inspectReturn": (
        'mutation { inspectReturn(id: "{ret}", lines: [{orderLineId: "L1", condition: NEW_WITH_TAGS}]) '
        "{ userErrors { code } } }",
        {W},
    ),
    "issueRefund": ('mutation { issueRefund(id: "{ret}") { userErrors { code } } }', {A}),
    "retryRefund": ('mutation { retryRefund(id: "{ret}") { userErrors { code } } }', {A}),
    "failedRefunds": ("{ failedRefunds { edges { node { id refund { status } } } } }", {A}),
    "retryLabel": ('mutation { retryLabel(id: "{ret}") { userErrors { code } } }', {A}),
    "failedLabels": ("{ failedLabels { edges { node { id labelFailure { reason } } } } }", {A}),
    "orders": ('{ orders(customerEmail: "{owner}") { edges { node { id } } } }', {C, A}),
    "returnsByTrackingNumber": ('{ returnsByTrackingNumber(trackingNumber: "1Z999") { id } }', {A, W}),
    "unknownPackages": ("{ unknownPackages { edges { node { scanned } } } }", {A}),
    "inspectionPreview": (
        '{ inspectionPreview(id: "{ret}", lines: [{orderLineId: "L1", condition: NEW_WITH_TAGS}]) '
        "{ userErrors { code } } }",
        {W},
    ),
}
# Operations that act on one customer's object (others, e.g. the confined `returns`, do not).
OWNED = {"order", "returnQuote", "return", "requestReturn", "cancelReturn", "submitReturnTracking", "orders"}

CALLERS = {
    "anonymous": {},
    "customer-own": auth(email=ALICE.upper()),  # emails compare case-insensitively
    "customer-other": auth(email=ALICE),
    "agent": auth("agent", email=None),
    "warehouse": auth("warehouse", email=None),
    "integration": auth("integration", email=None),
}


def _api() -> Api:
    mine, theirs = make_order("O1", ALICE), make_order("O2", BOB)
    reader = FakeReader(
        [mine, theirs],
        [make_return("R1", mine, status=ReturnStatus.UNDER_REVIEW),
         make_return("R2", theirs, status=ReturnStatus.UNDER_REVIEW)],
    )
    return Api(reader)


def expected(operation: str, caller: str) -> str | None:
    allowed = OPERATIONS[operation][1]
    if caller == "anonymous":
        return None if "anonymous" in allowed else "UNAUTHENTICATED"
    role = caller.split("-")[0]
    if role not in allowed:
        return "FORBIDDEN"
    if caller == "customer-other" and operation in OWNED:
        return HIDDEN
    return None


HIDDEN = "as if missing"


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_matrix(operation, caller):
    api = _api()
    document = OPERATIONS[operation][0]
    target_order, target_return = ("O1", "R1") if caller == "customer-own" else ("O2", "R2")
    owner = ALICE if caller == "customer-own" else BOB
    document = (
        document.replace("{order}", target_order).replace("{ret}", target_return).replace("{owner}", owner)
    )
    result = api.gql(document, headers=CALLERS[caller])
    want = expected(operation, caller)
    if want == HIDDEN:
        missing = OPERATIONS[operation][0].replace("{order}", "nope").replace("{ret}", "nope")
        assert result == api.gql(missing, headers=CALLERS[caller]), result
        assert api.bus.sent == []
    elif want is None:
        assert "errors" not in result, result
        if document.startswith("mutation"):
            assert [sent.command for sent in api.bus.sent] == [operation]
    else:
        assert error_codes(result) == [want], result
        assert api.bus.sent == []  # nothing reaches a function


def test_customers_list_only_their_own_returns():
    api = _api()
    result = api.gql(
        '{ returns(orderId: "O2") { edges { node { id } } } }', headers=auth(email="Alice@Example.com")
    )
    assert result["data"]["returns"]["edges"] == []
    assert api.reader.list_calls[0]["customer_email"] == ALICE
    staff = api.gql("{ returns { edges { node { id } } } }", headers=auth("agent", email=None))
    assert [e["node"]["id"] for e in staff["data"]["returns"]["edges"]] == ["R1", "R2"]
    assert api.reader.list_calls[1]["customer_email"] is None


def test_unknown_ids_are_null_for_queries_and_not_found_for_mutations():
    api = _api()
    customer = auth(email=ALICE)
    assert api.gql('{ order(id: "nope") { id } }', headers=customer)["data"] == {"order": None}
    assert api.gql('{ return(id: "nope") { id } }', headers=customer)["data"] == {"return": None}
    result = api.gql('mutation { cancelReturn(id: "nope") { return { id } userErrors { field code } } }',
                     headers=customer)
    assert result["data"]["cancelReturn"] == {
        "return": None,
        "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}],
    }
    assert api.bus.sent == []


def test_the_order_feed_cannot_read_returns_through_an_order():
    api = _api()
    result = api.gql('{ order(id: "O1") { id returns { id } } }', headers=auth("integration", email=None))
    assert error_codes(result) == ["FORBIDDEN"]


def test_the_caller_is_passed_to_the_function():
    api = _api()
    api.gql('mutation { cancelReturn(id: "R1") { userErrors { code } } }', headers=auth(email=ALICE))
    (sent,) = api.bus.sent
    assert (sent.function, sent.payload) == ("request", {"id": "R1"})
    assert sent.caller.email == ALICE and sent.caller.role == "customer"
