"""The per-request context: who is calling, the ports, the policy, the clock and fresh loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from returns_api.auth import Identity
from returns_api.loaders import Loaders, make_loaders
from returns_api.settings import Settings
from returns_shared.service.ports import Caller, CommandBus, LabelStore, ReturnsReader

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


@dataclass
class RequestContext:
    services: Services
    identity: Identity
    request_id: str
    now: datetime
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = make_loaders(self.services.reader)

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
