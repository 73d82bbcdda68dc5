"""Deployed, the gateway learns its app clients from the SSM parameter the template writes (the
environment cannot name them without a dependency cycle): read with the first token, through moto's
SSM here, and refused loudly when it is missing or malformed."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from returns_api import auth
from returns_api.app_clients import AppClients, app_clients, parse_app_clients
from returns_api.app_clients import _parameter as readers
from returns_api.settings import Settings
from returns_shared.adapters.ssm_parameters import ParameterUnavailable

from .test_issuers import CUSTOMER_CLIENT, CUSTOMERS, REGION, SETTINGS, STAFF, STAFF_CLIENT, _Jwks, signed

NAME = "/returns/test-stack/app-clients"


def by_parameter(**overrides) -> Settings:
    named = {k: v for k, v in SETTINGS.items() if k not in ("customer_app_client_id", "staff_app_client_id")}
    return Settings(**{**named, "app_clients_parameter": NAME, **overrides})


@pytest.fixture
def ssm(monkeypatch):
    monkeypatch.setattr(auth, "jwk_client", _Jwks)  # each pool's public key, no network
    readers.cache_clear()  # a reader (and its cached value) per configuration lives for the process
    with mock_aws():
        yield boto3.client("ssm", region_name=REGION)
    readers.cache_clear()


def test_tokens_of_the_clients_the_parameter_names_are_accepted(ssm):
    ssm.put_parameter(Name=NAME, Type="String",
                      Value=json.dumps({"customer": CUSTOMER_CLIENT, "staff": STAFF_CLIENT}))
    settings = by_parameter()
    assert auth.caller_from_token(signed(CUSTOMERS), settings).role == "customer"
    assert auth.caller_from_token(signed(STAFF, email=None, **{"cognito:groups": ["agent"]}), settings).role \
        == "agent"
    with pytest.raises(auth.InvalidCredential, match="another app client"):
        auth.caller_from_token(signed(CUSTOMERS, aud="some-other-client"), settings)


def test_a_missing_parameter_is_our_fault_not_the_caller_s(ssm):
    with pytest.raises(ParameterUnavailable, match=NAME):
        auth.caller_from_token(signed(CUSTOMERS), by_parameter())


@pytest.mark.parametrize("value", ['{"customer": "portal"}', "portal,console",
                                   '{"customer": " ", "staff": "c"}', '["portal", "console"]'])
def test_a_malformed_value_is_refused(value):
    with pytest.raises(ParameterUnavailable, match=NAME):
        parse_app_clients(value, source=NAME)


def test_ids_named_in_the_environment_need_no_parameter():
    assert app_clients(Settings(**SETTINGS)) == AppClients(customer=CUSTOMER_CLIENT, staff=STAFF_CLIENT)


def test_cognito_mode_needs_the_parameter_or_both_ids():
    base = {"AUTH_MODE": "cognito", "COGNITO_REGION": REGION, "CUSTOMER_USER_POOL_ID": "eu-west-1_C",
            "STAFF_USER_POOL_ID": "eu-west-1_S"}
    with pytest.raises(ValueError, match="APP_CLIENTS_PARAMETER"):
        Settings.from_env({**base, "CUSTOMER_APP_CLIENT_ID": CUSTOMER_CLIENT})
    assert Settings.from_env({**base, "APP_CLIENTS_PARAMETER": NAME}).app_clients_parameter == NAME
