"""Authentication: one module decides who is calling; a bad credential is never ignored."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

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


# -- cognito mode: RS256 against the pool's keys, issuer and audience checked -------------------
REGION, POOL, CLIENT = "eu-west-1", "eu-west-1_TEST", "client-123"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class _Key:
    key = PRIVATE_KEY.public_key()


class _FakeJwkClient:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def get_signing_key_from_jwt(self, token: str) -> _Key:
        return _Key()


@pytest.fixture
def cognito(monkeypatch):
    client = _FakeJwkClient()
    seen: list[str] = []

    def fake_jwk_client(url: str) -> _FakeJwkClient:
        seen.append(url)
        return client

    monkeypatch.setattr(auth, "jwk_client", fake_jwk_client)
    settings = Settings(auth_mode="cognito", cognito_region=REGION, cognito_user_pool_id=POOL,
                        cognito_app_client_id=CLIENT)
    return settings, seen


def cognito_token(**overrides) -> str:
    now = int(time.time())
    claims = {"sub": "s1", "iss": ISSUER, "aud": CLIENT, "token_use": "id", "iat": now, "exp": now + 600,
              "email": ALICE, "email_verified": True, **overrides}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, PRIVATE_KEY, algorithm="RS256")


def test_cognito_id_token_is_accepted(cognito):
    settings, seen = cognito
    caller = auth.caller_from_token(cognito_token(), settings)
    assert caller.email == ALICE and caller.role == "customer"
    assert seen == [f"{ISSUER}/.well-known/jwks.json"]


def test_cognito_access_token_checks_client_id(cognito):
    settings, _ = cognito
    staff = cognito_token(
        token_use="access", aud=None, client_id=CLIENT, email=None, **{"cognito:groups": ["agent"]}
    )
    assert auth.caller_from_token(staff, settings).role == "agent"
    with pytest.raises(auth.InvalidCredential):
        auth.caller_from_token(cognito_token(token_use="access", aud=None, client_id="other"), settings)


@pytest.mark.parametrize(
    "overrides",
    [{"iss": "https://evil.example"}, {"aud": "other-client"}, {"token_use": None},
     {"email_verified": False}, {"exp": int(time.time()) - 600}],
    ids=["issuer", "audience", "token-use", "unverified-email", "expired"],
)
def test_cognito_refusals(cognito, overrides):
    settings, _ = cognito
    with pytest.raises(auth.InvalidCredential):
        auth.caller_from_token(cognito_token(**overrides), settings)


def test_cognito_refuses_hs256_tokens(cognito):
    settings, _ = cognito
    with pytest.raises(auth.InvalidCredential):
        auth.caller_from_token(token(), settings)


def test_settings_refuse_local_tokens_in_production():
    with pytest.raises(ValueError, match="cognito"):
        Settings.from_env({"STAGE": "prod", "AUTH_MODE": "local"})
    prod = Settings.from_env({"STAGE": "prod", "AUTH_MODE": "cognito", "COGNITO_REGION": REGION,
                              "COGNITO_USER_POOL_ID": POOL, "COGNITO_APP_CLIENT_ID": CLIENT})
    assert prod.developer_tools is False
    assert Settings.from_env({}).developer_tools is True
    assert Settings.from_env({"GRAPHQL_IDE": "false"}).developer_tools is False
