"""Per-request DataLoaders over the reader: one batched read per kind of object per request.

Built fresh for every request (see context.py): a loader's cache must never outlive the request,
or a warm Lambda would serve one caller's reads to the next. The reader blocks (boto3), so its
calls run in a worker thread: the event loop keeps serving other requests meanwhile (uvicorn
locally; on Lambda one request per container, where the hop costs microseconds).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.service.ports import ReturnsReader


@dataclass(frozen=True)
class Loaders:
    orders: DataLoader[str, Order | None]
    returns: DataLoader[str, Return | None]
    returns_of_order: DataLoader[str, list[Return]]

    def prime_returns(self, returns: Sequence[Return]) -> None:
        for ret in returns:
            self.returns.prime(ret.id, ret, force=True)


def make_loaders(reader: ReturnsReader) -> Loaders:
    async def load_orders(ids: list[str]) -> list[Order | None]:
        found = await asyncio.to_thread(reader.get_orders, ids)
        return [found.get(order_id) for order_id in ids]

    async def load_returns(ids: list[str]) -> list[Return | None]:
        found = await asyncio.to_thread(reader.get_returns, ids)
        return [found.get(return_id) for return_id in ids]

    returns = DataLoader(load_fn=load_returns)

    async def load_returns_of_orders(order_ids: list[str]) -> list[list[Return]]:
        found_by_order = await asyncio.to_thread(reader.returns_of_orders, order_ids)
        results = [found_by_order.get(order_id, []) for order_id in order_ids]
        for found in results:
            for ret in found:
                returns.prime(ret.id, ret)
        return results

    return Loaders(
        orders=DataLoader(load_fn=load_orders),
        returns=returns,
        returns_of_order=DataLoader(load_fn=load_returns_of_orders),
    )
