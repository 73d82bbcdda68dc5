"""The email of a return whose prepaid label the carrier refused to sell: the customer was promised a
label, so they hear at once why none came and what they can do (LABEL-US: ship on their own with a
traceable carrier to the return address, ADDR-RETURN; or wait for customer service to get a label)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.notifications import parts
from returns_shared.notifications.blocks import Block, Heading, Important, Para, bullets, lines
from returns_shared.notifications.message import Email
from returns_shared.notifications.parts import DEFAULT_BRAND, Brand
from returns_shared.notifications.wording import ADDRESS_WARNING


def label_failed_email(ret: Return, order: Order, *, return_address: Mapping[str, Any],
                       expire_after_days: int = 30, return_page: str | None = None,
                       brand: Brand = DEFAULT_BRAND) -> Email:
    """(h) The carrier refused the prepaid label of an approved return."""
    t = parts.reader(order)
    blocks: list[Block] = [
        parts.hello(order, t),
        Para(t.gettext(
            "Your return {rma} for order {order} is approved, but we could not create your prepaid return "
            "label: the carrier would not issue one for your shipping address. Our customer service team has "
            "been told.", rma=ret.id, order=order.id)),
        Heading(t.gettext("You have two options")),
        bullets([
            t.gettext("Ship the package yourself with a traceable carrier such as USPS, UPS or FedEx (you "
                      "pay the postage, as for any return you ship on your own), and enter the tracking "
                      "number on your return page as soon as you have shipped."),
            t.gettext("Or wait: customer service will try to get you a label and email it to you when they "
                      "do."),
        ]),
        *parts.return_page(return_page, t.gettext(
            "Your return's page shows its status and ship-by date, and takes your tracking number:")),
        Heading(t.gettext("Items to pack")),
        bullets(parts.item_lines(ret, order, t)),
        Heading(t.gettext("Ship your package to")),
        lines(t.address_lines(return_address)),
        Important(t.gettext(ADDRESS_WARNING)),
        Para(t.gettext("Put a note with your RMA number {rma} inside the package.", rma=ret.id)),
        Important(parts.expiry_notice(ret, expire_after_days, t)),
        *parts.sign_off(brand, t),
    ]
    subject = t.gettext("Return {rma}: we could not create your return label", rma=ret.id)
    return parts.email(order, t, subject, blocks)
