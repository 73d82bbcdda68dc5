"""What callers hand the engine: a requested line and an inspected line (plain frozen values)."""

from __future__ import annotations

from dataclasses import dataclass

from returns_shared.domain.return_parts import InspectionPhoto
from returns_shared.domain.vocabulary import ItemCondition, ReturnReason


@dataclass(frozen=True)
class RequestedLine:
    order_line_id: str
    quantity: int
    reason: ReturnReason


@dataclass(frozen=True)
class InspectedLine:
    order_line_id: str
    condition: ItemCondition
    defect_confirmed: bool | None = None  # meaningful on merchant-reason lines only
    note: str | None = None  # what the warehouse saw (shown to the customer and the agent)
    photos: tuple[InspectionPhoto, ...] = ()  # checked uploads (service layer)
