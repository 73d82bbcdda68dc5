"""One page of a listing: `first` and `after` checked, then the reader called from the cursor's
position (off the event loop, or inline on Lambda). Every connection field reads this way."""

from __future__ import annotations

from typing import Protocol, TypeVar

from returns_api.cost import MAX_PAGE
from returns_api.errors import BadUserInput
from returns_api.loaders import Blocking
from returns_api.types.connection import Position
from returns_shared.domain.errors import DomainError
from returns_shared.service.ports import Page

ItemT = TypeVar("ItemT")


class PagedRead(Protocol[ItemT]):
    """A reader's listing with its filters bound (`functools.partial`): only the paging is left."""

    def __call__(self, *, first: int, after: str | None) -> Page[ItemT]: ...


def page_start(first: int | None, after: str | None) -> tuple[int, Position]:
    if first is None or not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE}")
    return first, Position.decode(after, max_skip=MAX_PAGE) if after is not None else Position(None, 0)


async def read_page(
    blocking: Blocking, read: PagedRead[ItemT], first: int, start: Position
) -> tuple[Page[ItemT], list[ItemT]]:
    """The reader's page holding the `first` items after `start`, and those items; `blocking` calls
    the reader the way this process serves requests (RequestContext.run_blocking)."""
    try:
        page = await blocking(read, first=first + start.skip, after=start.page_cursor)
    except DomainError as exc:  # e.g. a forged or foreign cursor, refused by the reader
        raise BadUserInput(exc.message) from exc
    return page, page.items[start.skip :]
