"""Cognito mode: two trusted pools. Roles come only from the staff pool (MFA on); a customer-pool token
is a customer whatever groups it carries; the order feed is the staff pool's client-credentials client;
any other issuer is refused before a key is fetched."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from returns_api import auth
from returns_api.issuers import ORDER_FEED_SCOPE, trusted_issuers
from returns_api.settings import Settings

from .support import ALICE, Api, error_codes, token

REGION = "eu-west-1"
CUSTOMER_POOL, CUSTOMER_CLIENT = "eu-west-1_Customers", "portal-client"
STAFF_POOL, STAFF_CLIENT, FEED_CLIENT = "eu-west-1_Staff", "console-client", "order-feed-client"
CUSTOMERS = f"https://cognito-idp.{REGION}.amazonaws.com/{CUSTOMER_POOL}"
STAFF = f"https://cognito-idp.{REGION}.amazonaws.com/{STAFF_POOL}"
# every pool signs with its own keys (as Cognito does)
KEYS = {url: rsa.generate_private_key(public_exponent=65537, key_size=2048) for url in (CUSTOMERS, STAFF)}
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SETTINGS = dict(auth_mode="cognito", cognito_region=REGION,
                customer_user_pool_id=CUSTOMER_POOL, customer_app_client_id=CUSTOMER_CLIENT,
                staff_user_pool_id=STAFF_POOL, staff_app_client_id=STAFF_CLIENT,
                order_feed_client_id=FEED_CLIENT)
UNKNOWN_PACKAGES = "{ unknownPackages(first: 5) { edges { node { scanned } } } }"  # agents only


class _Jwks:
    """Stands in for PyJWKClient: the public key of the pool whose JWKS URL it was made for."""

    def __init__(self, url: str) -> None:
        self.pool = url.removesuffix("/.well-known/jwks.json")

    def get_signing_key_from_jwt(self, _token: str) -> Any:
        if self.pool not in KEYS:
            raise jwt.PyJWKClientError("no such key set")
        return type("Key", (), {"key": KEYS[self.pool].public_key()})()


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    urls: list[str] = []

    def jwk_client(url: str) -> _Jwks:
        urls.append(url)
        return _Jwks(url)

    monkeypatch.setattr(auth, "jwk_client", jwk_client)
    return urls


@pytest.fixture
def settings(fetched) -> Settings:
    return Settings(**SETTINGS)


def signed(issuer: Any, *, key: Any = None, **overrides: Any) -> str:
    now = int(time.time())
    client = STAFF_CLIENT if issuer == STAFF else CUSTOMER_CLIENT
    claims = {"sub": "s1", "iss": issuer, "aud": client, "token_use": "id", "iat": now, "exp": now + 600,
              "email": ALICE, "email_verified": True, **overrides}
    body = {name: value for name, value in claims.items() if value is not None}
    key = key or (KEYS.get(issuer, OTHER_KEY) if isinstance(issuer, str) else OTHER_KEY)
    # signed as bytes: PyJWT's encode would refuse some of the malformed claims tested here
    return jwt.api_jws.encode(json.dumps(body).encode(), key, algorithm="RS256")


def feed_token(**overrides: Any) -> str:
    """What Cognito issues for client_credentials: an access token whose subject is the client."""
    claims = {"sub": FEED_CLIENT, "client_id": FEED_CLIENT, "token_use": "access", "aud": None,
              "email": None, "email_verified": None, "scope": ORDER_FEED_SCOPE, **overrides}
    return signed(STAFF, **claims)


def test_a_customer_pool_token_is_a_customer_and_its_keys_come_from_that_pool(settings, fetched):
    caller = auth.caller_from_token(signed(CUSTOMERS), settings)
    assert (caller.role, caller.email) == ("customer", ALICE)
    assert fetched == [f"{CUSTOMERS}/.well-known/jwks.json"]


@pytest.mark.parametrize("groups", [["agent"], ["warehouse"], ["agent", "warehouse", "integration"]])
def test_groups_on_a_customer_pool_token_grant_nothing(settings, groups):
    caller = auth.caller_from_token(signed(CUSTOMERS, **{"cognito:groups": groups}), settings)
    assert caller.role == "customer" and caller.groups == frozenset()


@pytest.mark.parametrize("group", ["agent", "warehouse"])
def test_staff_roles_come_from_the_staff_pool(settings, fetched, group):
    caller = auth.caller_from_token(signed(STAFF, email=None, **{"cognito:groups": [group]}), settings)
    assert caller.role == group
    assert fetched == [f"{STAFF}/.well-known/jwks.json"]


def test_a_staff_access_token_of_the_console_client_carries_its_groups(settings):
    access = signed(STAFF, token_use="access", aud=None, client_id=STAFF_CLIENT, email=None,
                    **{"cognito:groups": ["agent"]})
    assert auth.caller_from_token(access, settings).role == "agent"


@pytest.mark.parametrize("groups", [None, [], ["admin"], ["integration"]],
                         ids=["no-claim", "empty", "unknown-group", "integration-is-the-feed-client"])
def test_a_staff_pool_token_without_a_staff_group_is_never_a_customer(settings, groups):
    with pytest.raises(auth.InvalidCredential, match="staff group"):
        auth.caller_from_token(signed(STAFF, **{"cognito:groups": groups}), settings)


def test_the_order_feed_is_the_staff_pools_client_credentials_client(settings):
    caller = auth.caller_from_token(feed_token(), settings)
    assert (caller.role, caller.sub, caller.email) == ("integration", FEED_CLIENT, None)
    for refused in (feed_token(scope="returns-api/other"), feed_token(scope=None),
                    signed(STAFF, aud=FEED_CLIENT, **{"cognito:groups": ["agent"]})):  # an id token
        with pytest.raises(auth.InvalidCredential):
            auth.caller_from_token(refused, settings)


def test_without_an_order_feed_client_no_token_is_the_feed(fetched):
    settings = Settings(**{**SETTINGS, "order_feed_client_id": None})
    with pytest.raises(auth.InvalidCredential, match="another app client"):
        auth.caller_from_token(feed_token(), settings)


@pytest.mark.parametrize(
    "forged",
    [
        lambda: signed("https://evil.example"),
        lambda: signed(f"https://cognito-idp.{REGION}.amazonaws.com/eu-west-1_AnotherPool"),
        lambda: signed(f"https://cognito-idp.us-east-1.amazonaws.com/{STAFF_POOL}"),  # another region
        lambda: signed(STAFF + "/", **{"cognito:groups": ["agent"]}),
        lambda: signed(STAFF.replace("https", "http"), **{"cognito:groups": ["agent"]}),
        lambda: signed(None),  # no issuer at all
        lambda: signed([STAFF], key=KEYS[STAFF], **{"cognito:groups": ["agent"]}),
    ],
    ids=["foreign", "another-pool", "another-region", "trailing-slash", "http", "none", "list"],
)
def test_any_other_issuer_is_refused_before_a_key_is_fetched(settings, fetched, forged):
    with pytest.raises(auth.InvalidCredential, match="issuer is not trusted"):
        auth.caller_from_token(forged(), settings)
    assert fetched == []


def test_a_customer_pool_key_cannot_sign_a_staff_token(settings):
    forged = signed(STAFF, key=KEYS[CUSTOMERS], **{"cognito:groups": ["agent"]})
    with pytest.raises(auth.InvalidCredential, match="not valid"):
        auth.caller_from_token(forged, settings)


@pytest.mark.parametrize(
    ("issuer", "overrides"),
    [
        (STAFF, {"aud": CUSTOMER_CLIENT}),  # staff pool, portal's client
        (CUSTOMERS, {"aud": STAFF_CLIENT}),  # customer pool, console's client
        (CUSTOMERS, {"aud": ["portal-client"]}),
        (CUSTOMERS, {"token_use": None}),
        (CUSTOMERS, {"email_verified": False}),
        (CUSTOMERS, {"exp": int(time.time()) - 600}),
        (STAFF, {"token_use": "access", "aud": None, "client_id": CUSTOMER_CLIENT,
                 "cognito:groups": ["agent"]}),
    ],
    ids=["staff-pool-portal-client", "customer-pool-console-client", "list-audience", "token-use",
         "unverified-email", "expired", "access-token-of-another-client"],
)
def test_refusals(settings, issuer, overrides):
    with pytest.raises(auth.InvalidCredential):
        auth.caller_from_token(signed(issuer, **overrides), settings)


def test_cognito_mode_refuses_local_hs256_tokens(settings):
    with pytest.raises(auth.InvalidCredential):
        auth.caller_from_token(token("agent"), settings)


def test_through_graphql_only_a_staff_pool_agent_reads_agents_data(fetched):
    api = Api(**SETTINGS)

    def bearer(value: str) -> dict[str, str]:
        return {"authorization": f"Bearer {value}"}

    agent = api.gql(UNKNOWN_PACKAGES, headers=bearer(signed(STAFF, **{"cognito:groups": ["agent"]})))
    assert agent == {"data": {"unknownPackages": {"edges": []}}}
    promoted = api.gql(UNKNOWN_PACKAGES, headers=bearer(signed(CUSTOMERS, **{"cognito:groups": ["agent"]})))
    assert error_codes(promoted) == ["FORBIDDEN"]
    forged = api.gql(UNKNOWN_PACKAGES, headers=bearer(signed("https://evil.example", key=OTHER_KEY,
                                                             **{"cognito:groups": ["agent"]})))
    assert error_codes(forged) == ["UNAUTHENTICATED"]


def test_settings_need_both_pools_and_two_different_ones():
    with pytest.raises(ValueError, match="STAFF_USER_POOL_ID, APP_CLIENTS_PARAMETER"):
        Settings.from_env({"AUTH_MODE": "cognito", "COGNITO_REGION": REGION,
                           "CUSTOMER_USER_POOL_ID": CUSTOMER_POOL, "CUSTOMER_APP_CLIENT_ID": CUSTOMER_CLIENT})
    with pytest.raises(ValueError, match="different pools"):
        Settings.from_env({"AUTH_MODE": "cognito", "COGNITO_REGION": REGION,
                           "CUSTOMER_USER_POOL_ID": STAFF_POOL, "CUSTOMER_APP_CLIENT_ID": CUSTOMER_CLIENT,
                           "STAFF_USER_POOL_ID": STAFF_POOL, "STAFF_APP_CLIENT_ID": STAFF_CLIENT})
    with pytest.raises(ValueError, match="different pools"):
        trusted_issuers(region=REGION, customer_pool=STAFF_POOL, customer_client="a",
                        staff_pool=STAFF_POOL, staff_client="b")
    configured = Settings.from_env({"AUTH_MODE": "cognito", "COGNITO_REGION": REGION,
                                    **{name.upper(): value for name, value in SETTINGS.items()
                                       if name.endswith("_id")}})
    assert configured.order_feed_client_id == FEED_CLIENT
