"""The warehouse refuses a package that has no approved return request (REQ-FIRST) and records what is
on it for customer service: the sender as the label names them, the carrier's label, a note, photos."""

from __future__ import annotations

import hashlib

from returns_shared.domain.errors import IdempotencyKeyReused, InvalidState
from returns_shared.domain.return_parts import package_photo_key
from returns_shared.domain.returns import Return
from returns_shared.domain.text import key_problem
from returns_shared.domain.vocabulary import STATUS_WORDS
from returns_shared.service.commands import RecordUnknownPackage
from returns_shared.service.dependencies import Dependencies
from returns_shared.service.dispatch import Answer, retry_on_conflict
from returns_shared.service.ports import Caller, UnknownPackage
from returns_shared.service.refunds import RECEIVABLE, checked_photos, record_refused, refusal_reason


def _package_id(caller: Caller, idempotency_key: str) -> str:
    """One record per attempt: a second click (or a retried request) finds the first one."""
    return hashlib.sha256(f"{caller.sub}\n{idempotency_key}".encode()).hexdigest()[:24]


def _scanned_return(deps: Dependencies, scanned: str) -> Return | None:
    """The return a scan names, by RMA or tracking number (the newest, when several share a number)."""
    found = deps.repo.get_return(scanned) if key_problem(scanned) is None else None
    if found is None and (number := "".join(scanned.split())):
        found = next(iter(deps.repo.returns_by_tracking_number(number)), None)
    return found


@retry_on_conflict()
def record_unknown_package(cmd: RecordUnknownPackage, caller: Caller, deps: Dependencies) -> Answer:
    package_id = _package_id(caller, cmd.idempotency_key)
    if (recorded := deps.repo.get_unknown_package(package_id)) is not None:
        if recorded.return_id != cmd.scanned:  # a client reusing its key for another package
            raise IdempotencyKeyReused("This idempotency key was already used for another package.",
                                       field=("input", "idempotencyKey"))
        return {"packageId": recorded.id}
    ret = _scanned_return(deps, cmd.scanned)
    if ret is not None and ret.status in RECEIVABLE:
        raise InvalidState(f"Return {ret.id} is {STATUS_WORDS[ret.status]} and expected: receive the package "
                           "instead of refusing it.", field=("input", "scanned"))
    photos = checked_photos(deps, cmd.photo_ids, key_of=package_photo_key, field=("input", "photoIds"))
    record_refused(deps, UnknownPackage(
        id=package_id, return_id=cmd.scanned, reason=refusal_reason(ret), scanned_by=caller.actor,
        at=deps.clock(), matched_return_id=ret.id if ret else None, sender_name=cmd.sender_name,
        sender_address=cmd.sender_address, carrier=cmd.carrier, tracking_number=cmd.tracking_number,
        note=cmd.note, photos=photos))
    return {"packageId": package_id}
