"""The customer emails of a return, as pure functions: domain objects in, an `Email` out.

Each email is written once as blocks (see blocks.py) and rendered as text and HTML. Subjects
always carry the RMA id (the return id), which is what customers quote to customer service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.notifications.blocks import (
    Block,
    Heading,
    Important,
    Para,
    bullets,
    lines,
    render_html,
    render_text,
)
from returns_shared.notifications.formatting import address_lines, day, mask_reference, money
from returns_shared.notifications.wording import CONDITION, screening_finding, screening_request
from returns_shared.policy.decisions import Quote
from returns_shared.service.ports import Email


@dataclass(frozen=True)
class Brand:
    shop: str = "Allegra K"
    support_email: str = "cs@allegra-k.com"


DEFAULT_BRAND = Brand()

ADDRESS_WARNING = (
    "Send your package ONLY to the return address in this email. Do NOT send it to the address "
    "printed on your original package: that is not our return address, and a package sent there "
    "delays or prevents your refund. (ADDR-RETURN)"
)


# -- the emails --------------------------------------------------------------------------------


def return_instructions_email(
    ret: Return,
    order: Order,
    *,
    return_address: Mapping[str, Any],
    expire_after_days: int = 30,
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(a) A SELF_SHIP return was approved: how to ship it."""
    blocks: list[Block] = [
        _hello(order),
        Para(
            f"Good news: your return request {ret.id} for order {order.id} is approved. Please ship it yourself as described below."
        ),
        Heading("Items to pack"),
        bullets(_item_lines(ret, order)),
        Heading("Ship your package to"),
        lines(address_lines(return_address)),
        Important(ADDRESS_WARNING),
        Heading("How to ship"),
        bullets(
            [
                f"Pack the items new and unused, with their original tags and packaging, and put a note with your RMA number {ret.id} inside.",
                "Use a traceable carrier such as USPS, UPS or FedEx, and pay the postage when you ship.",
                "Keep the tracking number, and submit it on your return page as soon as you have shipped: it proves your package reached our warehouse.",
            ]
        ),
        Heading("Your refund estimate"),
        bullets(_estimate(ret.quote)),
        Para(_refund_timing(final_after_inspection=True)),
        Important(_expiry_notice(ret, expire_after_days)),
        *_sign_off(brand),
    ]
    return _email(order, f"Return {ret.id} approved: how to send your items back", blocks)


def prepaid_label_email(
    ret: Return,
    order: Order,
    *,
    return_address: Mapping[str, Any],
    label_pdf: bytes | None = None,
    label_url: str | None = None,
    url_expires_at: datetime | None = None,
    expire_after_days: int = 30,
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(b) A prepaid label was issued: attached and/or linked (the link is time-limited)."""
    if ret.label is None:
        raise ValueError(f"return {ret.id} has no label")
    if label_pdf is None and label_url is None:
        raise ValueError("the label email needs the PDF, a link to it, or both")
    label = ret.label
    fee = (
        f"Label fee: {money(label.fee)}, deducted from your refund."
        if label.fee.amount > 0
        else "The label is free: nothing is deducted from your refund."
    )
    where: list[str] = []
    if label_pdf is not None:
        where.append("Your prepaid return label is attached to this email as a PDF.")
    if label_url is not None:
        until = (
            f" (the link works until {day(url_expires_at)}; your return page can always show a new one)"
            if url_expires_at
            else ""
        )
        where.append(f"You can also download it here{until}: {label_url}")
    blocks: list[Block] = [
        _hello(order),
        Para(
            f"Your return {ret.id} for order {order.id} is approved and your {label.carrier} return label is ready."
        ),
        *(Para(text) for text in where),
        Para(f"Tracking number: {label.tracking_number}. Keep it until your refund arrives."),
        Para(fee),
        Heading("Items to pack"),
        bullets(_item_lines(ret, order)),
        Heading("How to ship"),
        bullets(
            [
                "Print the label and tape it to the outside of the package; cover or remove any old labels and barcodes.",
                f"Pack the items new and unused, with their original tags and packaging, and put a note with your RMA number {ret.id} inside.",
                f"Drop the package off at any {label.carrier} location.",
            ]
        ),
        Para("The label is addressed to our returns warehouse:"),
        lines(address_lines(return_address)),
        Important(ADDRESS_WARNING),
        Heading("Your refund estimate"),
        bullets(_estimate(ret.quote)),
        Para(_refund_timing(final_after_inspection=True)),
        Important(_expiry_notice(ret, expire_after_days)),
        *_sign_off(brand),
    ]
    attachments = (
        ((f"return-label-{ret.id}.pdf", label_pdf, "application/pdf"),)
        if label_pdf is not None
        else ()
    )
    return _email(order, f"Return {ret.id}: your prepaid return label", blocks, attachments)


def review_notice_email(
    ret: Return,
    order: Order,
    *,
    policy_clauses: Sequence[tuple[str, str]],
    brand: Brand = DEFAULT_BRAND,
) -> Email:
    """(c) Screening flagged the request: ask the customer to confirm, with the policy attached."""
    flags = ret.screening.flags if ret.screening else ()
    # two flags of one clause (e.g. SCREEN-AMOUNT's threshold and history rules) read as one finding
    requests = list(dict.fromkeys(text for text in (screening_request(flag) for flag in flags) if text))
    blocks: list[Block] = [
        _hello(order),
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
        Para(
            "Please do not ship anything yet: we will email you the return instructions once the "
            "request is approved. Our return policy is attached for reference."
        ),
        *_sign_off(brand),
    ]
    policy = policy_text(
        policy_clauses, version=ret.screening.policy_version if ret.screening else None, brand=brand
    )
    attachment = ("return-policy.txt", policy.encode("utf-8"), "text/plain")
    return _email(order, f"Return {ret.id}: please confirm a few details", blocks, (attachment,))


def declined_email(
    ret: Return, order: Order, *, reason: str | None = None, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(d) Customer service declined the request after review."""
    reason = (
        reason
        or _status_note(ret, ReturnStatus.DECLINED)
        or "The request does not meet our return policy."
    )
    blocks: list[Block] = [
        _hello(order),
        Para(
            f"We have reviewed your return request {ret.id} for order {order.id} and cannot accept it."
        ),
        Para(f"Reason: {reason}"),
        Important(
            "Please do not ship these items: we cannot accept packages without an approved return request. (REQ-FIRST)"
        ),
        Para(
            f"If you think this is a mistake, reply to this email or write to {brand.support_email}."
        ),
        *_sign_off(brand),
    ]
    return _email(order, f"Return {ret.id} declined", blocks)


def refund_confirmation_email(ret: Return, order: Order, *, brand: Brand = DEFAULT_BRAND) -> Email:
    """(e) The refund was issued (REFUND-ORIGINAL): amount, where it went, what was accepted."""
    if ret.refund is None:
        raise ValueError(f"return {ret.id} has not been refunded")
    refund = ret.refund
    expected_by = ret.refund_expected_by
    if expected_by and ret.refund_due_at:  # never promise a day already past: a late refund moves it on
        expected_by = max(expected_by, refund.issued_at + (expected_by - ret.refund_due_at))
    arrives = (
        f"Please allow 3–5 more days for the money to reach your account (expected by {day(expected_by)})."
        if expected_by
        else "Please allow 3–5 more days for the money to reach your account."
    )
    accepted, rejected = _inspection_lines(ret, order)
    blocks: list[Block] = [
        _hello(order),
        Para(
            f"We have issued a refund of {money(refund.amount)} for your return {ret.id} (order {order.id}) "
            f"on {day(refund.issued_at)}, to your original form of payment ({mask_reference(refund.payment_reference)})."
        ),
        Important(arrives),
        Heading("Items accepted"),
        bullets(accepted or ["None"]),
    ]
    if rejected:
        blocks += [
            Heading("Items not accepted"),
            Para(
                "These items did not meet our return conditions (new and unused, with tags and packaging) and were not refunded (COND-NEW):"
            ),
            bullets(rejected),
        ]
    quote = ret.settlement.quote if ret.settlement else ret.quote
    blocks += [
        Heading("How we calculated your refund"),
        bullets(
            [
                *_estimate(quote, total_label="Refund"),
                "The original shipping fee of the order is not refundable (REFUND-SHIPPING).",
            ]
        ),
        Para(f"Return policy clauses applied: {', '.join(refund.applied_clauses)}."),
        *_sign_off(brand),
    ]
    return _email(
        order, f"Return {ret.id}: your refund of {money(refund.amount)} has been issued", blocks
    )


def canceled_email(ret: Return, order: Order, *, brand: Brand = DEFAULT_BRAND) -> Email:
    """(f) The return was canceled before it shipped."""
    blocks: list[Block] = [
        _hello(order),
        Para(
            f"Your return request {ret.id} for order {order.id} has been canceled. Nothing will be refunded for it."
        ),
        *_void_label(ret),
        Para(
            "If your items are still within the return window, you can request a new return at any time."
        ),
        *_sign_off(brand),
    ]
    return _email(order, f"Return {ret.id} canceled", blocks)


def expired_email(
    ret: Return, order: Order, *, expire_after_days: int = 30, brand: Brand = DEFAULT_BRAND
) -> Email:
    """(g) The approved return never shipped within the time limit (EXPIRE-APPROVED)."""
    blocks: list[Block] = [
        _hello(order),
        Para(
            f"Your return {ret.id} for order {order.id} has expired: we received no tracking number or "
            f"carrier scan within {expire_after_days} days of its approval. (EXPIRE-APPROVED)"
        ),
        *_void_label(ret),
        Important(
            f"Please do not ship items under RMA {ret.id}: we can no longer accept them for this return."
        ),
        Para("If your items are still within the return window, you can request a new return."),
        *_sign_off(brand),
    ]
    return _email(order, f"Return {ret.id} expired", blocks)


def policy_text(
    clauses: Sequence[tuple[str, str]], *, version: str | None = None, brand: Brand = DEFAULT_BRAND
) -> str:
    """The return policy as a plain-text attachment, one clause per paragraph with its id."""
    title = f"{brand.shop} return policy" + (f" (version {version})" if version else "")
    body = "\n\n".join(f"[{clause_id}] {text.strip()}" for clause_id, text in clauses)
    return f"{title}\n{'=' * len(title)}\n\n{body}\n\nQuestions: {brand.support_email}\n"


# -- shared pieces -----------------------------------------------------------------------------


def _email(
    order: Order,
    subject: str,
    blocks: Sequence[Block],
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> Email:
    return Email(
        to=order.email,
        subject=subject,
        text=render_text(blocks),
        html=render_html(subject, blocks),
        attachments=attachments,
    )


def _hello(order: Order) -> Para:
    return Para(f"Hello {order.shipping_address.name},")


def _sign_off(brand: Brand) -> list[Block]:
    return [
        Para(f"Questions? Reply to this email or write to {brand.support_email}."),
        Para(f"{brand.shop} Customer Service"),
    ]


def _item_lines(ret: Return, order: Order) -> list[str]:
    amounts = {line.order_line_id: line.amount for line in ret.quote.lines}
    return [
        _describe(line, order)
        + (f": {money(amounts[line.order_line_id])}" if line.order_line_id in amounts else "")
        for line in ret.lines
    ]


def _describe(line: ReturnLine, order: Order) -> str:
    ordered = order.line(line.order_line_id)
    title = f"{ordered.title} (SKU {ordered.sku})" if ordered else line.order_line_id
    return f"{line.quantity} x {title}"


def _inspection_lines(ret: Return, order: Order) -> tuple[list[str], list[str]]:
    """Accepted lines (with their refunded amount) and rejected ones (with what inspection found)."""
    settled = ret.settlement.quote if ret.settlement else ret.quote
    amounts = {line.order_line_id: line.amount for line in settled.lines}
    accepted_ids = set(ret.settlement.accepted_line_ids) if ret.settlement else None
    accepted, rejected = [], []
    for line in ret.lines:
        text = _describe(line, order)
        ok = (
            line.order_line_id in accepted_ids
            if accepted_ids is not None
            else line.accepted is not False
        )
        if ok:
            amount = amounts.get(line.order_line_id)
            accepted.append(f"{text}: {money(amount)}" if amount else text)
        else:
            why = CONDITION.get(line.condition) if line.condition else None
            rejected.append(f"{text}: {why}" if why else text)
    return accepted, rejected


def _estimate(quote: Quote, *, total_label: str = "Estimated refund") -> list[str]:
    rows = [f"Items: {money(quote.items_subtotal)}"]
    if quote.label_fee.amount > 0:
        rows.append(f"Return label fee: -{money(quote.label_fee)}")
    if quote.shipping_credit.amount > 0:
        rows.append(f"Return shipping credit: +{money(quote.shipping_credit)}")
    rows.append(f"{total_label}: {money(quote.total)}")
    return rows


def _refund_timing(*, final_after_inspection: bool) -> str:
    text = (
        "We issue your refund within 7 days after your package reaches our warehouse, to your original "
        "form of payment; then allow 3–5 more days for the money to arrive."
    )
    if final_after_inspection:
        text += " The final amount is confirmed when we have inspected the items."
    return text


def _expiry_notice(ret: Return, days: int) -> str:
    if ret.approved_at is None:
        return f"Please ship within {days} days of approval, or this return expires."
    deadline = ret.approved_at + timedelta(days=days)
    return f"Please ship within {days} days: if your package has not shipped by {day(deadline)}, this return expires and you would need to request a new one."


def _void_label(ret: Return) -> list[Block]:
    if ret.label is None:
        return []
    return [
        Important(
            f"The prepaid return label for this return ({ret.label.tracking_number}) is no longer valid: please do not use it."
        )
    ]


def _status_note(ret: Return, status: ReturnStatus) -> str | None:
    return next(
        (event.note for event in reversed(ret.timeline) if event.status == status and event.note),
        None,
    )
