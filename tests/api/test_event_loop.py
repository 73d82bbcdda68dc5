"""Blocking work (DynamoDB reads, command invokes) runs off the event loop: while one request waits
on the reader or a function, the same app serves another. Proven with a rendezvous, not a clock:
the first call waits until the second has started, which it never would on a blocked loop."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import httpx

from .support import ALICE, Api, FakeBus, FakeReader, auth, make_order, make_return

PATIENCE = 10  # seconds a blocked call waits for the other before the test fails (never on success)


class Rendezvous:
    def __init__(self) -> None:
        self.arrived = threading.Semaphore(0)
        self.count = 0
        self.lock = threading.Lock()

    def meet(self) -> None:
        """The first arrival blocks until the second comes; both then go on."""
        with self.lock:
            self.count += 1
            first = self.count == 1
        if first:
            assert self.arrived.acquire(timeout=PATIENCE), (
                "the second request never ran: the loop was blocked"
            )
        else:
            self.arrived.release()


def _concurrently(
    app: Any, bodies: list[dict[str, Any]], headers: dict[str, str]
) -> list[dict[str, Any]]:
    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://local"
        ) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        content=json.dumps(body),
                        headers={"content-type": "application/json", **headers},
                    )
                    for body in bodies
                )
            )

    return [response.json() for response in asyncio.run(run())]


def test_reads_do_not_block_the_loop():
    rendezvous = Rendezvous()

    class SlowReader(FakeReader):
        def get_orders(self, order_ids):
            rendezvous.meet()
            return super().get_orders(order_ids)

    api = Api(SlowReader([make_order("O1", ALICE), make_order("O2", ALICE)]))
    results = _concurrently(
        api.app,
        [{"query": '{ order(id: "O1") { id } }'}, {"query": '{ order(id: "O2") { id } }'}],
        auth(),
    )
    assert sorted(r["data"]["order"]["id"] for r in results) == ["O1", "O2"]


def test_commands_do_not_block_the_loop():
    rendezvous = Rendezvous()

    class SlowBus(FakeBus):
        def send(self, *args, **kwargs):
            rendezvous.meet()
            return super().send(*args, **kwargs)

    order = make_order("O1", ALICE)
    api = Api(FakeReader([order], [make_return("R1", order), make_return("R2", order)]), SlowBus())
    cancel = 'mutation { cancelReturn(id: "%s") { return { id } userErrors { code } } }'
    results = _concurrently(
        api.app, [{"query": cancel % "R1"}, {"query": cancel % "R2"}], auth("agent", email=None)
    )
    assert sorted(r["data"]["cancelReturn"]["return"]["id"] for r in results) == ["R1", "R2"]
