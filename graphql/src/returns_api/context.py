"""The per-request context: who is calling, the ports, the policy, the clock and fresh loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry

from returns_api.auth import Identity
from returns_api.loaders import Blocking, Loaders, make_loaders
from returns_api.settings import Settings
from returns_shared.service.ports import Caller, CommandBus, LabelStore, MailStore, PhotoStore, ReturnsReader

if TYPE_CHECKING:
    from returns_shared.policy.document import PolicyDocument


@dataclass(frozen=True)
class Services:
    """What the gateway is wired with once per process (by create_app)."""

    reader: ReturnsReader
    command_bus: CommandBus
    label_store: LabelStore
    policy: PolicyDocument
    settings: Settings
    clock: Callable[[], datetime]
    # How the blocking ports (boto3) are called: in a worker thread (uvicorn serves many requests on
    # one event loop), or inline on Lambda, where a container serves one request at a time and a
    # thread hop per read only adds latency.
    blocking: Blocking = asyncio.to_thread
    mail_store: MailStore | None = None  # staff's links to attachments (None: no mail bucket configured)
    photo_store: PhotoStore | None = None  # None: not configured (photo uploads are refused)


@dataclass
class RequestContext:
    services: Services
    identity: Identity
    request_id: str
    now: datetime
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = make_loaders(self.services.reader, self.services.blocking)

    def run_blocking(self, call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        """A blocking port call, the way this process serves requests (Services.blocking)."""
        return self.services.blocking(call, *args, **kwargs)

    @property
    def caller(self) -> Caller | None:
        return self.identity.caller

    @property
    def reader(self) -> ReturnsReader:
        return self.services.reader

    @property
    def policy(self) -> PolicyDocument:
        return self.services.policy


Info = strawberry.Info[RequestContext, None]
