"""Customer emails link to the return's page in the portal, on the stack built from template.yaml: the
portal URL parameter is created by the local deploy, the local stack points it at its own server (as
`make dev` does), the functions read it by name from SSM, and an email goes out without the link when
the parameter cannot be read."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from returns_devstack.deploy import MOTO_CONFIG, deploy_stack
from returns_devstack.localstripe_server import LocalStripe
from returns_devstack.stack import EmbeddedStack, start_embedded_stack

from .lifecycle_helpers import approved, ok
from .support import CANCEL, line, order_input

LOCAL_PORTAL = "http://127.0.0.1:8123/portal/"


@pytest.fixture
def stack(localstripe: LocalStripe) -> Iterator[EmbeddedStack]:  # this module's: with the local portal
    with mock_aws(config=MOTO_CONFIG):
        yield start_embedded_stack(payments=localstripe, portal_url=LOCAL_PORTAL)


def _mails_of(mailbox, rid: str) -> list[dict]:
    return [mail for mail in mailbox() if rid in mail["subject"]]


def test_the_label_email_links_the_portal_page_of_its_return(flow, mailbox, stack):
    name = stack.stack.function_env["LabelFunction"]["PORTAL_URL_PARAMETER"]
    assert name == "/returns/returns-local/portal-url"
    assert boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"] == LOCAL_PORTAL

    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order, method="PREPAID_LABEL")
    [mail] = [m for m in _mails_of(mailbox, ret["id"]) if "prepaid return label" in m["subject"]]
    page = f"{LOCAL_PORTAL}#/return/{ret['id']}"
    assert page in mail["text"] and f'<a href="{page}">' in mail["html"]
    assert [(name, kind) for name, kind, _ in mail["attachments"]] == [
        (f"return-label-{ret['id']}.pdf", "application/pdf")]
    assert "X-Amz-" not in mail["text"] + mail["html"]  # no presigned URL that dies in 15 minutes

    ok(flow.act(CANCEL, flow.tokens.customer(order["email"]), id=ret["id"]))
    [canceled] = [m for m in _mails_of(mailbox, ret["id"]) if "canceled" in m["subject"]]
    assert page in canceled["text"] and f'<a href="{page}">' in canceled["html"]


def test_an_unreadable_portal_address_leaves_the_link_out_not_the_email(flow, mailbox, stack):
    name = stack.stack.function_env["RequestFunction"]["PORTAL_URL_PARAMETER"]
    boto3.client("ssm").delete_parameter(Name=name)
    order = flow.record(order_input(line("L1")))
    ret = approved(flow, order)  # self-ship: the request function mails the instructions
    [mail] = _mails_of(mailbox, ret["id"])
    assert "#/return/" not in mail["text"] + mail["html"] and "how to send" in mail["subject"]


def test_deployed_without_a_local_portal_the_parameter_names_the_distribution():
    with mock_aws(config=MOTO_CONFIG):
        deployed = deploy_stack()
        env = deployed.env()
        value = boto3.client("ssm").get_parameter(Name=env["PORTAL_URL_PARAMETER"])["Parameter"]["Value"]
    assert value.startswith("https://") and value.endswith(".cloudfront.net/portal/")
    assert "PortalUrlParameter" not in deployed.skipped
