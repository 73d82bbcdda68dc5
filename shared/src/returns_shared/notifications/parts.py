"""The pieces several customer emails share: greeting, sign-off, item and amount lines, notices.

Each takes the reader's `Translator` (`t`): its words and its formats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from returns_shared.domain.decisions import Quote
from returns_shared.domain.languages import email_language
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return, ReturnLine
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.notifications.blocks import Block, Important, Link, Para, render_html, render_text
from returns_shared.notifications.message import Email
from returns_shared.notifications.translation import Translator, translator
from returns_shared.notifications.wording import CONDITION


@dataclass(frozen=True)
class Brand:
    shop: str = "Allegra K"
    support_email: str = "cs@allegra-k.com"


DEFAULT_BRAND = Brand()


def reader(order: Order) -> Translator:
    """The translator of the customer's language (domain.languages.email_language)."""
    return translator(email_language(order.locale, order.shipping_address.country_code))


def return_page_url(portal_url: str, return_id: str) -> str:
    """The portal's page of one return: its hash route `#/return/<id>` (web/portal/portal.js)."""
    base = portal_url if portal_url.endswith("/") else portal_url + "/"
    return f"{base}#/return/{quote(return_id, safe='')}"


def return_page(url: str | None, text: str) -> list[Block]:
    """The link to the return's page, when the portal's address is known (an email goes without it
    rather than not at all)."""
    return [Link(text, url)] if url else []


def email(
    order: Order,
    t: Translator,
    subject: str,
    blocks: Sequence[Block],
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> Email:
    return Email(
        to=order.email,
        subject=subject,
        text=render_text(blocks, t),
        html=render_html(subject, blocks, t),
        attachments=attachments,
    )


def hello(order: Order, t: Translator) -> Para:
    return Para(t.gettext("Hello {name},", name=order.shipping_address.name))


def sign_off(brand: Brand, t: Translator) -> list[Block]:
    return [
        Para(t.gettext("Questions? Reply to this email or write to {support}.", support=brand.support_email)),
        Para(t.gettext("{shop} Customer Service", shop=brand.shop)),
    ]


def item_lines(ret: Return, order: Order, t: Translator) -> list[str]:
    amounts = {line.order_line_id: line.amount for line in ret.quote.lines}
    return [
        priced(describe(line, order, t), amounts.get(line.order_line_id), t) for line in ret.lines
    ]


def priced(item: str, amount: Money | None, t: Translator) -> str:
    """An item line with its amount, or as it is when it has none."""
    return t.gettext("{item}: {amount}", item=item, amount=t.money(amount)) if amount is not None else item


def describe(line: ReturnLine, order: Order, t: Translator) -> str:
    ordered = order.line(line.order_line_id)
    if ordered is None:
        return t.gettext("{quantity} × item {line}", quantity=line.quantity, line=line.order_line_id)
    return t.gettext("{quantity} × {title} (SKU {sku})", quantity=line.quantity, title=ordered.title,
                     sku=ordered.sku)


def inspection_lines(ret: Return, order: Order, t: Translator) -> tuple[list[str], list[str]]:
    """Accepted lines (with their refunded amount) and rejected ones (with what inspection found)."""
    settled = ret.settlement.quote if ret.settlement else ret.quote
    amounts = {line.order_line_id: line.amount for line in settled.lines}
    accepted_ids = set(ret.settlement.accepted_line_ids) if ret.settlement else None
    accepted, rejected = [], []
    for line in ret.lines:
        text = describe(line, order, t)
        ok = (
            line.order_line_id in accepted_ids
            if accepted_ids is not None
            else line.accepted is not False
        )
        if ok:
            accepted.append(priced(text, amounts.get(line.order_line_id), t))
        else:
            why = CONDITION.get(line.condition) if line.condition else None
            finding = t.gettext(why) if why else None
            item = t.gettext("{item}: {finding}", item=text, finding=finding) if finding else text
            # what the warehouse saw, quoted as written (staff words, not translated)
            note = line.inspection_note
            if note:
                item = t.gettext("{item}. Our warehouse noted: “{note}”", item=item, note=note)
            rejected.append(item)
    return accepted, rejected


def estimate(quote: Quote, t: Translator, *, final: bool = False) -> list[str]:
    """The refund's parts; `final`: the refund paid, not an estimate."""
    rows = [t.gettext("Items: {amount}", amount=t.money(quote.items_subtotal))]
    if quote.label_fee.amount > 0:
        deducted = Money.zero(quote.label_fee.currency) - quote.label_fee  # written with the language's minus
        rows.append(t.gettext("Return label fee: {amount}", amount=t.money(deducted)))
    if quote.shipping_credit.amount > 0:
        rows.append(t.gettext("Return shipping credit: +{amount}", amount=t.money(quote.shipping_credit)))
    total = t.money(quote.total)
    rows.append(t.gettext("Refund: {amount}", amount=total) if final
                else t.gettext("Estimated refund: {amount}", amount=total))
    return rows


def expected_refund(ret: Return, t: Translator) -> list[Block]:
    """The one date a customer is promised for the money (the return's page shows the same date)."""
    expected = ret.money_expected_by
    if expected is None:
        return []
    return [Important(t.gettext("Expected in your account by {day}, once the refund is issued.",
                                day=t.day(expected)))]


def refund_timing(t: Translator, *, final_after_inspection: bool) -> str:
    if final_after_inspection:
        return t.gettext(
            "We issue your refund within 7 days after your package reaches our warehouse, to your original "
            "form of payment; then allow 3–5 more days for the money to arrive. The final amount is "
            "confirmed when we have inspected the items."
        )
    return t.gettext(
        "We issue your refund within 7 days after your package reaches our warehouse, to your original "
        "form of payment; then allow 3–5 more days for the money to arrive."
    )


def expiry_notice(ret: Return, days: int, t: Translator) -> str:
    if ret.approved_at is None:
        return t.ngettext("Please ship within {count} day of approval, or this return expires.",
                          "Please ship within {count} days of approval, or this return expires.", days)
    deadline = ret.approved_at + timedelta(days=days)
    return t.ngettext(
        "Please ship within {count} day: if your package has not shipped by {deadline}, this return "
        "expires and you would need to request a new one.",
        "Please ship within {count} days: if your package has not shipped by {deadline}, this return "
        "expires and you would need to request a new one.",
        days, deadline=t.day(deadline),
    )


def void_label(ret: Return, t: Translator) -> list[Block]:
    if ret.label is None:
        return []
    return [
        Important(t.gettext(
            "The prepaid return label for this return ({tracking}) is no longer valid: please do not use it.",
            tracking=ret.label.tracking_number,
        ))
    ]


def status_note(ret: Return, status: ReturnStatus) -> str | None:
    return next(
        (event.note for event in reversed(ret.timeline) if event.status == status and event.note),
        None,
    )


def policy_text(
    clauses: Sequence[tuple[str, str]], *, version: str | None = None, brand: Brand = DEFAULT_BRAND
) -> str:
    """The return policy as a plain-text attachment, one clause per paragraph with its id. Always in
    English: the merchant's text is the binding version (the emails say so in the reader's language)."""
    title = f"{brand.shop} return policy" + (f" (version {version})" if version else "")
    body = "\n\n".join(f"[{clause_id}] {text.strip()}" for clause_id, text in clauses)
    return f"{title}\n{'=' * len(title)}\n\n{body}\n\nQuestions: {brand.support_email}\n"
