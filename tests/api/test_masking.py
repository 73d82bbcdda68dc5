"""Unexpected failures are masked with a reference and logged with their stack; typed errors pass."""

from __future__ import annotations

import logging

from .support import ALICE, Api, FakeBus, FakeReader, auth, error_codes, make_order


def test_an_unexpected_error_is_masked_with_a_reference(caplog):
    reader = FakeReader()
    reader.fail_with = RuntimeError("dynamodb exploded: secret table name")
    api = Api(reader)
    with caplog.at_level(logging.ERROR):
        response = api.post('{ order(id: "O1") { id } }', headers=auth("agent", email=None))
    assert response.status == 200
    (error,) = response.json()["errors"]
    request_id = response.headers["x-request-id"]
    assert error["message"] == f"Unexpected error. Reference: {request_id}"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret" not in response.body.decode()
    logged = "\n".join(record.getMessage() + str(record.exc_info) for record in caplog.records)
    assert "dynamodb exploded" in logged and request_id in str([r.__dict__ for r in caplog.records])


def test_a_malformed_function_answer_is_masked():
    order = make_order("O1", ALICE)
    api = Api(FakeReader([order]), FakeBus(answer=lambda sent: ["not", "an", "answer"]))
    result = api.gql(
        'mutation { requestReturn(input: {orderId: "O1", method: SELF_SHIP, conditionAttested: true, '
        'idempotencyKey: "k", lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { userErrors { '
        'code } } }',
        headers=auth(email=ALICE),
    )
    assert error_codes(result) == ["INTERNAL_SERVER_ERROR"]


def test_typed_and_validation_errors_pass_unmasked():
    api = Api()
    assert error_codes(api.gql('{ order(id: "O1") { id } }')) == ["UNAUTHENTICATED"]
    invalid = api.gql("{ returnPolicy { nope } }")
    assert "Cannot query field 'nope'" in invalid["errors"][0]["message"]
