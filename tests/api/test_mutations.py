"""userErrors: edge validation (INVALID_INPUT with paths, nothing sent), function answers passed
through, FORBIDDEN/UNAUTHENTICATED answers as GraphQL errors, read-back after success."""

from __future__ import annotations

import copy

import pytest

from returns_shared.domain.vocabulary import ReturnStatus

from .support import ALICE, Api, FakeBus, FakeReader, auth, error_codes, make_order, make_return

INTEGRATION = auth("integration", email=None)
RECORD = """mutation($input: RecordOrderInput!) { recordOrder(input: $input) {
  order { id email lines { id unitPrice { amount } } } userErrors { field message code } } }"""
ADDRESS = {
    "name": "Carol",
    "line1": "1 Main St",
    "city": "Austin",
    "postalCode": "73301",
    "countryCode": "US",
}
ORDER_INPUT = {
    "id": "O1", "email": ALICE, "placedAt": "2026-11-20T10:00:00Z", "currencyCode": "USD",
    "paymentReference": "PAY-1", "shippingAddress": dict(ADDRESS), "billingAddress": dict(ADDRESS),
    "shippingFee": {"amount": "5.00", "currencyCode": "USD"},
    "lines": [{"id": "L1", "sku": "S1", "title": "Dress", "category": "DRESS", "quantity": 1,
               "unitPrice": {"amount": "30.00", "currencyCode": "USD"}}],
}


def _with(path: list, value) -> dict:
    data = copy.deepcopy(ORDER_INPUT)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["shippingAddress", "countryCode"], "XX", ["input", "shippingAddress", "countryCode"]),
        (["billingAddress", "countryCode"], "us", ["input", "billingAddress", "countryCode"]),
        (["currencyCode"], "DOLLARS", ["input", "currencyCode"]),
        (
            ["lines", 0, "unitPrice", "currencyCode"],
            "XYZ",
            ["input", "lines", "0", "unitPrice", "currencyCode"],
        ),
        (["email"], "   ", ["input", "email"]),
        (["email"], "a@" + "b" * 330 + ".com", ["input", "email"]),
        (["shippingAddress", "name"], "x" * 501, ["input", "shippingAddress", "name"]),
        (["paymentReference"], "   ", ["input", "paymentReference"]),
        (["lines"], [ORDER_INPUT["lines"][0]] * 51, ["input", "lines"]),
        (["lines"], [], ["input", "lines"]),
        # control characters, NUL and bidi overrides are refused, not stored as they came
        (["shippingAddress", "name"], "Carol\x00", ["input", "shippingAddress", "name"]),
        (["shippingAddress", "line1"], "1 Main St\nApt 2", ["input", "shippingAddress", "line1"]),
        (["lines", 0, "title"], "Dress \u202egnp.exe", ["input", "lines", "0", "title"]),
        (["email"], "carol\u2066@example.com", ["input", "email"]),
        # ids become DynamoDB keys: counted in bytes
        (["id"], "\U0001f600" * 100, ["input", "id"]),
        (["lines", 0, "id"], "L\x07", ["input", "lines", "0", "id"]),
        # the customer's locale: a BCP 47 tag (emails fall back from a language we lack, not from garbage)
        (["locale"], "ja_JP", ["input", "locale"]),
        (["locale"], "français", ["input", "locale"]),
        (["locale"], "en-" + "a" * 40, ["input", "locale"]),
    ],
)
def test_edge_validation_answers_invalid_input_and_sends_nothing(path, value, field):
    api = Api()
    result = api.gql(RECORD, {"input": _with(path, value)}, headers=INTEGRATION)
    payload = result["data"]["recordOrder"]
    assert payload["order"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "INVALID_INPUT")]
    assert api.bus.sent == []


@pytest.mark.parametrize(
    ("document", "variables", "field", "accepted"),
    [
        ("mutation($r: String!) { declineReturn(id: \"R1\", reason: $r) { userErrors { field code } } }",
         {"r": "Worn.\nTags missing.\tSee photos."}, ["reason"], True),
        ("mutation($r: String!) { declineReturn(id: \"R1\", reason: $r) { userErrors { field code } } }",
         {"r": "Worn\u202e"}, ["reason"], False),
        # notes and reasons may be as long as the functions take them (MAX_LONG_TEXT), not one line's limit
        ("mutation($n: String) { approveReturn(id: \"R1\", note: $n) { userErrors { field code } } }",
         {"n": "Checked with the customer by email.\n" + "x" * 1964}, ["note"], True),
        ("mutation($n: String) { approveReturn(id: \"R1\", note: $n) { userErrors { field code } } }",
         {"n": "x" * 2001}, ["note"], False),
        ("mutation($n: String) { approveReturn(id: \"R1\", note: $n) { userErrors { field code } } }",
         {"n": "ok\x00"}, ["note"], False),
        ("mutation($c: String!) { submitReturnTracking(id: \"R1\", carrier: $c, trackingNumber: \"9400111\") "
         "{ userErrors { field code } } }", {"c": "USPS\r\n"}, ["carrier"], False),
        ("mutation($id: ID!) { receiveReturn(id: $id) { userErrors { field code } } }",
         {"id": "\U0001f600" * 500}, ["id"], False),
        ("mutation($id: ID!) { receiveReturn(id: $id) { userErrors { field code } } }",
         {"id": "RMA-\ud800"}, ["id"], False),
    ],
    ids=["multi-line reason", "bidi in reason", "2000-character note", "2001-character note", "NUL in note",
         "CRLF in carrier", "500 emoji id", "lone surrogate id"],
)
def test_free_text_and_ids_on_existing_returns(document, variables, field, accepted):
    api = Api(FakeReader([make_order("O1", ALICE)], [make_return("R1", make_order("O1", ALICE))]))
    staff = auth("warehouse" if "receiveReturn" in document else "agent", email=None)
    payload = next(iter(api.gql(document, variables, headers=staff)["data"].values()))
    if accepted:
        assert payload["userErrors"] == [] and len(api.bus.sent) == 1
    else:
        assert payload["userErrors"] == [{"field": field, "code": "INVALID_INPUT"}] and api.bus.sent == []


@pytest.mark.parametrize("bad_id", ["\U0001f600" * 600, "\udc00", "RMA-\ud800"], ids=["too long", "surrogate",
                                                                                  "trailing surrogate"])
def test_an_id_that_cannot_be_a_key_is_simply_unknown_to_queries(bad_id):
    api = Api()
    for query in ("query($id: ID!) { order(id: $id) { id } }", "query($id: ID!) { return(id: $id) { id } }"):
        assert api.gql(query, {"id": bad_id}, headers=auth("agent", email=None))["data"] in (
            {"order": None}, {"return": None})
    assert sum(api.reader.calls.values()) == 0


def test_record_order_sends_camel_case_json_and_reads_the_order_back():
    order = make_order("O1", ALICE)
    api = Api(
        FakeReader([order]), FakeBus(answer=lambda s: {"returnId": None, "orderId": "O1", "userErrors": []})
    )
    result = api.gql(RECORD, {"input": ORDER_INPUT}, headers=INTEGRATION)
    assert result["data"]["recordOrder"]["order"]["id"] == "O1"
    (sent,) = api.bus.sent
    assert (sent.function, sent.command) == ("request", "recordOrder")
    assert sent.payload["shippingAddress"]["postalCode"] == "73301"
    assert sent.payload["lines"][0]["unitPrice"] == {"amount": "30.00", "currencyCode": "USD"}
    assert sent.payload["placedAt"] == "2026-11-20T10:00:00+00:00"
    assert sent.payload["locale"] is None  # optional
    api.gql(RECORD, {"input": {**ORDER_INPUT, "locale": "fr-CA"}}, headers=INTEGRATION)
    assert api.bus.sent[-1].payload["locale"] == "fr-CA"


def test_function_user_errors_pass_through():
    answer = {
        "returnId": None,
        "orderId": None,
        "userErrors": [{"field": ["lines", "0", "quantity"], "message": "too many", "code": "INELIGIBLE"}],
    }
    order = make_order("O1", ALICE)
    api = Api(FakeReader([order]), FakeBus(answer=lambda s: answer))
    result = api.gql(
        'mutation { requestReturn(input: {orderId: "O1", method: SELF_SHIP, conditionAttested: true, '
        'idempotencyKey: "k", lines: [{orderLineId: "L1", quantity: 9, reason: STYLE}]}) '
        "{ return { id } userErrors { field message code } } }",
        headers=auth(email=ALICE),
    )
    assert result["data"]["requestReturn"] == {"return": None, "userErrors": answer["userErrors"]}


@pytest.mark.parametrize("code", ["FORBIDDEN", "UNAUTHENTICATED"])
def test_forbidden_answers_become_graphql_errors(code):
    bus = FakeBus(answer=lambda s: {"returnId": None, "orderId": None,
                                    "userErrors": [{"field": None, "message": "no", "code": code}]})
    result = Api(bus=bus).gql('mutation { issueRefund(id: "R1") { userErrors { code } } }',
                              headers=auth("agent", email=None))
    assert error_codes(result) == [code]


def test_success_reads_the_return_back_fresh():
    order = make_order("O1", ALICE)
    before = make_return("R1", order, status=ReturnStatus.UNDER_REVIEW)
    reader = FakeReader([order], [before])
    after = make_return("R1", order, status=ReturnStatus.APPROVED)

    def approve(sent):
        reader.returns["R1"] = after  # the function changed it
        return {"returnId": "R1", "orderId": "O1", "userErrors": []}

    api = Api(reader, FakeBus(answer=approve))
    result = api.gql(
        'mutation { approveReturn(id: "R1", note: "fine") { return { id status } userErrors { code } } }',
        headers=auth("agent", email=None),
    )
    assert result["data"]["approveReturn"] == {"return": {"id": "R1", "status": "APPROVED"}, "userErrors": []}
    assert api.bus.sent[0].function == "screening"
    assert api.bus.sent[0].payload == {"id": "R1", "note": "fine"}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ('mutation { declineReturn(id: "R1", reason: " ") { userErrors { field code } } }', ["reason"]),
        ('mutation { cancelReturn(id: "") { userErrors { field code } } }', ["id"]),
        ('mutation { submitReturnTracking(id: "R1", carrier: "UPS", trackingNumber: "%s") '
         "{ userErrors { field code } } }" % ("9" * 501), ["trackingNumber"]),
        ('mutation { requestReturn(input: {orderId: "O1", method: SELF_SHIP, conditionAttested: true, '
         'idempotencyKey: "%s", lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) '
         "{ userErrors { field code } } }" % ("k" * 129), ["input", "idempotencyKey"]),
    ],
)
def test_argument_validation(document, field):
    api = Api(FakeReader([make_order("O1", ALICE)], [make_return("R1", make_order("O1", ALICE))]))
    result = api.gql(document, headers=auth("agent", email=None))
    (payload,) = result["data"].values()
    assert payload["userErrors"] == [{"field": field, "code": "INVALID_INPUT"}]
    assert api.bus.sent == []


def test_routing_of_every_command():
    order = make_order("O1", ALICE)
    api = Api(FakeReader([order], [make_return("R1", order)]))
    agent, warehouse = auth("agent", email=None), auth("warehouse", email=None)
    api.gql('mutation { cancelReturn(id: "R1") { userErrors { code } } }', headers=agent)
    api.gql('mutation { declineReturn(id: "R1", reason: "fraud") { userErrors { code } } }', headers=agent)
    api.gql(
        'mutation { submitReturnTracking(id: "R1", carrier: "UPS", trackingNumber: "1Z") { userErrors { '
        'code } } }',
        headers=agent,
    )
    api.gql('mutation { receiveReturn(id: "R1") { userErrors { code } } }', headers=warehouse)
    api.gql(
        'mutation { inspectReturn(id: "R1", lines: [{orderLineId: "L1", condition: WORN, defectConfirmed: '
        'false}]) '
        "{ userErrors { code } } }",
        headers=warehouse,
    )
    api.gql('mutation { issueRefund(id: "R1") { userErrors { code } } }', headers=agent)
    assert [(s.function, s.command, s.payload) for s in api.bus.sent] == [
        ("request", "cancelReturn", {"id": "R1"}),
        ("screening", "declineReturn", {"id": "R1", "reason": "fraud"}),
        ("request", "submitReturnTracking", {"id": "R1", "carrier": "UPS", "trackingNumber": "1Z"}),
        ("refund", "receiveReturn", {"id": "R1", "receivedAt": None}),
        ("refund", "inspectReturn",
         {"id": "R1", "lines": [{"orderLineId": "L1", "condition": "WORN", "defectConfirmed": False,
                                 "note": None, "photoIds": []}]}),
        ("refund", "issueRefund", {"id": "R1"}),
    ]
