"""Authentication: one module decides who is calling; a bad credential is never ignored."""

from __future__ import annotations

import time

import jwt
import pytest

from returns_api import auth
from returns_api.settings import Settings

from .support import ALICE, Api, error_codes, token
from .support import auth as bearer

POLICY_QUERY = "{ returnPolicy { version } }"
ORDER_QUERY = '{ order(id: "O1") { id } }'


def test_anonymous_may_read_the_policy():
    assert "errors" not in Api().gql(POLICY_QUERY)


def test_anonymous_may_not_read_anything_else():
    result = Api().gql(ORDER_QUERY)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["data"] == {"order": None}


@pytest.mark.parametrize(
    "headers",
    [
        bearer(expires_in=-3600),  # expired
        bearer(secret="another-secret-of-at-least-thirty-two-bytes"),  # badly signed
        bearer(email=None),  # a customer without email
        {"authorization": "Basic dXNlcjpwYXNz"},  # not a bearer token
        {"authorization": "Bearer "},  # empty
        {"authorization": "Bearer not.a.jwt"},
    ],
    ids=["expired", "bad-signature", "customer-without-email", "basic", "empty", "garbage"],
)
@pytest.mark.parametrize("query", [POLICY_QUERY, ORDER_QUERY], ids=["public", "protected"])
def test_invalid_credentials_are_refused_even_on_the_public_policy(headers, query):
    result = Api().gql(query, headers=headers)
    assert error_codes(result) == ["UNAUTHENTICATED"]


def test_a_token_without_exp_is_refused():
    unexpiring = jwt.encode({"sub": "u", "email": ALICE}, "test-secret-of-at-least-thirty-two-bytes", "HS256")
    result = Api().gql(POLICY_QUERY, headers={"authorization": f"Bearer {unexpiring}"})
    assert error_codes(result) == ["UNAUTHENTICATED"]


def test_none_algorithm_is_refused():
    forged = jwt.encode(
        {"sub": "u", "email": ALICE, "exp": int(time.time()) + 60, "cognito:groups": ["agent"]},
        None,
        algorithm="none",
    )
    assert error_codes(Api().gql(POLICY_QUERY, headers={"authorization": f"Bearer {forged}"})) == [
        "UNAUTHENTICATED"
    ]


def test_staff_need_no_email_and_unknown_groups_mean_customer():
    settings = Settings(local_jwt_secret="test-secret-of-at-least-thirty-two-bytes")
    agent = auth.caller_from_token(token("agent", email=None), settings)
    assert agent.role == "agent"
    customer = auth.caller_from_token(token("admin", email=ALICE), settings)
    assert customer.role == "customer" and customer.email == ALICE


def test_settings_refuse_local_tokens_in_production():
    with pytest.raises(ValueError, match="cognito"):
        Settings.from_env({"STAGE": "prod", "AUTH_MODE": "local"})
    prod = Settings.from_env({"STAGE": "prod", "AUTH_MODE": "cognito", "COGNITO_REGION": "eu-west-1",
                              "CUSTOMER_USER_POOL_ID": "eu-west-1_C", "CUSTOMER_APP_CLIENT_ID": "web",
                              "STAFF_USER_POOL_ID": "eu-west-1_S", "STAFF_APP_CLIENT_ID": "console"})
    assert prod.developer_tools is False
    assert Settings.from_env({}).developer_tools is True
    assert Settings.from_env({"GRAPHQL_IDE": "false"}).developer_tools is False
