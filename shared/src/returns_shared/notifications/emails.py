"""The customer emails of a return, as pure functions: domain objects in, an `Email` out.

Each email is written once as blocks (see blocks.py) and rendered as text and HTML, in the
customer's language (`parts.reader`: the order's locale, else the shipping country's language, else
English; see translation.py). Subjects always carry the RMA id (the return id), which is what
customers quote to customer service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.notifications import parts
from returns_shared.notifications.blocks import (
    Block,
    Heading,
    Important,
    Para,
    bullets,
    lines,
)
from returns_shared.notifications.message import Email
from returns_shared.notifications.parts import DEFAULT_BRAND, Brand
from returns_shared.notifications.wording import ADDRESS_WARNING, screening_finding, screening_request

# -- the emails --------------------------------------------------------------------------------


def return_instructions_email(
    ret: Return,
    order: Order,
    *,
    return_address: Mapping[str, Any],
    expire_after_days: int = 30,
    return_page: str | None = None,
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(a) A SELF_SHIP return was approved: how to ship it."""
    t = parts.reader(order)
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext(
            "Good news: your return request {rma} for order {order} is approved. Please ship it yourself as "
            "described below.", rma=ret.id, order=order.id)),
        *parts.return_page(return_page, t.gettext(
            "Your return's page shows its status, ship-by date and refund, and takes your tracking number:")),
        Heading(t.gettext("Items to pack")),
        bullets(parts.item_lines(ret, order, t)),
        Heading(t.gettext("Ship your package to")),
        lines(t.address_lines(return_address)),
        Important(t.gettext(ADDRESS_WARNING)),
        Heading(t.gettext("How to ship")),
        bullets(
            [
                t.gettext("Pack the items new and unused, with their original tags and packaging, and put a "
                          "note with your RMA number {rma} inside.", rma=ret.id),
                t.gettext("Use a traceable carrier such as USPS, UPS or FedEx, and pay the postage when you "
                          "ship."),
                t.gettext("Keep the tracking number, and submit it on your return page as soon as you have "
                          "shipped: it proves your package reached our warehouse."),
            ]
        ),
        Heading(t.gettext("Your refund estimate")),
        bullets(parts.estimate(ret.quote, t)),
        Para(parts.refund_timing(t, final_after_inspection=True)),
        Important(parts.expiry_notice(ret, expire_after_days, t)),
        *parts.sign_off(brand, t),
    ]
    subject = t.gettext("Return {rma} approved: how to send your items back", rma=ret.id)
    return parts.email(order, t, subject, blocks)


def prepaid_label_email(
    ret: Return,
    order: Order,
    *,
    return_address: Mapping[str, Any],
    label_pdf: bytes,
    expire_after_days: int = 30,
    return_page: str | None = None,
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(b) A prepaid label was issued: the PDF attached, and the return's page for a fresh copy (no
    presigned link: it would be dead long before the customer comes back to the email)."""
    if ret.label is None:
        raise ValueError(f"return {ret.id} has no label")
    label = ret.label
    t = parts.reader(order)
    fee = (
        t.gettext("Label fee: {amount}, deducted from your refund.", amount=t.money(label.fee))
        if label.fee.amount > 0
        else t.gettext("The label is free: nothing is deducted from your refund.")
    )
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext("Your return {rma} for order {order} is approved and your {carrier} return label is "
                       "ready.", rma=ret.id, order=order.id, carrier=label.carrier)),
        Para(t.gettext("Your prepaid return label is attached to this email as a PDF.")),
        *(
            parts.return_page(return_page, t.gettext(
                "Your return's page always has a fresh download link, with the status, ship-by date and "
                "refund:"))
            or [Para(t.gettext("Your return's page in our returns portal always has a fresh download link."))]
        ),
        Para(t.gettext("Tracking number: {tracking}. Keep it until your refund arrives.",
                       tracking=label.tracking_number)),
        Para(fee),
        Heading(t.gettext("Items to pack")),
        bullets(parts.item_lines(ret, order, t)),
        Heading(t.gettext("How to ship")),
        bullets(
            [
                t.gettext("Print the label and tape it to the outside of the package; cover or remove any "
                          "old labels and barcodes."),
                t.gettext("Pack the items new and unused, with their original tags and packaging, and put a "
                          "note with your RMA number {rma} inside.", rma=ret.id),
                t.gettext("Drop the package off at any {carrier} location.", carrier=label.carrier),
            ]
        ),
        Para(t.gettext("The label is addressed to our returns warehouse:")),
        lines(t.address_lines(return_address)),
        Important(t.gettext(ADDRESS_WARNING)),
        Heading(t.gettext("Your refund estimate")),
        bullets(parts.estimate(ret.quote, t)),
        Para(parts.refund_timing(t, final_after_inspection=True)),
        Important(parts.expiry_notice(ret, expire_after_days, t)),
        *parts.sign_off(brand, t),
    ]
    attachment = (f"return-label-{ret.id}.pdf", label_pdf, "application/pdf")
    subject = t.gettext("Return {rma}: your prepaid return label", rma=ret.id)
    return parts.email(order, t, subject, blocks, (attachment,))


def review_notice_email(
    ret: Return,
    order: Order,
    *,
    policy_clauses: Sequence[tuple[str, str]],
    review_business_days: int,
    return_page: str | None = None,
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(c) Screening flagged the request: ask the customer to confirm, say what happens next (a decision
    within the policy's REVIEW-SLA business days, `review_business_days`), with the policy attached (in
    English, the binding version: a translated email says so)."""
    t = parts.reader(order)
    flags = ret.screening.flags if ret.screening else ()
    # two flags of one clause (e.g. SCREEN-AMOUNT's threshold and history rules) read as one finding
    requests = list(dict.fromkeys(text for text in (screening_request(flag, t) for flag in flags) if text))
    decision = t.ngettext(
        "Customer service reads your reply with your request and decides within {count} business day "
        "(REVIEW-SLA). Either way, we email you: the return instructions if the return is approved, the "
        "reason if it is not.",
        "Customer service reads your reply with your request and decides within {count} business days "
        "(REVIEW-SLA). Either way, we email you: the return instructions if the return is approved, the "
        "reason if it is not.",
        review_business_days)
    # Translators: the attached policy stays in English, the binding version: say so in the translation.
    attached = t.gettext(
        "Please do not ship anything until then. Our return policy is attached for reference.")
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext(
            "Thank you for your return request {rma} for order {order}. To keep your order safe, our return "
            "policy asks us to confirm a few details with you before we approve a return. Our checks found:",
            rma=ret.id, order=order.id)),
        bullets(
            list(dict.fromkeys(screening_finding(flag, t) for flag in flags))
            or [t.gettext("Some details of the order need a check.")]
        ),
        Heading(t.gettext("What we need from you")),
        bullets(
            [
                *requests,
                t.gettext("Reply to this email (or write to {support}) with your RMA number {rma}.",
                          support=brand.support_email, rma=ret.id),
            ]
        ),
        Heading(t.gettext("What happens next")),
        Para(decision),
        Para(attached),
        *parts.return_page(return_page, t.gettext("Your request's page shows where it stands:")),
        *parts.sign_off(brand, t),
    ]
    policy = parts.policy_text(
        policy_clauses, version=ret.screening.policy_version if ret.screening else None, brand=brand
    )
    attachment = ("return-policy.txt", policy.encode("utf-8"), "text/plain")
    subject = t.gettext("Return {rma}: please confirm a few details", rma=ret.id)
    return parts.email(order, t, subject, blocks, (attachment,))


def declined_email(ret: Return, order: Order, *, reason: str | None = None,
                   return_page: str | None = None, brand: Brand = DEFAULT_BRAND) -> Email:
    """(d) Customer service declined the request after review (the agent's reason as they wrote it)."""
    t = parts.reader(order)
    reason = (
        reason
        or parts.status_note(ret, ReturnStatus.DECLINED)
        or t.gettext("The request does not meet our return policy.")
    )
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext("We have reviewed your return request {rma} for order {order} and cannot accept it.",
                       rma=ret.id, order=order.id)),
        Para(t.gettext("Reason: {reason}", reason=reason)),
        Important(t.gettext(
            "Please do not ship these items: we cannot accept packages without an approved return request. "
            "(REQ-FIRST)")),
        *parts.return_page(return_page, t.gettext("Your request's page:")),
        Para(t.gettext("If you think this is a mistake, reply to this email or write to {support}.",
                       support=brand.support_email)),
        *parts.sign_off(brand, t),
    ]
    return parts.email(order, t, t.gettext("Return {rma} declined", rma=ret.id), blocks)


def received_email(
    ret: Return, order: Order, *, return_page: str | None = None, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(h) The warehouse received the package: what happens next and when the money should arrive."""
    t = parts.reader(order)
    arrived = (
        t.gettext("Your package for return {rma} (order {order}) arrived at our warehouse on {day}.",
                  rma=ret.id, order=order.id, day=t.day(ret.received_at))
        if ret.received_at
        else t.gettext("Your package for return {rma} (order {order}) arrived at our warehouse.",
                       rma=ret.id, order=order.id)
    )
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(arrived),
        Heading(t.gettext("What happens next")),
        bullets(
            [
                t.gettext("We inspect each item: it must be new and unused, with its tags and packaging "
                          "(COND-NEW)."),
                t.gettext("We issue your refund within 7 days of receiving the package, to the card or "
                          "account you paid for the order with (REFUND-7D)."),
                t.gettext("We email you when the refund is issued, with the amount and what was accepted."),
            ]
        ),
        Heading(t.gettext("Your refund estimate")),
        bullets(parts.estimate(ret.quote, t)),
        *parts.expected_refund(ret, t),
        *parts.return_page(
            return_page, t.gettext("Your return's page shows the inspection and the refund as they happen:")
        ),
        *parts.sign_off(brand, t),
    ]
    return parts.email(order, t, t.gettext("Return {rma}: we received your package", rma=ret.id), blocks)


def refund_confirmation_email(
    ret: Return, order: Order, *, return_page: str | None = None, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(e) The refund was issued (REFUND-ORIGINAL): amount, where it went, what was accepted."""
    if ret.refund is None:
        raise ValueError(f"return {ret.id} has not been refunded")
    refund = ret.refund
    t = parts.reader(order)
    expected_by = ret.money_expected_by
    arrives = (
        t.gettext("Please allow 3–5 more days for the money to reach your account (expected by {day}).",
                  day=t.day(expected_by))
        if expected_by
        else t.gettext("Please allow 3–5 more days for the money to reach your account.")
    )
    accepted, rejected = parts.inspection_lines(ret, order, t)
    nothing = refund.amount.amount <= 0  # nothing is paid, so no money is on its way either
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext(
            "Our warehouse inspected your return {rma} (order {order}). Nothing is refunded: below is what "
            "was accepted and how the amount was worked out.", rma=ret.id, order=order.id)
            if nothing else t.gettext(
            # the card or account the order was paid with: the provider's payment id (pi_...) would
            # mean nothing to the customer, even masked
            "We have issued a refund of {amount} for your return {rma} (order {order}) on {day}, to the card "
            "or account you paid for the order with.",
            amount=t.money(refund.amount), rma=ret.id, order=order.id, day=t.day(refund.issued_at))),
        *([] if nothing else [Important(arrives)]),
        *parts.return_page(return_page, t.gettext("Your return's page shows the refund and its timeline:")),
        Heading(t.gettext("Items accepted")),
        bullets(accepted or [t.gettext("None")]),
    ]
    if rejected:
        blocks += [
            Heading(t.gettext("Items not accepted")),
            Para(t.gettext(
                "These items did not meet our return conditions (new and unused, with tags and packaging) "
                "and were not refunded (COND-NEW):")),
            bullets(rejected),
        ]
        if any(line.photos and line.accepted is False for line in ret.lines):
            blocks.append(Para(t.gettext("Our warehouse's photos of these items are on your return's page.")))
    quote = ret.settlement.quote if ret.settlement else ret.quote
    blocks += [
        Heading(t.gettext("How we calculated your refund")),
        bullets(
            [
                *parts.estimate(quote, t, final=True),
                t.gettext("The original shipping fee of the order is not refundable (REFUND-SHIPPING)."),
            ]
        ),
        Para(t.gettext("Return policy clauses applied: {clauses}.",
                       clauses=", ".join(refund.applied_clauses))),
        *parts.sign_off(brand, t),
    ]
    subject = t.gettext("Return {rma}: inspected, nothing to refund", rma=ret.id) if nothing else t.gettext(
        "Return {rma}: your refund of {amount} has been issued", rma=ret.id, amount=t.money(refund.amount))
    return parts.email(order, t, subject, blocks)


def canceled_email(
    ret: Return, order: Order, *, return_page: str | None = None, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(f) The return was canceled before it shipped."""
    t = parts.reader(order)
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext("Your return request {rma} for order {order} has been canceled. Nothing will be "
                       "refunded for it.", rma=ret.id, order=order.id)),
        *parts.void_label(ret, t),
        *parts.return_page(return_page, t.gettext("Your return's page:")),
        Para(t.gettext("If your items are still within the return window, you can request a new return at "
                       "any time.")),
        *parts.sign_off(brand, t),
    ]
    return parts.email(order, t, t.gettext("Return {rma} canceled", rma=ret.id), blocks)


def expired_email(ret: Return, order: Order, *, expire_after_days: int = 30,
                  return_page: str | None = None, brand: Brand = DEFAULT_BRAND) -> Email:
    """(g) The approved return never shipped within the time limit (EXPIRE-APPROVED)."""
    t = parts.reader(order)
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.ngettext(
            "Your return {rma} for order {order} has expired: we received no tracking number or carrier scan "
            "within {count} day of its approval. (EXPIRE-APPROVED)",
            "Your return {rma} for order {order} has expired: we received no tracking number or carrier scan "
            "within {count} days of its approval. (EXPIRE-APPROVED)",
            expire_after_days, rma=ret.id, order=order.id)),
        *parts.void_label(ret, t),
        Important(t.gettext("Please do not ship items under RMA {rma}: we can no longer accept them for this "
                            "return.", rma=ret.id)),
        *parts.return_page(return_page, t.gettext("Your return's page:")),
        Para(t.gettext("If your items are still within the return window, you can request a new return.")),
        *parts.sign_off(brand, t),
    ]
    return parts.email(order, t, t.gettext("Return {rma} expired", rma=ret.id), blocks)
