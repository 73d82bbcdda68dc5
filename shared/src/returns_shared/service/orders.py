"""Orders from the order feed (integration role). Recording is an upsert: the feed resends orders
when they change (a delivery scan adds `deliveredAt`), but once returns exist the facts they were
priced on (lines, quantities, prices, sets, flags, currency) can no longer change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from returns_shared.domain.customer_names import NamedOrder, filed
from returns_shared.domain.errors import InvalidInput, InvalidState, ManyErrors
from returns_shared.domain.money import Money
from returns_shared.domain.orders import Address, Order, OrderLine, customer_key
from returns_shared.service.commands import AddressIn, MoneyIn, RecordOrder
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.ports import Caller, StoredOrder, UnitOfWork

_FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of the feed and ours may differ a little


def _money(value: MoneyIn, currency: str, field: tuple[str, ...]) -> Money:
    if value.currency_code != currency:
        raise InvalidInput(
            f"Amounts must be in the order's currency, {currency}.", field=(*field, "currencyCode")
        )
    amount = Decimal(value.amount)
    if amount < 0:
        raise InvalidInput("Amounts cannot be negative.", field=(*field, "amount"))
    return Money(amount=amount, currency=currency)


def _address(value: AddressIn) -> Address:
    return Address(**value.model_dump(by_alias=False))


def build_order(cmd: RecordOrder, deps: Dependencies) -> Order:
    currency = cmd.currency_code
    base = ("input",)
    errors: list[InvalidInput] = []
    lines: list[OrderLine] = []
    seen: set[str] = set()
    for index, line in enumerate(cmd.lines):
        path = (*base, "lines", str(index))
        try:
            if line.id in seen:
                raise InvalidInput(f"Order line {line.id} appears twice.", field=(*path, "id"))
            seen.add(line.id)
            if line.delivered_at and line.delivered_at < cmd.placed_at:
                raise InvalidInput(
                    "A line cannot be delivered before the order was placed.", field=(*path, "deliveredAt")
                )
            if (
                line.delivered_at
                and line.delivered_at > deps.clock().replace(microsecond=0) + _FUTURE_TOLERANCE
            ):
                raise InvalidInput("The delivery time lies in the future.", field=(*path, "deliveredAt"))
            tax = line.unit_tax or MoneyIn(amount="0", currency_code=currency)
            lines.append(
                OrderLine(
                    id=line.id, sku=line.sku, title=line.title, category=line.category.upper(),
                    quantity=line.quantity,
                    unit_price=_money(line.unit_price, currency, (*path, "unitPrice")),
                    unit_tax=_money(tax, currency, (*path, "unitTax")),
                    delivered_at=line.delivered_at, set_id=line.set_id,
                    free_gift=bool(line.free_gift), non_returnable=bool(line.non_returnable),
                )
            )
        except InvalidInput as error:
            errors.append(error)
    try:
        shipping_fee = _money(cmd.shipping_fee, currency, (*base, "shippingFee"))
    except InvalidInput as error:
        errors.append(error)
    if errors:
        raise ManyErrors(list(errors))
    return Order(
        id=cmd.id, email=cmd.email.strip(), placed_at=cmd.placed_at, currency=currency,
        payment_reference=cmd.payment_reference, shipping_address=_address(cmd.shipping_address),
        billing_address=_address(cmd.billing_address), shipping_fee=shipping_fee, lines=tuple(lines),
        recorded_at=deps.clock(), locale=cmd.locale,
    )



def _locked_facts(order: Order) -> dict[tuple[str, ...], Any]:
    """What returns were priced, judged and will be paid on, by the input field that carries it: none
    may change once a return exists. The payment reference: the order feed must not redirect a refund
    to another payment; the shipping country: the fees (FEE-*, LABEL-US) are decided by it."""
    return {
        ("input", "currencyCode"): order.currency,
        ("input", "paymentReference"): order.payment_reference,
        ("input", "email"): customer_key(order.email),
        ("input", "shippingAddress", "countryCode"): order.shipping_address.country_code,
        ("input", "lines"): tuple(
            (line.id, line.sku, line.category, line.quantity, line.unit_price, line.unit_tax, line.set_id,
             line.free_gift, line.non_returnable)
            for line in order.lines
        ),
    }


def _refuse_changed_facts(order: Order, stored: Order) -> None:
    before = _locked_facts(stored)
    for field, value in _locked_facts(order).items():
        if value != before[field]:
            raise InvalidState(
                f"This order has returns: its {field[-1]} can no longer change (lines, prices, currency, "
                "email, payment reference and shipping country are locked).", field=field,
            )


def _refuse_moved_deliveries(order: Order, stored: Order) -> None:
    """A delivery date may be filled in where it was missing (lines ship separately) but never moved:
    a later date would stretch the return window (WINDOW-30D) of a line already being returned."""
    for index, line in enumerate(order.lines):
        before = stored.line(line.id)
        if (
            before is not None
            and before.delivered_at is not None
            and line.delivered_at != before.delivered_at
        ):
            raise InvalidState(
                f"Line {line.id} was delivered at {before.delivered_at.isoformat()}; once an order has "
                "returns a delivery date can be filled in, never moved or removed.",
                field=("input", "lines", str(index), "deliveredAt"),
            )


@retry_on_conflict()
def record_order(cmd: RecordOrder, caller: Caller, deps: Dependencies) -> Answer:
    order = build_order(cmd, deps)
    stored: StoredOrder | None = deps.repo.get_stored_order(order.id)
    if stored:
        if order.model_copy(update={"recorded_at": None}) == stored.order.model_copy(
            update={"recorded_at": None}
        ):
            return {"orderId": order.id}  # the feed resent the same order: nothing to do
        if stored.return_ids:
            _refuse_changed_facts(order, stored.order)
            _refuse_moved_deliveries(order, stored.order)
    uow = deps.unit_of_work()
    uow.save_order(order, seen=stored)
    _file_names(uow, deps, order, stored.order if stored else None)
    uow.commit()
    return {"orderId": order.id}


def _newest(named: list[NamedOrder]) -> NamedOrder | None:
    return max(named, key=lambda n: (n.placed_at, n.order_id), default=None)


def _file_names(uow: UnitOfWork, deps: Dependencies, order: Order, before: Order | None) -> None:
    """Agents find customers by name: the order is filed under the names on its addresses, in the same
    write as the order. A name the order no longer carries (corrected, or another customer's) is
    unfiled, and a customer's name that no order carries any more is no longer found."""
    was, now = filed(before), filed(order)
    if was == now:
        return
    rewritten = {n.slot for n in now}
    for gone in was - now:
        if gone.slot not in rewritten:  # the same slot written again replaces it
            uow.unfile_order_name(gone)
    for added in now - was:
        uow.file_order_name(added)
    touched = sorted({(n.customer, n.name_key) for n in was ^ now})
    indexed = {}
    for customer in dict.fromkeys(customer for customer, _ in touched):
        keys = [key for other, key in touched if other == customer]
        found = deps.repo.customer_names(customer, keys)
        indexed.update({(customer, key): name for key, name in found.items()})
    for customer, key in touched:
        candidates = [n for n in now if (n.customer, n.name_key) == (customer, key)]
        seen = indexed.get((customer, key))
        if seen and seen.newest.order_id != order.id:
            candidates.append(seen.newest)  # still the newest of the other orders
        elif seen:  # this order was the newest: the next one down stands in if this one left
            others = deps.repo.orders_named(customer, key, limit=2)
            candidates += [n for n in others if n.order_id != order.id][:1]
        newest = _newest(candidates)
        if newest is not None:
            uow.save_customer_name(newest, seen=seen)
        elif seen is not None:
            uow.drop_customer_name(seen)
