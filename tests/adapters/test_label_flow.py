"""The adapters together, as the label function wires them: label PDF -> S3 -> email with the PDF and the
link to the return's page (the portal's address read from SSM)."""

from __future__ import annotations

import email
from email import policy

import boto3
from adapters_testdata import AT, WAREHOUSE, make_order, make_return, usd
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID

from returns_shared.adapters.carrier_local import LocalCarrier
from returns_shared.adapters.portal_address import SsmPortalAddress
from returns_shared.adapters.s3_label_store import S3LabelStore
from returns_shared.adapters.ses_mailer import SesMailer
from returns_shared.domain.decisions import ScreeningResult
from returns_shared.domain.returns import ReturnLabel
from returns_shared.domain.vocabulary import ReturnMethod
from returns_shared.notifications.emails import prepaid_label_email
from returns_shared.notifications.parts import return_page_url


def test_label_is_issued_stored_and_mailed(aws):
    boto3.client("s3").create_bucket(Bucket="labels")
    boto3.client("ses").verify_domain_identity(Domain="shop.example")
    order, ret = make_order(), make_return(ReturnMethod.PREPAID_LABEL)
    ret.apply_screening(ScreeningResult(outcome="PASS", policy_version="2026-01"), at=AT)

    carrier = LocalCarrier()
    issued = carrier.buy_label(carrier.create_label_shipment(
        rma_id=ret.id,
        ship_from=order.shipping_address.model_dump(),
        ship_to=WAREHOUSE,
        fee=usd("0.00"),
    ))
    store, key = S3LabelStore("labels"), f"labels/{ret.id}.pdf"
    store.put(key, issued.pdf)
    ret.attach_label(
        ReturnLabel(
            carrier=issued.carrier,
            tracking_number=issued.tracking_number,
            object_key=key,
            fee=usd("0.00"),
            created_at=AT,
        ),
        at=AT,
    )
    boto3.client("ssm").put_parameter(Name="/returns/t/portal-url", Value="https://d1.cloudfront.net/portal/",
                                      Type="String")
    portal = SsmPortalAddress("/returns/t/portal-url")
    message = prepaid_label_email(
        ret,
        order,
        return_address=WAREHOUSE,
        label_pdf=store.get(key),  # what a resend attaches
        return_page=return_page_url(portal.base_url(), ret.id),
    )
    SesMailer("returns@shop.example").send(message)

    [raw] = get_backend("ses")[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    parsed = email.message_from_string(raw.raw_data, policy=policy.default)
    [attachment] = parsed.iter_attachments()
    assert attachment.get_content() == issued.pdf
    text = parsed.get_body(("plain",)).get_content()
    assert issued.tracking_number in text and "X-Amz-Signature" not in text
    assert f"https://d1.cloudfront.net/portal/#/return/{ret.id}" in text
