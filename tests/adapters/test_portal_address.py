"""The portal's address from SSM (Powertools Parameters, cached), as the functions read it for the emails."""

from __future__ import annotations

import boto3
import pytest

from returns_shared.adapters.portal_address import PortalAddressUnavailable, SsmPortalAddress, portal_base_url

NAME = "/returns/returns-test/portal-url"


def test_reads_the_parameter_once_then_from_its_cache(aws):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=NAME, Value="https://d111.cloudfront.net/portal/", Type="String")
    portal = SsmPortalAddress(NAME)
    assert portal.base_url() == "https://d111.cloudfront.net/portal/"
    ssm.put_parameter(Name=NAME, Value="https://returns.example.com/portal/", Type="String", Overwrite=True)
    assert portal.base_url() == "https://d111.cloudfront.net/portal/"  # cached (max_age)
    assert SsmPortalAddress(NAME).base_url() == "https://returns.example.com/portal/"  # a new one reads anew
    assert SsmPortalAddress(NAME, max_age=0).base_url() == "https://returns.example.com/portal/"


def test_a_missing_parameter_is_a_clear_error(aws):
    with pytest.raises(PortalAddressUnavailable, match=NAME):
        SsmPortalAddress(NAME).base_url()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://d1.cloudfront.net/portal/", "https://d1.cloudfront.net/portal/"),
        (" http://127.0.0.1:8000/portal ", "http://127.0.0.1:8000/portal/"),
    ],
)
def test_portal_urls_are_absolute_and_end_in_a_slash(value, expected):
    assert portal_base_url(value, source="p") == expected


@pytest.mark.parametrize(
    "value", ["", "set-me", "d1.cloudfront.net/portal/", "javascript:alert(1)", "https://x/portal/#/orders",
              "https://x/portal/?a=1", None]
)
def test_anything_else_is_refused(value):
    with pytest.raises(PortalAddressUnavailable, match="holds no portal URL"):
        portal_base_url(value, source="p")
