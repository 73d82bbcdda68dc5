from __future__ import annotations

import email
from email import policy

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID

from returns_shared.adapters.errors import MailRejected
from returns_shared.adapters.ses_mailer import SesMailer
from returns_shared.service.ports import (
    Email,
    EmailNotSent,
    EmailSendingBlocked,
    EmailUndeliverable,
)

SENDER = "Allegra K Returns <returns@shop.example>"


def sent():
    return get_backend("ses")[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages


@pytest.fixture
def mailer(aws):
    boto3.client("ses").verify_domain_identity(Domain="shop.example")
    return SesMailer(SENDER, boto3.client("sesv2"))


def test_simple_email_with_text_and_html(mailer):
    message_id = mailer.send(
        Email(
            to="jane@example.com",
            subject="Return RMA-1 approved",
            text="Hello",
            html="<p>Hello</p>",
        )
    )
    assert message_id
    [message] = sent()
    assert message.id == message_id
    assert message.subject == "Return RMA-1 approved"
    assert message.destinations["ToAddresses"] == ["jane@example.com"]
    assert message.body == "<p>Hello</p>"  # moto keeps the html part when there is one


def test_attachments_go_out_as_raw_mime(mailer):
    pdf = b"%PDF-1.3 fake label \x00\xff"
    mailer.send(
        Email(
            to="jane@example.com",
            subject="Return RMA-1: your prepaid return label",
            text="Label attached. Tracking 1ZRL…",
            html="<p>Label attached</p>",
            attachments=(
                ("return-label-RMA-1.pdf", pdf, "application/pdf"),
                ("policy.txt", b"[A] b", "text/plain"),
            ),
        )
    )
    [message] = sent()
    parsed = email.message_from_string(message.raw_data, policy=policy.default)
    assert parsed["Subject"] == "Return RMA-1: your prepaid return label"
    assert parsed["To"] == "jane@example.com"
    assert parsed.get_body(("plain",)).get_content().startswith("Label attached. Tracking 1ZRL…")
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Label attached</p>"
    files = {part.get_filename(): part for part in parsed.iter_attachments()}
    assert files["return-label-RMA-1.pdf"].get_content_type() == "application/pdf"
    assert files["return-label-RMA-1.pdf"].get_content() == pdf
    assert files["policy.txt"].get_content_type() == "text/plain"


def test_unverified_sender_is_a_typed_rejection(aws):
    mailer = SesMailer("nobody@unverified.example", boto3.client("sesv2"))
    with pytest.raises(MailRejected) as caught:
        mailer.send(Email(to="jane@example.com", subject="s", text="t"))
    assert caught.value.code == "MessageRejected"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("BadRequestException", EmailUndeliverable),  # e.g. a malformed recipient
        ("MessageRejected", EmailUndeliverable),
        ("AccountSuspendedException", EmailSendingBlocked),
        ("SendingPausedException", EmailSendingBlocked),
        ("MailFromDomainNotVerifiedException", EmailSendingBlocked),
        ("NotFoundException", EmailSendingBlocked),
        ("TooManyRequestsException", EmailSendingBlocked),
        ("LimitExceededException", EmailSendingBlocked),
        ("InternalFailure", EmailNotSent),
        ("ServiceUnavailable", EmailNotSent),
    ],
)
def test_ses_errors_are_classified_by_who_is_at_fault(code, expected):
    client = boto3.client("sesv2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_client_error("send_email", service_error_code=code, http_status_code=400)
        with pytest.raises(EmailNotSent) as caught:
            SesMailer(SENDER, client).send(Email(to="jane@example.com", subject="s", text="t"))
    assert isinstance(caught.value, expected) and caught.value.code == code
    others = {EmailUndeliverable, EmailSendingBlocked} - {expected}
    assert not any(isinstance(caught.value, other) for other in others)


def test_connection_errors_propagate_as_they_are():
    client = boto3.client(
        "sesv2",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"max_attempts": 0}, connect_timeout=0.2),
    )
    with pytest.raises(EndpointConnectionError):
        SesMailer(SENDER, client).send(Email(to="jane@example.com", subject="s", text="t"))


@pytest.mark.parametrize(
    "recipient", ["a@x.com, b@y.com", "Jane <jane@example.com>", "x@y", "jane@example.com\nBcc: z@z.com"]
)
def test_a_recipient_that_is_not_one_address_is_never_handed_to_ses(recipient):
    """The order feed keeps an order's email as recorded (SCREEN-EMAIL flags it): it must not make SES
    send to several, other or header-injected recipients. Undeliverable: given up, never retried."""
    client = boto3.client("sesv2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub, pytest.raises(EmailUndeliverable) as caught:  # no call expected
        SesMailer(SENDER, client).send(Email(to=recipient, subject="s", text="t"))
        stub.assert_no_pending_responses()
    assert caught.value.code == "InvalidRecipient"
