"""Staff MFA in template.yaml (issue 11, item 7), read from the translated template: staff sign in to
their own pool, where MFA is ON with TOTP only and nothing in the pool's configuration lets a staff
member get a token without it; the customers' pool grants no role. (The sign-in itself, and the
gateway's reading of both pools' tokens, run on moto in test_infra_cognito.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from returns_api.issuers import ORDER_FEED_SCOPE, STAFF_POOL_GROUPS
from returns_devstack import template as tpl

from .conftest import REPO, TEMPLATE
from .test_infra_template import actions, statements

# The only sign-in flows a staff app client may allow: SRP (password, then the TOTP challenge) and
# refresh (of a session that passed it). Not ALLOW_CUSTOM_AUTH (a custom challenge replaces Cognito's
# MFA), not ALLOW_USER_AUTH (choice-based sign-in: passwordless first factors).
STAFF_FLOWS = {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


def resources(cfn: dict[str, Any], kind: str, pool: str | None = None) -> dict[str, dict[str, Any]]:
    """logical id -> properties of every resource of a kind (of one pool, when given)."""
    found = {lid: res.get("Properties") or {} for lid, res in cfn["Resources"].items() if res["Type"] == kind}
    return {lid: p for lid, p in found.items() if pool is None or p["UserPoolId"] == {"Ref": pool}}


def test_two_pools_customers_keep_theirs(cfn):
    pools = resources(cfn, "AWS::Cognito::UserPool")
    # `UserPool` keeps its logical id: renaming it would make CloudFormation replace the customers' pool
    assert set(pools) == {"UserPool", "StaffUserPool"}
    assert pools["UserPool"]["MfaConfiguration"] == "OPTIONAL"


def test_the_staff_pool_requires_totp_and_offers_no_way_around_it(cfn):
    pool = cfn["Resources"]["StaffUserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # not EMAIL_OTP/SMS_MFA: the mailbox is no factor
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True  # no self sign-up
    # a remembered device skips MFA; a trigger could run a custom flow; passwordless first factors
    for bypass in ("DeviceConfiguration", "LambdaConfig", "WebAuthnRelyingPartyID"):
        assert bypass not in pool, bypass
    assert "SignInPolicy" not in pool.get("Policies", {})
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 14
    # federated users get no Cognito MFA (their provider's is trusted): none may sign in here
    providers = resources(cfn, "AWS::Cognito::UserPoolIdentityProvider", "StaffUserPool")
    assert providers == {}


def test_every_staff_client_signs_in_with_srp_and_totp_or_is_the_order_feed(cfn):
    clients = resources(cfn, "AWS::Cognito::UserPoolClient", "StaffUserPool")
    assert set(clients) == {"StaffUserPoolClient", "OrderFeedClient"}
    web = clients["StaffUserPoolClient"]
    assert set(web["ExplicitAuthFlows"]) <= STAFF_FLOWS
    assert web["SupportedIdentityProviders"] == ["COGNITO"]
    hours_per_unit = {"hours": 1, "days": 24}[web["TokenValidityUnits"]["RefreshToken"]]
    refresh_hours = web["RefreshTokenValidity"] * hours_per_unit
    assert refresh_hours <= 24  # a refreshed session goes back to a TOTP sign-in within a day

    feed = clients["OrderFeedClient"]
    assert feed["AllowedOAuthFlows"] == ["client_credentials"] and feed["GenerateSecret"] is True
    assert feed["AllowedOAuthScopes"] == [ORDER_FEED_SCOPE]  # what the gateway maps to `integration`
    assert set(feed["ExplicitAuthFlows"]) <= {"ALLOW_REFRESH_TOKEN_AUTH"}  # no user signs in through it
    assert "SupportedIdentityProviders" not in feed
    [server] = resources(cfn, "AWS::Cognito::UserPoolResourceServer", "StaffUserPool").values()
    assert [f"{server['Identifier']}/{s['ScopeName']}" for s in server["Scopes"]] == [ORDER_FEED_SCOPE]
    assert cfn["Resources"]["OrderFeedClient"]["DependsOn"] == "OrderFeedResourceServer"


def test_roles_are_groups_of_the_staff_pool_only(cfn):
    groups = resources(cfn, "AWS::Cognito::UserPoolGroup", "StaffUserPool")
    staff = {props["GroupName"] for props in groups.values()}
    assert staff == STAFF_POOL_GROUPS
    assert resources(cfn, "AWS::Cognito::UserPoolGroup", "UserPool") == {}  # they would mean nothing


def test_the_gateway_trusts_exactly_the_two_pools_and_their_clients(cfn):
    env = cfn["Resources"]["GraphQLFunction"]["Properties"]["Environment"]["Variables"]
    assert {name: env[name] for name in env if name.endswith(("_POOL_ID", "_CLIENT_ID"))} == {
        "CUSTOMER_USER_POOL_ID": {"Ref": "UserPool"},
        "STAFF_USER_POOL_ID": {"Ref": "StaffUserPool"},
        "ORDER_FEED_CLIENT_ID": {"Ref": "OrderFeedClient"},
    }
    # the app clients by an SSM parameter the gateway reads by name (naming them would close a cycle:
    # their callback URLs name the distribution, whose API origin routes to the gateway)
    parameter = cfn["Resources"]["AppClientsParameter"]["Properties"]
    name = {"Fn::Sub": "/returns/${AWS::StackName}/app-clients"}
    assert env["APP_CLIENTS_PARAMETER"] == parameter["Name"] == name
    clients = '{"customer": "${UserPoolClient}", "staff": "${StaffUserPoolClient}"}'
    assert parameter["Value"] == {"Fn::Sub": clients}
    reads = [s for s in statements(cfn, "GraphQLFunctionRole")
             if any(a.startswith("ssm:") for a in actions(s))]
    arn = ("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}"
           ":parameter/returns/${AWS::StackName}/app-clients")
    assert [(actions(s), s["Resource"]) for s in reads] == [(["ssm:GetParameter"], {"Fn::Sub": arn})]
    assert env["AUTH_MODE"] == "cognito"
    assert "### Staff MFA" in (REPO / "README.md").read_text()
