"""Every protection answers a GraphQL error or a 4xx, never a 5xx."""

from __future__ import annotations

import json

import pytest

from .support import Api, auth, error_codes, request

AGENT = auth("agent", email=None)


def _depth(hops: int) -> str:
    """return → (order → returns) × hops → id."""
    body = "id"
    for _ in range(hops):
        body = f"order {{ returns(first: 1) {{ {body} }} }}"  # first: 1 keeps the cost low
    return '{ return(id: "R1") { ' + body + " } }"


def test_depth_over_10_is_refused_before_running():
    api = Api()
    result = api.gql(_depth(5), headers=AGENT)  # 11 fields deep under the root
    assert result["data"] is None
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]
    assert sum(api.reader.calls.values()) == 0


def test_depth_of_exactly_10_is_fine():
    ten_deep = _depth(4).replace("{ id }", "{ order { id } }", 1)  # `id` at depth 10
    result = Api().gql(ten_deep, headers=AGENT)
    assert "errors" not in result


def test_too_many_aliases():
    query = "{ " + " ".join(f"a{i}: returnPolicy {{ version }}" for i in range(16)) + " }"
    result = Api().gql(query)
    assert result["data"] is None and "aliases" in result["errors"][0]["message"]
    assert "errors" not in Api().gql(
        "{ " + " ".join(f"a{i}: returnPolicy {{ version }}" for i in range(15)) + " }"
    )


def test_too_many_tokens():
    query = "{ returnPolicy { " + " ".join(["version"] * 2100) + " } }"
    response = Api().post(query)
    assert response.status == 200
    assert "more than 2000 tokens" in response.json()["errors"][0]["message"]


def test_batching_is_off():
    body = json.dumps([{"query": "{ returnPolicy { version } }"}] * 2).encode()
    response = request(Api().app, "POST", "/graphql", body=body, headers={"content-type": "application/json"})
    assert response.status == 400


def test_body_size_is_bounded_declared_or_streamed():
    api = Api(max_body_bytes=1000)
    big = json.dumps({"query": "{ returnPolicy { version } }", "variables": {"x": "y" * 2000}}).encode()
    declared = request(api.app, "POST", "/graphql", body=big,
                       headers={"content-type": "application/json", "content-length": str(len(big))})
    assert declared.status == 413
    streamed = request(api.app, "POST", "/graphql", chunks=[big[:600], big[600:]],
                       headers={"content-type": "application/json"})
    assert streamed.status == 413
    assert streamed.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_page_size_is_bounded():
    api = Api()
    for first in (0, 101, -1):
        result = api.gql(f"{{ returns(first: {first}) {{ edges {{ cursor }} }} }}", headers=AGENT)
        assert error_codes(result) == ["BAD_USER_INPUT"]
    assert api.reader.calls["list_returns"] == 0
    assert "errors" not in api.gql("{ returns(first: 100) { edges { cursor } } }", headers=AGENT)


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_production_turns_off_introspection_suggestions_and_graphiql():
    prod = Api(stage="prod")
    result = prod.gql(INTROSPECTION)
    assert result["data"] is None and "introspection" in result["errors"][0]["message"].lower()
    typo = prod.gql("{ returnPolicy { versio } }")
    assert "Did you mean" not in typo["errors"][0]["message"]
    page = request(prod.app, "GET", "/graphql", headers={"accept": "text/html"})
    assert page.status == 404


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ returns(status: APPROVE) { edges { cursor } } }", None),  # enum value
        ("{ returns(frist: 2) { edges { cursor } } }", None),  # argument name
        ("query($a: Strin) { returnPolicy { version } }", None),  # type name
        (
            "query($s: ReturnStatus) { returns(status: $s) { edges { cursor } } }",
            {"s": "APPROVE"},
        ),  # variable
        (
            "query($i: ReturnInput!) { returnQuote(input: $i) { quote { total { amount } } } }",
            {"i": {"orderId": "O1", "method": "SELF_SHIP", "lines": [], "orderID": "x"}},
        ),  # input field
    ],
    ids=["enum", "argument", "type", "variable", "input-field"],
)
def test_production_suggests_no_schema_names(query, variables):
    for developer_tools, suggested in ((False, False), (True, True)):
        api = Api(stage="prod") if not developer_tools else Api()
        messages = " ".join(e["message"] for e in api.gql(query, variables, headers=AGENT)["errors"])
        assert ("Did you mean" in messages) is suggested, messages


def test_several_operations_need_an_operation_name():
    api = Api()
    document = "query A { returnPolicy { version } } query B { returnPolicy { returnWindowDays } }"
    refused = api.gql(document)
    assert refused["data"] is None and error_codes(refused) == ["OPERATION_NAME_REQUIRED"]
    body = json.dumps({"query": document, "operationName": "B"}).encode()
    named = request(
        api.app, "POST", "/graphql", body=body, headers={"content-type": "application/json"}
    ).json()
    assert named == {"data": {"returnPolicy": {"returnWindowDays": 30}}}
    assert "errors" not in api.gql("query A { returnPolicy { version } }")  # one unnamed-by-request is fine


def test_ide_flag_alone_turns_them_off():
    assert Api(graphql_ide=False).gql(INTROSPECTION)["data"] is None


def test_local_keeps_developer_tools():
    local = Api()
    assert local.gql(INTROSPECTION)["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "Did you mean" in local.gql("{ returnPolicy { versio } }")["errors"][0]["message"]
    page = request(local.app, "GET", "/graphql", headers={"accept": "text/html"})
    assert page.status == 200 and b"query AgentQueue" in page.body and b"Welcome to GraphiQL" not in page.body


def test_schema_and_rules_are_built_once():
    from returns_api.schema import build_schema

    first, second = Api(), Api()
    assert first.app.view.schema is second.app.view.schema
    assert build_schema(first.settings) is first.app.view.schema


def test_iso_lists_come_from_the_standards_without_non_money_codes():
    from returns_api.iso_codes import country_codes, currency_codes

    assert len(country_codes()) == 250 and {"US", "DE", "XK"} <= country_codes()
    assert "ZZ" not in country_codes()
    assert {"USD", "EUR", "XOF", "JPY"} <= currency_codes() and len(currency_codes()) > 150
    assert not {"XAU", "XTS", "XXX", "CHE", "XDR"} & currency_codes()


def test_input_limits_are_defined_once_in_shared():
    """The gateway reads every input limit from `returns_shared.service.limits` (issue 13, item 4):
    no gateway module defines its own copy, which could drift from what the functions accept."""
    import ast
    from pathlib import Path

    import returns_api
    from returns_shared.service import limits

    shared_names = {name for name in vars(limits) if name.isupper()}
    copies = []
    for module in Path(returns_api.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                copies += [f"{module.name}: {name}" for name in sorted(names & shared_names)]
    assert not copies, f"input limits redefined in the gateway: {copies}"
