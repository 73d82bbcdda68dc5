"""Per-request DataLoaders over the reader: one batched read per kind of object per request.

Built fresh for every request (see context.py): a loader's cache must never outlive the request,
or a warm Lambda would serve one caller's reads to the next. The reader blocks (boto3): `blocking`
runs its calls in a worker thread under uvicorn (the event loop keeps serving other requests
meanwhile) and inline on Lambda (one request per container: a thread hop would only add latency).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from returns_shared.domain.messages import Message
from returns_shared.domain.orders import Order
from returns_shared.domain.returns import Return
from returns_shared.service.ports import ReturnsReader

Blocking = Callable[..., Awaitable[Any]]  # asyncio.to_thread, or `inline`


async def inline(call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Run a blocking call on the event loop itself (Lambda: one request per container)."""
    return call(*args, **kwargs)


@dataclass(frozen=True)
class Loaders:
    orders: DataLoader[str, Order | None]
    returns: DataLoader[str, Return | None]
    returns_of_order: DataLoader[str, list[Return]]
    conversations: DataLoader[str, list[Message]]  # a return's messages, oldest first

    def prime_returns(self, returns: Sequence[Return]) -> None:
        for ret in returns:
            self.returns.prime(ret.id, ret, force=True)


def make_loaders(reader: ReturnsReader, blocking: Blocking) -> Loaders:
    async def load_orders(ids: list[str]) -> list[Order | None]:
        found = await blocking(reader.get_orders, ids)
        return [found.get(order_id) for order_id in ids]

    async def load_returns(ids: list[str]) -> list[Return | None]:
        found = await blocking(reader.get_returns, ids)
        return [found.get(return_id) for return_id in ids]

    returns = DataLoader(load_fn=load_returns)

    async def load_returns_of_orders(order_ids: list[str]) -> list[list[Return]]:
        found_by_order = await blocking(reader.returns_of_orders, order_ids)
        results = [found_by_order.get(order_id, []) for order_id in order_ids]
        for found in results:
            for ret in found:
                returns.prime(ret.id, ret)
        return results

    async def load_conversations(return_ids: list[str]) -> list[list[Message]]:
        # one Query per return (a conversation is an index partition); usually one return is asked for
        return [await blocking(reader.conversation, return_id) for return_id in return_ids]

    return Loaders(
        orders=DataLoader(load_fn=load_orders),
        returns=returns,
        returns_of_order=DataLoader(load_fn=load_returns_of_orders),
        conversations=DataLoader(load_fn=load_conversations),
    )
