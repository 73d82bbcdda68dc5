"""What the soak's people and providers do: one return per customer, from the order to the refund,
through the gateway (GraphQL, as the pages and the order feed send it) and the providers' signed
webhooks. Each lifecycle's plan is drawn from the seed: prepaid label or self-shipping, held for review
(approved or declined), canceled, a worn item, duplicate clicks, the bank returning a paid refund (an
agent then retries it), a forged-looking failure event for a refund Stripe paid, every webhook event
delivered twice. Like a real client, it tries a mutation again after an error (an injected fault that
reached it) or PAYMENT_UNAVAILABLE; it reads state from the table directly (no faults on its own reads).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from returns_devstack.stack import EmbeddedStack
from returns_devstack.tokens import mint
from returns_devstack.webhooks import CarrierSimulator, post_stripe_event, stripe_refund_event
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus as S

ATTEMPTS = 8  # a client tries a mutation this often before leaving it to a person (the settle phase)
PROGRESS = (S.REQUESTED, S.UNDER_REVIEW, S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED)
ENDED = frozenset({S.DECLINED, S.CANCELED, S.EXPIRED})
WAIT_SECONDS = 30.0
RETURN = "return { id status } userErrors { field message code }"
MUTATIONS = {
    "recordOrder": "mutation($input: RecordOrderInput!) { recordOrder(input: $input) { "
                   "order { id } userErrors { field message code } } }",
    "requestReturn": "mutation($input: RequestReturnInput!) { requestReturn(input: $input) { "
                     f"{RETURN} }} }}",
    "approveReturn": f"mutation($id: ID!) {{ approveReturn(id: $id, note: \"soak\") {{ {RETURN} }} }}",
    "declineReturn": f"mutation($id: ID!) {{ declineReturn(id: $id, reason: \"soak\") {{ {RETURN} }} }}",
    "cancelReturn": f"mutation($id: ID!) {{ cancelReturn(id: $id) {{ {RETURN} }} }}",
    "submitReturnTracking": "mutation($id: ID!, $number: String!) { submitReturnTracking(id: $id, "
                            f"carrier: \"UPS\", trackingNumber: $number) {{ {RETURN} }} }}",
    "receiveReturn": f"mutation($id: ID!) {{ receiveReturn(id: $id) {{ {RETURN} }} }}",
    "inspectReturn": "mutation($id: ID!, $lines: [InspectionLineInput!]!) { inspectReturn(id: $id, "
                     f"lines: $lines) {{ {RETURN} }} }}",
    "issueRefund": f"mutation($id: ID!) {{ issueRefund(id: $id) {{ {RETURN} }} }}",
    "retryRefund": f"mutation($id: ID!) {{ retryRefund(id: $id) {{ {RETURN} }} }}",
}
RETRYABLE = {"PAYMENT_UNAVAILABLE"}


@dataclass(frozen=True)
class Plan:
    index: int
    method: str  # PREPAID_LABEL | SELF_SHIP
    review: str | None  # held for review, then "approve" or "decline"
    cancel: bool
    worn: bool  # inspected WORN: part of the refund (or none) is owed
    bank_returns_refund: bool  # Stripe's record of the paid refund later says failed; an agent retries
    forged_failure: bool  # a signed refund.failed event for a refund Stripe paid (must change nothing)
    double_click: bool  # requestReturn, receive and the refund sent twice at once

    @classmethod
    def draw(cls, index: int, seed: int) -> Plan:
        rng = random.Random(f"{seed}:{index}")
        held = rng.random() < 0.15
        return cls(
            index=index,
            method="PREPAID_LABEL" if rng.random() < 0.6 else "SELF_SHIP",
            review=("approve" if rng.random() < 0.75 else "decline") if held else None,
            cancel=rng.random() < 0.1,
            worn=rng.random() < 0.15,
            bank_returns_refund=rng.random() < 0.15,
            forged_failure=rng.random() < 0.15,
            double_click=rng.random() < 0.35,
        )

    @property
    def kind(self) -> str:
        if self.review == "decline":
            return "declined"
        if self.cancel:
            return "canceled"
        return "refunded after a bank return" if self.bank_returns_refund else "refunded"


@dataclass
class Lifecycle:
    plan: Plan
    email: str
    order: dict[str, Any] = field(default_factory=dict)  # as the feed sends it, paid at its checkout
    payment: str = ""  # the order's PaymentIntent
    return_id: str | None = None
    retries: int = 0  # mutations a client sent again after an error
    steps: list[str] = field(default_factory=list)
    left: str | None = None  # where the client left it to a person (the settle phase finishes it)
    left_before: list[str] = field(default_factory=list)  # where it was left, each time


class Client:
    """The gateway over HTTP in-process, with a bearer token per call (one per worker thread)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, document: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        async def post() -> dict[str, Any]:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url="http://local") as client:
                answer = await client.post("/graphql", json={"query": document, "variables": variables},
                                           headers={"Authorization": f"Bearer {token}"})
                body: dict[str, Any] = answer.json()
                return body

        return asyncio.run(post())


AGENT = mint(sub="soak-agent", email="agent@allegra-k.com", groups=["agent"])
WAREHOUSE = mint(sub="soak-warehouse", email="warehouse@allegra-k.com", groups=["warehouse"])
FEED = mint(sub="soak-feed", email=None, groups=["integration"])


class Lifecycles:
    def __init__(self, embedded: EmbeddedStack, seed: int) -> None:
        self.embedded = embedded
        self.seed = seed
        self.client = Client(embedded.gateway_app())
        self.carrier = CarrierSimulator(embedded)
        self._events = 0
        self._lock = threading.Lock()

    # -- one lifecycle
    def run(self, index: int) -> Lifecycle:
        plan = Plan.draw(index, self.seed)
        life = Lifecycle(plan, email=f"soak-{self.seed}-{index}@example.com")
        self.resume(life)
        return life

    def resume(self, life: Lifecycle) -> None:
        """From the start: a step already done answers as done (the same request key, the same
        number, a state change that already happened), so a lifecycle left half-way goes on."""
        try:
            self._run(life)
        except Left as left:
            life.left = str(left)
            life.left_before.append(str(left))

    def _run(self, life: Lifecycle) -> None:
        plan, customer = life.plan, mint(sub=f"soak-{life.email}", email=life.email, groups=[])
        order = self._order(life)
        request = {"orderId": order["id"], "method": plan.method, "conditionAttested": True,
                   "idempotencyKey": f"soak-{self.seed}-{plan.index}",
                   "lines": [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}]}
        answer = self._mutate(life, "requestReturn", {"input": request}, customer, twice=plan.double_click)
        life.return_id = rid = answer["return"]["id"]
        ret = self._until(rid, lambda r: r.status != S.REQUESTED, "screened")
        if ret.status in ENDED:  # (resumed: it ended earlier)
            return
        if ret.status == S.UNDER_REVIEW:
            decision = "approveReturn" if plan.review == "approve" else "declineReturn"
            self._mutate(life, decision, {"id": rid}, AGENT, settled=True)
            if plan.review == "decline":
                return
        ret = self._until(rid, lambda r: r.status in ENDED or _reached(r, S.APPROVED), "approved")
        if ret.status == S.APPROVED:
            if plan.method == "PREPAID_LABEL":
                ret = self._until(rid, lambda r: r.label is not None, "labelled")
            if plan.cancel:
                self._mutate(life, "cancelReturn", {"id": rid}, customer, settled=True)
                return
            if plan.method == "PREPAID_LABEL":
                assert ret.label is not None
                tracking_number = ret.label.tracking_number
                self._deliver_twice(life, lambda: self.carrier.event(tracking_number, "in_transit"),
                                    self.carrier.post)
            else:
                number = f"1ZSOAK{self.seed}{plan.index:06d}"
                self._mutate(life, "submitReturnTracking", {"id": rid, "number": number}, customer,
                             settled=True)
        ret = self._until(rid, lambda r: r.status in ENDED or _reached(r, S.IN_TRANSIT), "in transit")
        if ret.status in ENDED:
            return
        if not _reached(ret, S.RECEIVED):
            self._mutate(life, "receiveReturn", {"id": rid}, WAREHOUSE, twice=plan.double_click, settled=True)
        if not _reached(self._until(rid, lambda r: _reached(r, S.RECEIVED), "received"), S.INSPECTED):
            condition = "WORN" if plan.worn else "NEW_WITH_TAGS"
            lines = [{"orderLineId": "L1", "condition": condition}]
            self._mutate(life, "inspectReturn", {"id": rid, "lines": lines}, WAREHOUSE, settled=True)
        self._until(rid, lambda r: _reached(r, S.INSPECTED), "inspected")
        ret = self._current(rid)
        if not ret.refund_failed:  # (resumed after the bank returned it: the agent's retry is next)
            ret = self._refunded(life, "issueRefund")
        if plan.forged_failure and ret.refund is not None and not ret.refund.id.startswith("none:"):
            body = stripe_refund_event(self._event_id(), ret.refund.id, "failed", return_id=rid,
                                       event_type="refund.failed", failure_reason="expired_or_canceled_card")
            self._deliver_twice(life, lambda: body, lambda b: post_stripe_event(self.embedded, b))
        if plan.bank_returns_refund and ret.status == S.REFUNDED and ret.refund is not None \
                and ret.refund.attempt == 1 and not ret.refund.id.startswith("none:"):
            assert self.embedded.payments is not None
            self.embedded.payments.fail_refund(ret.refund.id, "expired_or_canceled_card")
            body = stripe_refund_event(self._event_id(), ret.refund.id, "failed", return_id=rid,
                                       event_type="refund.failed", failure_reason="expired_or_canceled_card")
            self._deliver_twice(life, lambda: body, lambda b: post_stripe_event(self.embedded, b))
            ret = self._until(rid, lambda r: r.refund_failed, "refund failed at the bank")
        if ret.refund_failed:
            self._refunded(life, "retryRefund")

    def _order(self, life: Lifecycle) -> dict[str, Any]:
        if life.order:  # resumed: the order was paid at its checkout (the feed sends it again)
            self._mutate(life, "recordOrder", {"input": life.order}, FEED)
            return life.order
        placed = datetime.now(UTC) - timedelta(days=20)
        address = {"name": "Soak Tester", "line1": "1 Main St", "city": "New York", "region": "NY",
                   "postalCode": "10001", "countryCode": "US", "phone": "+1 212 736 3100"}
        billing = {**address, "region": None, "postalCode": "SW1A 2AA", "countryCode": "GB", "city": "London",
                   "phone": "+44 20 7925 0918"} if life.plan.review else address
        order: dict[str, Any] = {
            "id": f"SOAK-{self.seed}-{life.plan.index:05d}", "email": life.email, "currencyCode": "USD",
            "placedAt": placed.isoformat().replace("+00:00", "Z"), "paymentReference": "pi_placeholder",
            "shippingAddress": address, "billingAddress": billing,
            "shippingFee": {"amount": "5.99", "currencyCode": "USD"},
            "lines": [{"id": "L1", "sku": "SOAK-1", "title": "Soak dress", "category": "DRESS", "quantity": 1,
                       "unitPrice": {"amount": "45.00", "currencyCode": "USD"},
                       "unitTax": {"amount": "3.60", "currencyCode": "USD"},
                       "deliveredAt": (placed + timedelta(days=3)).isoformat().replace("+00:00", "Z")}],
        }
        life.order = order = self.embedded.pay(order)  # the checkout: a PaymentIntent for the order at Stripe
        life.payment = order["paymentReference"]
        self._mutate(life, "recordOrder", {"input": order}, FEED)
        return order

    # -- a client's ways
    def _mutate(self, life: Lifecycle, name: str, variables: dict[str, Any], token: str, *,
                twice: bool = False, settled: bool = False) -> dict[str, Any]:
        """Send until answered without an error (an error, or PAYMENT_UNAVAILABLE: again, shortly).
        `twice`: a double click, two at once. `settled`: a state change refused because it already
        happened counts as done (a doubled click, or a try whose answer was lost, got there first);
        the next step's wait tells whether it really did."""
        if twice:
            thread = threading.Thread(target=self._send, args=(name, variables, token), daemon=True)
            thread.start()
        try:
            for attempt in range(ATTEMPTS):
                body = self._send(name, variables, token)
                answer = (body.get("data") or {}).get(name)
                if answer is not None:
                    codes = {error["code"] for error in answer["userErrors"]}
                    if not codes or (settled and codes <= {"INVALID_STATE", "ALREADY_REFUNDED"}):
                        life.steps.append(name)
                        return dict(answer)
                    if not codes & RETRYABLE:
                        raise Left(f"{name}: {answer['userErrors']}")
                life.retries += 1
                time.sleep(0.1 * (attempt + 1))
            raise Left(f"{name}: no answer after {ATTEMPTS} tries")
        finally:
            if twice:
                thread.join()

    def _send(self, name: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        return self.client(MUTATIONS[name], variables, token)

    def _refunded(self, life: Lifecycle, mutation: str) -> Return:
        """Pay (issueRefund / retryRefund) until Stripe took it; a doubled click races the first."""
        rid = life.return_id
        assert rid is not None
        self._mutate(life, mutation, {"id": rid}, AGENT, twice=life.plan.double_click, settled=True)
        return self._until(rid, lambda r: r.status == S.REFUNDED, "refunded")

    def _deliver_twice(self, life: Lifecycle, build: Callable[[], bytes | tuple[bytes, dict[str, str]]],
                       post: Callable[..., tuple[int, dict[str, Any]]]) -> None:
        """A provider delivers its event until answered 2xx, then once more (providers redeliver)."""
        event = build()
        args = event if isinstance(event, tuple) else (event,)
        for attempt in range(ATTEMPTS):
            status, _ = post(*args)
            if status < 300:
                post(*args)  # the same event again
                life.steps.append("webhook")
                return
            life.retries += 1
            time.sleep(0.1 * (attempt + 1))
        raise Left(f"webhook not acknowledged after {ATTEMPTS} deliveries")

    def _current(self, rid: str) -> Return:
        ret = self.embedded.deps.repo.get_return(rid)
        if ret is None:
            raise Left(f"return {rid} vanished")
        return ret

    def _until(self, rid: str, done: Callable[[Return], bool], what: str) -> Return:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            ret = self.embedded.deps.repo.get_return(rid)
            if ret is not None and done(ret):
                return ret
            if time.monotonic() > deadline:
                raise Left(f"not {what} after {WAIT_SECONDS:.0f} s ({ret.status if ret else 'missing'})")
            time.sleep(0.1)

    def _event_id(self) -> str:
        with self._lock:
            self._events += 1
            return f"evt_soak_{self.seed}_{self._events}"


def _reached(ret: Return, status: S) -> bool:
    """At `status` or past it on the way to a refund (a resumed lifecycle skips what is done)."""
    return ret.status in PROGRESS and PROGRESS.index(ret.status) >= PROGRESS.index(status)


class Left(Exception):
    """The client stopped before the end: a person (the settle phase) takes it from here."""
