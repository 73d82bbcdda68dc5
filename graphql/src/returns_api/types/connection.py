"""The Relay-style list of returns, with a cursor on every edge.

The reader pages by keyset and issues one cursor per page (signed, bound to its query). An edge
cursor wraps that page cursor with an offset into the page, so paging `after` any edge works; the
last edge of a full page carries the reader's next-page cursor itself (cheapest to resume from).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from returns_api.errors import BadUserInput
from returns_api.types.returns import Return
from returns_shared.service.ports import Page

_PREFIX = "rc1."
NodeT = TypeVar("NodeT")  # what an edge shows
ItemT = TypeVar("ItemT")  # what the reader's page holds


@dataclass(frozen=True)
class Position:
    page_cursor: str | None  # the reader's cursor (None = the first page)
    skip: int  # items of that page already seen

    def encode(self) -> str:
        raw = json.dumps([self.page_cursor, self.skip], separators=(",", ":")).encode()
        return _PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str, *, max_skip: int) -> Position:
        try:
            if not cursor.startswith(_PREFIX):
                raise ValueError("unknown cursor format")
            body = cursor[len(_PREFIX) :]
            page_cursor, skip = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if not (page_cursor is None or isinstance(page_cursor, str)) or not isinstance(skip, int):
                raise ValueError("malformed cursor")
            if not 0 <= skip <= max_skip:
                raise ValueError("cursor offset out of range")
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise BadUserInput("The cursor `after` is not valid; start again without it") from exc
        return cls(page_cursor=page_cursor, skip=skip)


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    """A page of nodes; Strawberry names each use after its node type (`Connection[Return]` is
    `ReturnConnection`, its edges `ReturnEdge`)."""

    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @classmethod
    def from_page(cls, start: Position, page: Page[ItemT], nodes: list[NodeT]) -> Connection[NodeT]:
        """`nodes` = the page's items after `start.skip`, already converted."""
        cursors, page_info = paging(start, page, len(nodes))
        edges = [Edge(cursor=cursor, node=node) for cursor, node in zip(cursors, nodes, strict=True)]
        return cls(edges=edges, page_info=page_info)


ReturnConnection = Connection[Return]


def paging(start: Position, page: Page[ItemT], count: int) -> tuple[list[str], PageInfo]:
    """The cursors of the `count` edges shown from `page` after `start`, and the page info."""
    cursors = [Position(start.page_cursor, start.skip + index + 1).encode() for index in range(count)]
    if cursors and page.next_cursor is not None:
        cursors[-1] = Position(page.next_cursor, 0).encode()
    end_cursor = cursors[-1] if cursors else None
    if end_cursor is None and page.next_cursor is not None:  # an empty page that can go on
        end_cursor = Position(page.next_cursor, 0).encode()
    return cursors, PageInfo(has_next_page=page.next_cursor is not None, end_cursor=end_cursor)
