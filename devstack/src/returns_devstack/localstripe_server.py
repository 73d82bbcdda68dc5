"""localstripe (a stateful fake Stripe server, from PyPI) as the local stack's payment provider, the way
moto stands in for AWS: the refund function's Stripe adapter talks to it over HTTP with the official
SDK, exactly as it talks to Stripe in production.

It runs in this process on its own event loop thread, bound to loopback only (localstripe's own
command line listens on every interface), and keeps its state in memory (its on-disk pickle in /tmp
would be shared by every process on the machine).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from returns_devstack.loopback import free_port

if TYPE_CHECKING:
    import stripe
    from aiohttp import web
    from stripe.params import PaymentIntentCreateParams, PaymentMethodCreateParamsCard

DEFAULT_PORT = 8420
API_KEY = "sk_test_localstripe"  # localstripe accepts any key
TEST_CARD: PaymentMethodCreateParamsCard = {
    "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"
}


@dataclass
class LocalStripe:
    """`start()` then `url`; `stop()` ends the server thread."""

    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalStripe:
        import localstripe.resources as resources
        from aiohttp import web
        from localstripe.server import app

        resources.Store.dump_to_disk = lambda self: None  # in memory only (see the module docstring)
        if self.port == 0:
            self.port = free_port(self.host)
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        async def serve() -> None:
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            await web.TCPSite(self._runner, self.host, self.port).start()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(serve())
            except BaseException as exc:  # noqa: BLE001 - handed to the starting thread
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="localstripe", daemon=True)
        self._thread.start()
        started.wait(timeout=10)
        if failure:
            raise RuntimeError(f"localstripe could not listen on {self.url}: {failure[0]}") from failure[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        runner, loop = self._runner, self._loop

        async def shutdown() -> None:
            if runner is not None:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout=10)
        self._loop = self._thread = None

    def client(self) -> stripe.StripeClient:
        import stripe

        return stripe.StripeClient(API_KEY, base_addresses={"api": self.url}, max_network_retries=0)

    def paid_payment_intent(self, amount: Decimal, currency: str, *, description: str | None = None,
                            order_id: str | None = None, email: str | None = None) -> str:
        """A PaymentIntent paid with Stripe's test card (what an order's checkout leaves behind). The
        checkout records the order id in its metadata and pays as a customer with the order's email:
        what the refund path checks before money goes back to it (REFUND-ORIGINAL)."""
        client = self.client()
        method = client.v1.payment_methods.create(params={"type": "card", "card": TEST_CARD})
        cents = int((amount * 100).to_integral_value())
        metadata = {"description": description or "", **({"order_id": order_id} if order_id else {})}
        customer = client.v1.customers.create(params={"email": email}).id if email else None
        params: PaymentIntentCreateParams = {
            "amount": cents, "currency": currency.lower(), "payment_method": method.id, "confirm": True,
            "metadata": metadata,
        }
        if customer:
            params["customer"] = customer
        return str(client.v1.payment_intents.create(params=params).id)

    def fail_refund(self, refund_id: str, reason: str = "expired_or_canceled_card") -> None:
        """What Stripe records when the bank returns a refund it had taken: the refund is `failed` (its
        money came back to the merchant). localstripe's refunds always succeed; this changes its record."""
        from localstripe.resources import Refund

        assert self._loop is not None, "start() first"

        async def fail() -> None:
            refund = Refund._api_retrieve(refund_id)
            refund.status = "failed"
            refund.failure_reason = reason

        asyncio.run_coroutine_threadsafe(fail(), self._loop).result(timeout=10)

    def refunds_of(self, payment_intent: str) -> list[dict[str, Any]]:
        """What `GET /v1/refunds?payment_intent=…` lists (newest first)."""
        listing = self.client().v1.refunds.list(params={"payment_intent": payment_intent, "limit": 100})
        return [refund.to_dict() for refund in listing.data]
