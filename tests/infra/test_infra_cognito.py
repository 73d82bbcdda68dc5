"""Staff MFA on moto: template.yaml's two user pools created in cognito-idp (`deploy_stack(cognito=True)`),
staff signing in the way the Hosted UI does (SRP), tokens minted by moto, and the gateway's real Lambda
entry point configured with the template's own environment for it (its keys fetched from moto's JWKS).

What this proves: a staff member gets no token before registering a TOTP app and none afterwards without
the code; a customer-pool token stays a customer even with an `agent` group; a token of any other pool is
refused, although moto signs every pool's tokens with one key. (moto checks the TOTP codes with
MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP; it does not model everything Cognito refuses, e.g. it answers an
MFA_SETUP response that skipped VerifySoftwareToken with tokens, so that is not asserted here.)
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from moto import mock_aws

from returns_api import auth, lambda_handler
from returns_devstack.deploy import MOTO_CONFIG, DeployedStack, deploy_stack
from returns_shared import bootstrap

pytestmark = pytest.mark.stack

EVENT = Path(__file__).resolve().parents[2] / "events" / "graphql" / "http_api_v2_request.json"
UNKNOWN_PACKAGES = "{ unknownPackages(first: 5) { edges { node { scanned } } } }"  # agents only
MY_ORDERS = "{ orders(first: 5) { edges { node { id } } } }"  # a customer's own orders
PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture(scope="module")
def stack() -> Iterator[DeployedStack]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")  # moto checks the codes
        with mock_aws(config=MOTO_CONFIG):
            yield deploy_stack(cognito=True)


@pytest.fixture(scope="module")
def cognito(stack: DeployedStack) -> Any:
    return stack.client("cognito-idp")


@pytest.fixture(scope="module")
def env(stack: DeployedStack) -> dict[str, str]:
    return stack.function_env["GraphQLFunction"]


class MotoJwks(jwt.PyJWKClient):
    """PyJWKClient reading the pool's JWKS from moto (in-process moto answers `requests`, not urllib)."""

    def fetch_data(self) -> Any:
        return requests.get(self.uri, timeout=5).json()


@pytest.fixture
def gateway(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], Any]]:
    """POST one query with a bearer token through the gateway Lambda, configured as the template
    configures it; answers the GraphQL body. Keys come only from the URLs the gateway asks for."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(lambda_handler, "_handler", None)
    monkeypatch.setattr(auth, "jwk_client", MotoJwks)
    bootstrap.reset_dependencies()  # clients against this moto

    class Context:
        aws_request_id = "mfa-test"
        function_name = "GraphQLFunction"
        memory_limit_in_mb = 512
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:GraphQLFunction"

    def call(query: str, token: str) -> Any:
        event = json.loads(EVENT.read_text())
        event["headers"]["authorization"] = f"Bearer {token}"
        event["body"] = json.dumps({"query": query})
        response = lambda_handler.handler(event, Context())
        assert response["statusCode"] == 200, response
        return json.loads(response["body"])

    yield call
    bootstrap.reset_dependencies()


def codes(body: Any) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def totp(secret: str) -> str:
    """What the staff member's authenticator app shows (RFC 6238: SHA-1, 6 digits, 30 s)."""
    if 30 - time.time() % 30 < 1:  # never a code that expires while it travels
        time.sleep(1.1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(time.time()).decode()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def srp_sign_in(cognito: Any, client_id: str, username: str) -> dict[str, Any]:
    """USER_SRP_AUTH, the Hosted UI's flow (moto checks the SRP messages' shape, not the proof)."""
    started = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": username, "SRP_A": "A"}
    )
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses={
            "USERNAME": username,
            "PASSWORD_CLAIM_SIGNATURE": "signature",
            "PASSWORD_CLAIM_SECRET_BLOCK": started["ChallengeParameters"]["SECRET_BLOCK"],
            "TIMESTAMP": "Mon Nov 30 12:00:00 UTC 2026",
        },
    )


def create_user(cognito: Any, pool: str, email: str, *, group: str | None, permanent: bool) -> None:
    cognito.admin_create_user(
        UserPoolId=pool, Username=email, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )
    if permanent:
        cognito.admin_set_user_password(UserPoolId=pool, Username=email, Password=PASSWORD, Permanent=True)
    if group:
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)


def test_the_pools_are_configured_as_the_template_says(cognito, env):
    staff = cognito.describe_user_pool(UserPoolId=env["STAFF_USER_POOL_ID"])["UserPool"]
    assert staff["MfaConfiguration"] == "ON"
    assert staff["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    mfa = cognito.get_user_pool_mfa_config(UserPoolId=env["STAFF_USER_POOL_ID"])
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert "SmsMfaConfiguration" not in mfa
    customers = cognito.describe_user_pool(UserPoolId=env["CUSTOMER_USER_POOL_ID"])["UserPool"]
    assert customers["MfaConfiguration"] == "OPTIONAL"
    feed = cognito.describe_user_pool_client(
        UserPoolId=env["STAFF_USER_POOL_ID"], ClientId=env["ORDER_FEED_CLIENT_ID"]
    )["UserPoolClient"]
    assert feed["AllowedOAuthFlows"] == ["client_credentials"] and feed["ClientSecret"]


def test_a_staff_member_gets_no_token_without_totp(stack, cognito, env, gateway):
    pool, client = env["STAFF_USER_POOL_ID"], stack.outputs["StaffUserPoolClientId"]
    agent = "pat.agent@allegra-k.com"
    create_user(cognito, pool, agent, group="agent", permanent=False)  # invited by an administrator

    # first sign-in: a new password, then TOTP setup - no tokens at either step
    first = srp_sign_in(cognito, client, agent)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and "AuthenticationResult" not in first
    setup = cognito.respond_to_auth_challenge(
        ClientId=client, ChallengeName="NEW_PASSWORD_REQUIRED", Session=first["Session"],
        ChallengeResponses={"USERNAME": agent, "NEW_PASSWORD": PASSWORD},
    )
    assert setup["ChallengeName"] == "MFA_SETUP" and "AuthenticationResult" not in setup
    secret = cognito.associate_software_token(Session=setup["Session"])["SecretCode"]
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.verify_software_token(Session=setup["Session"], UserCode=wrong(totp(secret)))
    verified = cognito.verify_software_token(Session=setup["Session"], UserCode=totp(secret))
    signed_in = cognito.respond_to_auth_challenge(
        ClientId=client, ChallengeName="MFA_SETUP", Session=verified["Session"],
        ChallengeResponses={"USERNAME": agent},
    )
    assert gateway(UNKNOWN_PACKAGES, signed_in["AuthenticationResult"]["IdToken"]) == {
        "data": {"unknownPackages": {"edges": []}}
    }

    # every later sign-in: the TOTP code, or nothing
    challenged = srp_sign_in(cognito, client, agent)
    assert challenged["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in challenged
    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.respond_to_auth_challenge(
            ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenged["Session"],
            ChallengeResponses={"USERNAME": agent, "SOFTWARE_TOKEN_MFA_CODE": wrong(totp(secret))},
        )
    challenged = srp_sign_in(cognito, client, agent)
    passed = cognito.respond_to_auth_challenge(
        ClientId=client, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenged["Session"],
        ChallengeResponses={"USERNAME": agent, "SOFTWARE_TOKEN_MFA_CODE": totp(secret)},
    )
    tokens = passed["AuthenticationResult"]
    assert "errors" not in gateway(UNKNOWN_PACKAGES, tokens["IdToken"])

    # turning TOTP off does not turn the challenge off: the pool requires it
    cognito.set_user_mfa_preference(AccessToken=tokens["AccessToken"],
                                    SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False})
    again = srp_sign_in(cognito, client, agent)
    assert "AuthenticationResult" not in again
    assert again["ChallengeName"] in {"SOFTWARE_TOKEN_MFA", "MFA_SETUP"}


def test_a_customer_pool_token_with_an_agent_group_is_a_customer(stack, cognito, env, gateway):
    pool, client = env["CUSTOMER_USER_POOL_ID"], stack.outputs["UserPoolClientId"]
    customer = "kim@example.com"
    cognito.create_group(UserPoolId=pool, GroupName="agent")  # somebody adds a group to the customers' pool
    create_user(cognito, pool, customer, group="agent", permanent=True)
    id_token = srp_sign_in(cognito, client, customer)["AuthenticationResult"]["IdToken"]
    assert jwt.decode(id_token, options={"verify_signature": False})["cognito:groups"] == ["agent"]
    assert codes(gateway(UNKNOWN_PACKAGES, id_token)) == ["FORBIDDEN"]
    assert gateway(MY_ORDERS, id_token) == {"data": {"orders": {"edges": []}}}  # a customer, nothing more


def test_a_token_of_any_other_pool_is_refused(cognito, env, gateway):
    other = cognito.create_user_pool(PoolName="look-alike-staff", MfaConfiguration="OFF")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=other, ClientName="console")["UserPoolClient"]
    client = client["ClientId"]
    cognito.create_group(UserPoolId=other, GroupName="agent")
    create_user(cognito, other, "mallory@example.com", group="agent", permanent=True)
    id_token = srp_sign_in(cognito, client, "mallory@example.com")["AuthenticationResult"]["IdToken"]
    staff_kid = jwt.get_unverified_header(id_token)["kid"]
    # moto signs every pool's tokens with one key, so only the issuer table can tell them apart
    assert staff_kid in {key["kid"] for key in requests.get(
        f"https://cognito-idp.us-east-1.amazonaws.com/{env['STAFF_USER_POOL_ID']}/.well-known/jwks.json",
        timeout=5).json()["keys"]}
    for query in (UNKNOWN_PACKAGES, MY_ORDERS):
        assert codes(gateway(query, id_token)) == ["UNAUTHENTICATED"]



def test_the_published_pages_sign_in_to_the_pools_the_gateway_trusts(stack, env):
    from returns_devstack.web_publish import site_config

    auth_config = site_config({"GraphQLUrl": "https://api.example/graphql", **stack.outputs})["auth"]
    assert auth_config["customer"]["clientId"] == stack.outputs["UserPoolClientId"]
    staff_domain = f"{stack.stack_name}-staff.auth.{stack.region}.amazoncognito.com"
    staff_client = stack.outputs["StaffUserPoolClientId"]
    assert auth_config["staff"] == {"domain": staff_domain, "clientId": staff_client}
