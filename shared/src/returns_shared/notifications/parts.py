"""The pieces several customer emails share: greeting, sign-off, item and amount lines, notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from returns_shared.domain.decisions import Quote
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.notifications.blocks import Block, Important, Link, Para, render_html, render_text
from returns_shared.notifications.formatting import day, money
from returns_shared.notifications.message import Email
from returns_shared.notifications.wording import CONDITION


@dataclass(frozen=True)
class Brand:
    shop: str = "Allegra K"
    support_email: str = "cs@allegra-k.com"


DEFAULT_BRAND = Brand()
RETURN_PAGE = "Your return's page shows its status, ship-by date and refund at any time:"


def return_page_url(portal_url: str, return_id: str) -> str:
    """The portal's page of one return: its hash route `#/return/<id>` (web/portal/portal.js)."""
    base = portal_url if portal_url.endswith("/") else portal_url + "/"
    return f"{base}#/return/{quote(return_id, safe='')}"


def return_page(url: str | None, text: str = RETURN_PAGE) -> list[Block]:
    """The link to the return's page, when the portal's address is known (an email goes without it
    rather than not at all)."""
    return [Link(text, url)] if url else []


def email(
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


def hello(order: Order) -> Para:
    return Para(f"Hello {order.shipping_address.name},")


def sign_off(brand: Brand) -> list[Block]:
    return [
        Para(f"Questions? Reply to this email or write to {brand.support_email}."),
        Para(f"{brand.shop} Customer Service"),
    ]


def item_lines(ret: Return, order: Order) -> list[str]:
    amounts = {line.order_line_id: line.amount for line in ret.quote.lines}
    return [
        describe(line, order)
        + (f": {money(amounts[line.order_line_id])}" if line.order_line_id in amounts else "")
        for line in ret.lines
    ]


def describe(line: ReturnLine, order: Order) -> str:
    ordered = order.line(line.order_line_id)
    title = f"{ordered.title} (SKU {ordered.sku})" if ordered else line.order_line_id
    return f"{line.quantity} x {title}"


def inspection_lines(ret: Return, order: Order) -> tuple[list[str], list[str]]:
    """Accepted lines (with their refunded amount) and rejected ones (with what inspection found)."""
    settled = ret.settlement.quote if ret.settlement else ret.quote
    amounts = {line.order_line_id: line.amount for line in settled.lines}
    accepted_ids = set(ret.settlement.accepted_line_ids) if ret.settlement else None
    accepted, rejected = [], []
    for line in ret.lines:
        text = describe(line, order)
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
            seen = f" Our warehouse noted: “{line.inspection_note}”" if line.inspection_note else ""
            rejected.append((f"{text}: {why}." if why else f"{text}.") + seen)
    return accepted, rejected


def estimate(quote: Quote, *, total_label: str = "Estimated refund") -> list[str]:
    rows = [f"Items: {money(quote.items_subtotal)}"]
    if quote.label_fee.amount > 0:
        rows.append(f"Return label fee: -{money(quote.label_fee)}")
    if quote.shipping_credit.amount > 0:
        rows.append(f"Return shipping credit: +{money(quote.shipping_credit)}")
    rows.append(f"{total_label}: {money(quote.total)}")
    return rows


def expected_refund(ret: Return) -> list[Block]:
    """The one date a customer is promised for the money (the return's page shows the same date)."""
    expected = ret.money_expected_by
    if expected is None:
        return []
    return [Important(f"Expected in your account by {day(expected)}, once the refund is issued.")]


def refund_timing(*, final_after_inspection: bool) -> str:
    text = (
        "We issue your refund within 7 days after your package reaches our warehouse, to your original "
        "form of payment; then allow 3–5 more days for the money to arrive."
    )
    if final_after_inspection:
        text += " The final amount is confirmed when we have inspected the items."
    return text


def expiry_notice(ret: Return, days: int) -> str:
    if ret.approved_at is None:
        return f"Please ship within {days} days of approval, or this return expires."
    deadline = ret.approved_at + timedelta(days=days)
    return (
        f"Please ship within {days} days: if your package has not shipped by {day(deadline)}, this return "
        "expires and you would need to request a new one."
    )


def void_label(ret: Return) -> list[Block]:
    if ret.label is None:
        return []
    return [
        Important(
            f"The prepaid return label for this return ({ret.label.tracking_number}) is no longer valid: "
            "please do not use it."
        )
    ]


def status_note(ret: Return, status: ReturnStatus) -> str | None:
    return next(
        (event.note for event in reversed(ret.timeline) if event.status == status and event.note),
        None,
    )


def policy_text(
    clauses: Sequence[tuple[str, str]], *, version: str | None = None, brand: Brand = DEFAULT_BRAND
) -> str:
    """The return policy as a plain-text attachment, one clause per paragraph with its id."""
    title = f"{brand.shop} return policy" + (f" (version {version})" if version else "")
    body = "\n\n".join(f"[{clause_id}] {text.strip()}" for clause_id, text in clauses)
    return f"{title}\n{'=' * len(title)}\n\n{body}\n\nQuestions: {brand.support_email}\n"
