"""Deliberate breakage, for the tests that show the soak's invariants can fail (never in a real run)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from returns_devstack.soak.lifecycles import Lifecycle
from returns_devstack.stack import EmbeddedStack
from returns_shared.domain.vocabulary import ReturnStatus as S


def refund_twice(embedded: EmbeddedStack, lifecycles: list[Lifecycle]) -> str:
    """Pays a refunded return's settlement again, at Stripe, as the attacker's retry once did."""
    assert embedded.payments is not None
    for life in lifecycles:
        ret = embedded.deps.repo.get_return(life.return_id) if life.return_id else None
        settled = ret.settlement.amount.amount if ret is not None and ret.settlement else Decimal(0)
        if ret is not None and ret.status == S.REFUNDED and settled > 0:
            cents = int(settled * Decimal(100))
            embedded.payments.client().v1.refunds.create(params={
                "payment_intent": life.payment, "amount": cents,
                "metadata": {"return_id": ret.id, "idempotency_key": f"refund:{ret.id}:sabotage"}})
            return f"paid {ret.id} a second time"
    raise AssertionError("no refunded return to sabotage")


def label_twice(embedded: EmbeddedStack, lifecycles: list[Lifecycle]) -> str:
    """Buys a second carrier label for a labelled return, as a retry that forgot the first one did."""
    carrier, repo = embedded.deps.carrier, embedded.deps.repo
    for life in lifecycles:
        ret = repo.get_return(life.return_id) if life.return_id else None
        if ret is not None and ret.label is not None:
            order = repo.get_order(ret.order_id)
            assert order is not None
            address = order.shipping_address.model_dump()
            carrier.buy_label(carrier.create_label_shipment(rma_id=ret.id, ship_from=address, ship_to=address,
                                                            fee=ret.quote.label_fee))
            return f"bought a second label for {ret.id}"
    raise AssertionError("no labelled return to sabotage")


SABOTAGE: dict[str, Callable[[EmbeddedStack, list[Lifecycle]], str]] = {"refund-twice": refund_twice,
                                                                        "label-twice": label_twice}
