"""The customer emails of a return, as pure functions: domain objects in, an `Email` out.

Each email is written once as blocks (see blocks.py) and rendered as text and HTML. Subjects
always carry the RMA id (the return id), which is what customers quote to customer service.
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
from returns_shared.notifications.formatting import address_lines, day, money
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
    blocks: list[Block] = [
        parts.hello(order),
        Para(
            f"Good news: your return request {ret.id} for order {order.id} is approved. Please ship it "
            "yourself as described below."
        ),
        *parts.return_page(
            return_page,
            "Your return's page shows its status, ship-by date and refund, and takes your tracking number:",
        ),
        Heading("Items to pack"),
        bullets(parts.item_lines(ret, order)),
        Heading("Ship your package to"),
        lines(address_lines(return_address)),
        Important(ADDRESS_WARNING),
        Heading("How to ship"),
        bullets(
            [
                "Pack the items new and unused, with their original tags and packaging, and put a note "
                f"with your RMA number {ret.id} inside.",
                "Use a traceable carrier such as USPS, UPS or FedEx, and pay the postage when you ship.",
                "Keep the tracking number, and submit it on your return page as soon as you have shipped: "
                "it proves your package reached our warehouse.",
            ]
        ),
        Heading("Your refund estimate"),
        bullets(parts.estimate(ret.quote)),
        Para(parts.refund_timing(final_after_inspection=True)),
        Important(parts.expiry_notice(ret, expire_after_days)),
        *parts.sign_off(brand),
    ]
    return parts.email(order, f"Return {ret.id} approved: how to send your items back", blocks)


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
    fee = (
        f"Label fee: {money(label.fee)}, deducted from your refund."
        if label.fee.amount > 0
        else "The label is free: nothing is deducted from your refund."
    )
    blocks: list[Block] = [
        parts.hello(order),
        Para(
            f"Your return {ret.id} for order {order.id} is approved and your {label.carrier} return label "
            "is ready."
        ),
        Para("Your prepaid return label is attached to this email as a PDF."),
        *(
            parts.return_page(
                return_page,
                "Your return's page always has a fresh download link, with the status, ship-by date and "
                "refund:",
            )
            or [Para("Your return's page in our returns portal always has a fresh download link.")]
        ),
        Para(f"Tracking number: {label.tracking_number}. Keep it until your refund arrives."),
        Para(fee),
        Heading("Items to pack"),
        bullets(parts.item_lines(ret, order)),
        Heading("How to ship"),
        bullets(
            [
                "Print the label and tape it to the outside of the package; cover or remove any old labels "
                "and barcodes.",
                "Pack the items new and unused, with their original tags and packaging, and put a note "
                f"with your RMA number {ret.id} inside.",
                f"Drop the package off at any {label.carrier} location.",
            ]
        ),
        Para("The label is addressed to our returns warehouse:"),
        lines(address_lines(return_address)),
        Important(ADDRESS_WARNING),
        Heading("Your refund estimate"),
        bullets(parts.estimate(ret.quote)),
        Para(parts.refund_timing(final_after_inspection=True)),
        Important(parts.expiry_notice(ret, expire_after_days)),
        *parts.sign_off(brand),
    ]
    attachment = (f"return-label-{ret.id}.pdf", label_pdf, "application/pdf")
    return parts.email(order, f"Return {ret.id}: your prepaid return label", blocks, (attachment,))


def review_notice_email(
    ret: Return,
    order: Order,
    *,
    policy_clauses: Sequence[tuple[str, str]],
    return_page: str | None = None,
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(c) Screening flagged the request: ask the customer to confirm, with the policy attached."""
    flags = ret.screening.flags if ret.screening else ()
    # two flags of one clause (e.g. SCREEN-AMOUNT's threshold and history rules) read as one finding
    requests = list(dict.fromkeys(text for text in (screening_request(flag) for flag in flags) if text))
    blocks: list[Block] = [
        parts.hello(order),
        Para(
            f"Thank you for your return request {ret.id} for order {order.id}. To keep your order safe, "
            "our return policy asks us to confirm a few details with you before we approve a return. "
            "Our checks found:"
        ),
        bullets(
            list(dict.fromkeys(screening_finding(flag) for flag in flags))
            or ["Some details of the order need a check."]
        ),
        Heading("What we need from you"),
        bullets(
            [
                *requests,
                f"Reply to this email (or write to {brand.support_email}) with your RMA number {ret.id}.",
            ]
        ),
        Heading("What happens next"),
        Para(
            "Customer service reads your reply with your request (REVIEW-SLA: a review takes at most 2 "
            "business days) and emails you the decision: if it is approved, the return instructions follow "
            "at once; if not, the reason. Please do not ship anything yet. Our return policy is attached "
            "for reference."
        ),
        *parts.return_page(return_page, "Your request's page shows where it stands:"),
        *parts.sign_off(brand),
    ]
    policy = parts.policy_text(
        policy_clauses, version=ret.screening.policy_version if ret.screening else None, brand=brand
    )
    attachment = ("return-policy.txt", policy.encode("utf-8"), "text/plain")
    return parts.email(order, f"Return {ret.id}: please confirm a few details", blocks, (attachment,))


def declined_email(ret: Return, order: Order, *, reason: str | None = None,
                   return_page: str | None = None, brand: Brand = DEFAULT_BRAND) -> Email:
    """(d) Customer service declined the request after review."""
    reason = (
        reason
        or parts.status_note(ret, ReturnStatus.DECLINED)
        or "The request does not meet our return policy."
    )
    blocks: list[Block] = [
        parts.hello(order),
        Para(f"We have reviewed your return request {ret.id} for order {order.id} and cannot accept it."),
        Para(f"Reason: {reason}"),
        Important(
            "Please do not ship these items: we cannot accept packages without an approved return request. "
            "(REQ-FIRST)"
        ),
        *parts.return_page(return_page, "Your request's page:"),
        Para(f"If you think this is a mistake, reply to this email or write to {brand.support_email}."),
        *parts.sign_off(brand),
    ]
    return parts.email(order, f"Return {ret.id} declined", blocks)


def refund_confirmation_email(
    ret: Return, order: Order, *, return_page: str | None = None, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(e) The refund was issued (REFUND-ORIGINAL): amount, where it went, what was accepted."""
    if ret.refund is None:
        raise ValueError(f"return {ret.id} has not been refunded")
    refund = ret.refund
    expected_by = ret.refund_expected_by
    if expected_by and ret.refund_due_at:  # the processing window counted from the refund itself: never a
        expected_by = refund.issued_at + (expected_by - ret.refund_due_at)  # day past, nor a week late
    arrives = (
        f"Please allow 3–5 more days for the money to reach your account (expected by {day(expected_by)})."
        if expected_by
        else "Please allow 3–5 more days for the money to reach your account."
    )
    accepted, rejected = parts.inspection_lines(ret, order)
    blocks: list[Block] = [
        parts.hello(order),
        Para(
            f"We have issued a refund of {money(refund.amount)} for your return {ret.id} (order {order.id}) "
            # the card or account the order was paid with: the provider's payment id (pi_...) would
            # mean nothing to the customer, even masked
            f"on {day(refund.issued_at)}, to the card or account you paid for the order with."
        ),
        Important(arrives),
        *parts.return_page(return_page, "Your return's page shows the refund and its timeline:"),
        Heading("Items accepted"),
        bullets(accepted or ["None"]),
    ]
    if rejected:
        blocks += [
            Heading("Items not accepted"),
            Para(
                "These items did not meet our return conditions (new and unused, with tags and packaging) "
                "and were not refunded (COND-NEW):"
            ),
            bullets(rejected),
        ]
    quote = ret.settlement.quote if ret.settlement else ret.quote
    blocks += [
        Heading("How we calculated your refund"),
        bullets(
            [
                *parts.estimate(quote, total_label="Refund"),
                "The original shipping fee of the order is not refundable (REFUND-SHIPPING).",
            ]
        ),
        Para(f"Return policy clauses applied: {', '.join(refund.applied_clauses)}."),
        *parts.sign_off(brand),
    ]
    return parts.email(
        order, f"Return {ret.id}: your refund of {money(refund.amount)} has been issued", blocks
    )


def canceled_email(
    ret: Return, order: Order, *, return_page: str | None = None, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(f) The return was canceled before it shipped."""
    blocks: list[Block] = [
        parts.hello(order),
        Para(
            f"Your return request {ret.id} for order {order.id} has been canceled. Nothing will be "
            "refunded for it."
        ),
        *parts.void_label(ret),
        *parts.return_page(return_page, "Your return's page:"),
        Para("If your items are still within the return window, you can request a new return at any time."),
        *parts.sign_off(brand),
    ]
    return parts.email(order, f"Return {ret.id} canceled", blocks)


def expired_email(ret: Return, order: Order, *, expire_after_days: int = 30,
                  return_page: str | None = None, brand: Brand = DEFAULT_BRAND) -> Email:
    """(g) The approved return never shipped within the time limit (EXPIRE-APPROVED)."""
    blocks: list[Block] = [
        parts.hello(order),
        Para(
            f"Your return {ret.id} for order {order.id} has expired: we received no tracking number or "
            f"carrier scan within {expire_after_days} days of its approval. (EXPIRE-APPROVED)"
        ),
        *parts.void_label(ret),
        Important(
            f"Please do not ship items under RMA {ret.id}: we can no longer accept them for this return."
        ),
        *parts.return_page(return_page, "Your return's page:"),
        Para("If your items are still within the return window, you can request a new return."),
        *parts.sign_off(brand),
    ]
    return parts.email(order, f"Return {ret.id} expired", blocks)
