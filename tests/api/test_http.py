"""The HTTP surface: malformed bodies are 4xx, never 5xx; /health; unknown paths."""

from __future__ import annotations

import pytest

from .support import Api, request

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", JSON),
        (b"", JSON),
        (b'"a string"', JSON),
        (b"42", JSON),
        (b"null", JSON),
        (b"\xff\xfe\x00", JSON),
        (b'{"query": 42}', JSON),
        (b'{"query": "{ returnPolicy { version } }", "variables": []}', JSON),
        (b'{"query": "{ returnPolicy { version } }", "operationName": 7}', JSON),
        (b'{"variables": {}}', JSON),
        (b"query { returnPolicy { version } }", {"content-type": "text/plain"}),
        (b"{}", {}),
    ],
)
def test_malformed_requests_are_client_errors(body, headers):
    response = request(Api().app, "POST", "/graphql", body=body, headers=headers)
    assert 400 <= response.status < 500, (response.status, response.body)


@pytest.mark.parametrize(
    "body",
    [b"[" * 10_000, b'{"query": "{ returnPolicy { version } }", "variables": {"x": ' + b"[" * 10_000 + b"}"],
    ids=["top-level", "in-variables"],
)
def test_deeply_nested_json_is_a_400_and_no_incident(body, capsys):
    response = request(Api().app, "POST", "/graphql", body=body, headers=JSON)
    assert response.status == 400, (response.status, response.body)
    assert "Traceback" not in capsys.readouterr().out  # a client's mistake is not logged as a crash


def test_syntax_error_is_a_graphql_error():
    response = Api().post("{ returnPolicy { ")
    assert response.status == 200 and response.json()["errors"][0]["message"].startswith("Syntax Error")


def test_queries_over_get_and_other_methods_are_refused():
    api = Api()
    assert request(api.app, "GET", "/graphql?query=%7BreturnPolicy%7Bversion%7D%7D").status == 400
    assert request(api.app, "PUT", "/graphql", body=b"{}", headers=JSON).status == 405


def test_health_and_unknown_paths():
    api = Api()
    health = request(api.app, "GET", "/health")
    assert health.status == 200 and health.json() == {"status": "ok"}
    assert request(api.app, "GET", "/nope").status == 404


def test_every_response_names_its_request():
    response = Api().post("{ returnPolicy { version } }")
    assert response.headers["x-request-id"]
