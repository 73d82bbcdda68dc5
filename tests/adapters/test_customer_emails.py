from __future__ import annotations

from datetime import timedelta
from html import escape

import pytest
from adapters_testdata import AT, WAREHOUSE, make_order, make_return, quote, usd

from returns_shared.domain.decisions import ScreeningFlag, ScreeningResult, Settlement
from returns_shared.domain.returns import Refund, ReturnLabel
from returns_shared.domain.vocabulary import ItemCondition, ReturnMethod
from returns_shared.notifications import emails, label_failure_email

PASS = ScreeningResult(outcome="PASS", policy_version="2026-01")
FLAGGED = ScreeningResult(
    outcome="REVIEW",
    flags=(
        ScreeningFlag(
            clause_id="SCREEN-ADDRESS", message="billing country CA != shipping country US"
        ),
        ScreeningFlag(clause_id="SCREEN-EMAIL", message="disposable domain mailinator.com"),
    ),
    policy_version="2026-01",
)
PAGE = "https://returns.example/portal/#/return/RMA-7Q2K9"
POLICY = [
    ("ADDR-RETURN", "Please do not send your return to the address on your package."),
    ("REFUND-7D", "Refunds within 7 days."),
]


def approved(method=ReturnMethod.SELF_SHIP, **quote_args):
    ret = make_return(method, **quote_args)
    ret.apply_screening(PASS, at=AT)
    return ret


def both(email) -> str:
    return email.text + email.html


def assert_address_warning(email):
    for part in (email.text, email.html):
        assert "Do NOT send it to the address printed on your original package" in part
        assert "ADDR-RETURN" in part
    assert "500 Distribution Way" in email.text and "Reno, NV 89502" in email.text


def test_return_instructions():
    order, ret = make_order(), approved()
    email = emails.return_instructions_email(ret, order, return_address=WAREHOUSE)
    assert email.to == "Jane.Doe@example.com"
    assert "RMA-7Q2K9" in email.subject
    assert_address_warning(email)
    text = email.text
    assert "1 × Floral Midi Dress (SKU DR-RED-M): $45.00" in text
    assert "2 × Ribbed Knit Top (SKU TP-BLK-S): $32.40" in text
    assert "USPS, UPS or FedEx" in text
    assert "Keep the tracking number, and submit it" in text
    assert "Estimated refund: $77.40" in text
    assert "30 days" in text and "Apr 1, 2026" in text  # approved March 2 + 30 days
    assert email.attachments == ()
    assert "<ul>" in email.html and "&" not in email.html.replace("&amp;", "")


def test_prepaid_label_email_attaches_the_pdf_and_links_the_return_page_not_a_presigned_url():
    order, ret = make_order(), approved(ReturnMethod.PREPAID_LABEL, label_fee="6.99")
    ret.attach_label(
        ReturnLabel(
            carrier="UPS",
            tracking_number="1ZRL00000000000042",
            object_key="labels/RMA-7Q2K9.pdf",
            fee=usd("6.99"),
            created_at=AT,
        ),
        at=AT,
    )
    email = emails.prepaid_label_email(
        ret,
        order,
        return_address=WAREHOUSE,
        label_pdf=b"%PDF-1.3",
        return_page=PAGE,
    )
    assert "RMA-7Q2K9" in email.subject
    assert_address_warning(email)
    assert email.attachments == (("return-label-RMA-7Q2K9.pdf", b"%PDF-1.3", "application/pdf"),)
    assert "Label fee: $6.99, deducted from your refund" in email.text
    assert "1ZRL00000000000042" in email.text
    assert "X-Amz" not in both(email)  # no presigned link: it would be dead within 15 minutes
    for part in (email.text, email.html):
        assert "attached to this email as a PDF" in part
        assert "always has a fresh download link" in part
    assert f"always has a fresh download link, with the status, ship-by date and refund: {PAGE}" in email.text
    assert f'<a href="{PAGE}">{PAGE}</a>' in email.html
    assert "Estimated refund: $70.41" in email.text


def test_free_label_email_needs_a_label():
    order, ret = make_order(), approved(ReturnMethod.PREPAID_LABEL)
    with pytest.raises(ValueError):
        emails.prepaid_label_email(ret, order, return_address=WAREHOUSE, label_pdf=b"%PDF")
    ret.attach_label(
        ReturnLabel(
            carrier="UPS", tracking_number="1ZRL1", object_key="k", fee=usd("0.00"), created_at=AT
        ),
        at=AT,
    )
    email = emails.prepaid_label_email(ret, order, return_address=WAREHOUSE, label_pdf=b"%PDF")
    assert "The label is free" in email.text
    assert [name for name, _, _ in email.attachments] == ["return-label-RMA-7Q2K9.pdf"]
    # without the portal's address: no link, but still where a fresh copy is
    assert "#/return/" not in both(email) and "<a " not in email.html
    assert "Your return's page in our returns portal always has a fresh download link." in email.text


def test_review_notice_names_the_checks_and_attaches_the_policy():
    order, ret = make_order(), make_return()
    ret.apply_screening(FLAGGED, at=AT)
    email = emails.review_notice_email(ret, order, policy_clauses=POLICY, review_business_days=2)
    assert "RMA-7Q2K9" in email.subject
    text = email.text
    assert (
        "billing address and the shipping address" in text
        and "(policy clause SCREEN-ADDRESS)" in text
    )
    assert "(policy clause SCREEN-EMAIL)" in text
    assert "confirm your billing and shipping addresses" in text
    assert "disposable" not in text  # the engine's technical words stay internal
    # what happens next: a decision within REVIEW-SLA's business days (the policy's), emailed either way
    assert "What happens next" in text and "decides within 2 business days (REVIEW-SLA)" in text
    assert "the return instructions if the return is approved, the reason if it is not" in text
    one_day = emails.review_notice_email(ret, order, policy_clauses=POLICY, review_business_days=1)
    assert "decides within 1 business day (REVIEW-SLA)" in one_day.text
    assert "Please do not ship anything until then" in text
    [(name, content, mime)] = email.attachments
    assert (name, mime) == ("return-policy.txt", "text/plain")
    policy = content.decode()
    assert "version 2026-01" in policy
    assert (
        "[ADDR-RETURN] Please do not send your return" in policy
        and "[REFUND-7D] Refunds within 7 days." in policy
    )


def test_declined_uses_the_recorded_reason():
    order, ret = make_order(), make_return()
    ret.apply_screening(FLAGGED, at=AT)
    ret.decline(
        actor="agent:cs@example.com", at=AT, reason="We could not verify the order details."
    )
    email = emails.declined_email(ret, order)
    assert email.subject == "Return RMA-7Q2K9 declined"
    assert "Reason: We could not verify the order details." in email.text
    assert "Please do not ship these items" in email.text


def test_refund_confirmation():
    order, ret = make_order(), approved()
    received = AT + timedelta(days=3)
    ret.receive(
        actor="warehouse:w@example.com",
        at=received,
        received_at=received,
        refund_due_at=received + timedelta(days=7),
        refund_expected_by=received + timedelta(days=12),
    )
    inspected = [line.model_copy() for line in ret.lines]
    inspected[0].condition, inspected[0].accepted = ItemCondition.NEW_WITH_TAGS, True
    inspected[1].condition, inspected[1].accepted = ItemCondition.WORN, False
    settled = quote().model_copy(
        update={"lines": quote().lines[:1], "items_subtotal": usd("45.00"), "total": usd("45.00")}
    )
    clauses = ("COND-NEW", "FEE-US-SELF", "REFUND-AMOUNT", "REFUND-ORIGINAL", "REFUND-SHIPPING")
    ret.inspect(
        inspected=inspected,
        settlement=Settlement(
            accepted_line_ids=("L1",), quote=settled, amount=usd("45.00"), applied_clauses=clauses
        ),
        actor="warehouse:w@example.com",
        at=received,
    )
    ret.record_refund(
        Refund(
            id="rf_1",
            amount=usd("45.00"),
            applied_clauses=clauses,
            issued_at=received + timedelta(days=1),
            payment_reference=order.payment_reference,
        ),
        actor="system",
        at=received + timedelta(days=1),
    )
    email = emails.refund_confirmation_email(ret, order)
    text = email.text
    assert email.subject == "Return RMA-7Q2K9: your refund of $45.00 has been issued"
    assert "to the card or account you paid for the order with" in text
    assert "pi_3NxLk2" not in both(email) and "9876" not in both(email)  # a provider id means nothing to them
    # issued a day after receipt: 5 days from the refund (not from the later REFUND-7D deadline)
    assert "allow 3–5 more days" in text and "Mar 11, 2026" in text
    assert "1 × Floral Midi Dress (SKU DR-RED-M): $45.00" in text
    assert (
        "Items not accepted" in text
        and "2 × Ribbed Knit Top (SKU TP-BLK-S): the item had been worn" in text
    )
    assert "COND-NEW, FEE-US-SELF, REFUND-AMOUNT, REFUND-ORIGINAL, REFUND-SHIPPING" in text
    assert "Refund: $45.00" in text


def test_canceled_and_expired_notices():
    order = make_order()
    canceled = approved()
    canceled.cancel(actor="customer:jane", at=AT)
    email = emails.canceled_email(canceled, order)
    assert email.subject == "Return RMA-7Q2K9 canceled" and "canceled" in email.text

    expired = approved(ReturnMethod.PREPAID_LABEL)
    expired.attach_label(
        ReturnLabel(
            carrier="UPS", tracking_number="1ZRL77", object_key="k", fee=usd("0.00"), created_at=AT
        ),
        at=AT,
    )
    expired.expire(at=AT + timedelta(days=31), note="EXPIRE-APPROVED")
    email = emails.expired_email(expired, order)
    assert email.subject == "Return RMA-7Q2K9 expired"
    assert "EXPIRE-APPROVED" in email.text and "30 days" in email.text
    assert "(1ZRL77) is no longer valid" in email.text


def _label(ret):
    ret.attach_label(
        ReturnLabel(carrier="UPS", tracking_number="1ZRL9", object_key="k", fee=usd("0.00"), created_at=AT),
        at=AT,
    )
    return ret


def _refused(ret):
    ret.record_label_failure("Address not found", attempt=1, at=AT)
    return ret


def test_a_refused_label_tells_the_customer_how_to_ship_on_their_own():
    order, ret = make_order(), _refused(approved(ReturnMethod.PREPAID_LABEL))
    email = label_failure_email.label_failed_email(ret, order, return_address=WAREHOUSE)
    assert email.subject == "Return RMA-7Q2K9: we could not create your return label"
    assert_address_warning(email)  # ADDR-RETURN: the return address, never the parcel's sender
    text = email.text
    assert "USPS, UPS or FedEx" in text and "enter the tracking number on your return page" in text
    assert "customer service will try to get you a label" in text
    assert "1 × Floral Midi Dress (SKU DR-RED-M)" in text and "RMA number RMA-7Q2K9" in text
    assert "Apr 1, 2026" in text  # EXPIRE-APPROVED: approved March 2 + 30 days, unchanged
    assert email.attachments == ()


def _every_kind(order):
    """Each customer email of a return, built with and without the link to the return's page."""
    flagged = make_return()
    flagged.apply_screening(FLAGGED, at=AT)
    declined = make_return()
    declined.apply_screening(FLAGGED, at=AT)
    declined.decline(actor="agent:cs@example.com", at=AT, reason="Not verifiable.")
    canceled = approved()
    canceled.cancel(actor="customer:jane", at=AT)
    expired = _label(approved(ReturnMethod.PREPAID_LABEL))
    expired.expire(at=AT + timedelta(days=31), note="EXPIRE-APPROVED")
    arrived = _received(approved())
    refunded = approved()
    received = AT + timedelta(days=3)
    refunded.receive(actor="warehouse:w@example.com", at=received, received_at=received,
                     refund_due_at=received + timedelta(days=7),
                     refund_expected_by=received + timedelta(days=12))
    refunded.inspect(
        inspected=[line.model_copy(update={"condition": ItemCondition.NEW_WITH_TAGS, "accepted": True})
                   for line in refunded.lines],
        settlement=Settlement(accepted_line_ids=("L1", "L2"), quote=quote(), amount=usd("77.40"),
                              applied_clauses=("REFUND-ORIGINAL",)),
        actor="warehouse:w@example.com", at=received,
    )
    refunded.record_refund(
        Refund(id="rf_1", amount=usd("77.40"), applied_clauses=("REFUND-ORIGINAL",),
               issued_at=received, payment_reference=order.payment_reference),
        actor="system", at=received,
    )
    return {
        "instructions": lambda page: emails.return_instructions_email(
            approved(), order, return_address=WAREHOUSE, return_page=page),
        "label": lambda page: emails.prepaid_label_email(
            _label(approved(ReturnMethod.PREPAID_LABEL)), order, return_address=WAREHOUSE, label_pdf=b"%PDF",
            return_page=page),
        "review": lambda page: emails.review_notice_email(
            flagged, order, policy_clauses=POLICY, review_business_days=2, return_page=page),
        "declined": lambda page: emails.declined_email(declined, order, return_page=page),
        "refund": lambda page: emails.refund_confirmation_email(refunded, order, return_page=page),
        "canceled": lambda page: emails.canceled_email(canceled, order, return_page=page),
        "received": lambda page: emails.received_email(arrived, order, return_page=page),
        "expired": lambda page: emails.expired_email(expired, order, return_page=page),
        "label_failed": lambda page: label_failure_email.label_failed_email(
            _refused(approved(ReturnMethod.PREPAID_LABEL)), order, return_address=WAREHOUSE,
            return_page=page),
    }


KINDS = ["instructions", "label", "review", "declined", "refund", "canceled", "expired", "label_failed",
         "received"]


def _received(ret):
    received = AT + timedelta(days=3)
    ret.receive(actor="warehouse:w@example.com", at=received, received_at=received,
                refund_due_at=received + timedelta(days=7), refund_expected_by=received + timedelta(days=12))
    return ret


def test_received_email_says_what_happens_next_and_the_one_expected_date():
    order, ret = make_order(), _received(approved())
    email = emails.received_email(ret, order, return_page=PAGE)
    assert email.subject == "Return RMA-7Q2K9: we received your package"
    text = email.text
    assert "arrived at our warehouse on Mar 5, 2026" in text
    assert "We inspect each item" in text and "within 7 days of receiving the package" in text
    assert "Expected in your account by Mar 17, 2026" in text  # received + 7 days + 5 days
    assert text.count("2026") == 2  # one date for the arrival, one for the money: no second promise
    assert "Estimated refund: $77.40" in text


def test_refund_email_quotes_what_the_warehouse_saw_for_each_item_not_accepted():
    order, ret = make_order(), _received(approved())
    l1, l2 = ret.lines
    ret.inspect(
        inspected=[
            l1.model_copy(update={"condition": ItemCondition.NEW_WITH_TAGS, "accepted": True}),
            l2.model_copy(update={"condition": ItemCondition.MISSING, "accepted": False,
                                  "inspection_note": "Only the dress was in the box"}),
        ],
        settlement=Settlement(accepted_line_ids=("L1",), quote=quote(), amount=usd("45.00"),
                              applied_clauses=("COND-NEW", "REFUND-ORIGINAL")),
        actor="warehouse:w@example.com", at=AT + timedelta(days=3),
    )
    ret.record_refund(Refund(id="rf_1", amount=usd("45.00"), applied_clauses=("COND-NEW", "REFUND-ORIGINAL"),
                             issued_at=AT + timedelta(days=4), payment_reference=order.payment_reference),
                      actor="system", at=AT + timedelta(days=4))
    text = emails.refund_confirmation_email(ret, order).text
    assert ("2 × Ribbed Knit Top (SKU TP-BLK-S): the item was not in the package. Our warehouse noted: "
            "“Only the dress was in the box”") in text


def test_nothing_to_refund_promises_no_money_and_no_day():
    """A zero refund (no item accepted): the email says nothing is refunded, and names no day for money
    that never comes; the return's page shows no day either (refundExpectedBy is null)."""
    order, ret = make_order(), _received(approved())
    ret.inspect(
        inspected=[line.model_copy(update={"condition": ItemCondition.WORN, "accepted": False})
                   for line in ret.lines],
        settlement=Settlement(accepted_line_ids=(), quote=quote(), amount=usd("0.00"),
                              applied_clauses=("COND-NEW",)),
        actor="warehouse:w@example.com", at=AT + timedelta(days=3),
    )
    assert ret.money_expected_by is None
    ret.record_refund(Refund(id="none:RMA-7Q2K9", amount=usd("0.00"), applied_clauses=("COND-NEW",),
                             issued_at=AT + timedelta(days=4), payment_reference=order.payment_reference),
                      actor="system", at=AT + timedelta(days=4))
    email = emails.refund_confirmation_email(ret, order)
    assert email.subject == "Return RMA-7Q2K9: inspected, nothing to refund"
    assert "Nothing is refunded" in email.text and "We have issued a refund" not in email.text
    assert "to reach your account" not in email.text and "expected by" not in email.text
    assert ret.money_expected_by is None


def test_the_kinds_above_are_every_customer_email_the_service_sends():
    from returns_shared.service.notify import BUILDERS

    assert set(KINDS) == set(BUILDERS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_links_the_return_page_in_text_and_html(kind):
    build = _every_kind(make_order())[kind]
    email = build(PAGE)
    assert PAGE in email.text
    assert f'<a href="{PAGE}">{PAGE}</a>' in email.html
    [line] = [line for line in email.text.splitlines() if PAGE in line]
    sentence = line.removesuffix(PAGE).strip()
    assert sentence.endswith(":") and escape(sentence) in email.html  # the same words in both parts
    without = build(None)
    assert "#/return/" not in without.text + without.html and "<a " not in without.html
    assert without.subject == email.subject and without.attachments == email.attachments


def test_the_return_page_url_is_the_portal_s_hash_route():
    from returns_shared.notifications.parts import return_page_url

    assert return_page_url("https://d1.cloudfront.net/portal/", "RMA-7Q2K9") == (
        "https://d1.cloudfront.net/portal/#/return/RMA-7Q2K9")
    assert return_page_url("http://127.0.0.1:8000/portal", "RMA-7Q2K9") == (
        "http://127.0.0.1:8000/portal/#/return/RMA-7Q2K9")
    assert return_page_url("https://x/portal/", "a/b c") == "https://x/portal/#/return/a%2Fb%20c"


def test_a_link_in_html_is_escaped():
    from returns_shared.notifications.blocks import Link, render_html, render_text
    from returns_shared.notifications.translation import translator

    link, t = Link("Page:", 'https://x/p/#/return/"><script>'), translator("en")
    assert render_text([link], t) == 'Page: https://x/p/#/return/"><script>\n'
    assert "<script>" not in render_html("t", [link], t)
    assert 'href="https://x/p/#/return/&quot;&gt;&lt;script&gt;"' in render_html("t", [link], t)
