"""Mutation root: roles from the command declarations (permissions.sends), edge validation,
ownership, the command sent to its function, the result read back.

Business refusals come back as userErrors and change nothing; only authentication and
authorization failures are GraphQL errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from returns_api import validation
from returns_api.commands import Answer, send
from returns_api.context import Info
from returns_api.insights import InsightMutations
from returns_api.permissions import caller_of, is_customer, owns, sends
from returns_api.typed_fields import typed_mutation
from returns_api.types.inputs import (
    InspectionLineInput,
    RecordOrderInput,
    RequestReturnInput,
    UnknownPackageInput,
)
from returns_api.types.lookups import RecordUnknownPackagePayload, UnknownPackage
from returns_api.types.messages import (
    AddInternalNotePayload,
    AttachMessagePayload,
    MarkMessageHandledPayload,
    Message,
    SendMessagePayload,
)
from returns_api.types.order import Order
from returns_api.types.payloads import RecordOrderPayload, ReturnPayload
from returns_api.types.returns import Return
from returns_api.types.user_errors import UserError
from returns_shared.service import catalog
from returns_shared.service.dispatch import Command
from returns_shared.service.ports import Caller


def _not_found(what: str, field: list[str], name: object) -> list[UserError]:
    return [UserError.of(f"There is no {what} {name}.", "NOT_FOUND", field)]


async def _customer_return_check(info: Info, caller: Caller, return_id: str) -> list[UserError]:
    """Customers may only touch their own returns: read it first (unknown or foreign → NOT_FOUND)."""
    if not is_customer(caller):
        return []
    ret = await info.context.loaders.returns.load(return_id)
    if ret is None or not owns(caller, ret.customer_email):
        return _not_found("return", ["id"], return_id)
    return []


async def _return_payload(info: Info, answer: Answer, fallback_id: str | None) -> ReturnPayload:
    if answer.user_errors:
        return ReturnPayload(user_errors=answer.user_errors)
    return_id = answer.return_id or fallback_id
    # Read back fresh (not from the loader cache, which may hold the pre-command version).
    ret = await info.context.run_blocking(info.context.reader.get_return, return_id) if return_id else None
    if ret is None:
        return ReturnPayload()
    info.context.loaders.prime_returns([ret])
    return ReturnPayload(return_=Return.from_domain(ret, info.context.policy))


async def _return_command(
    info: Info, command: Command[Any], return_id: strawberry.ID, payload: dict[str, Any], *,
    problems: list[UserError],
) -> ReturnPayload:
    """The shape shared by every mutation that acts on one existing return."""
    caller = caller_of(info)
    errors = validation.return_id(str(return_id)) + problems
    if errors:
        return ReturnPayload(user_errors=errors)
    if errors := await _customer_return_check(info, caller, str(return_id)):
        return ReturnPayload(user_errors=errors)
    answer = await send(info, caller, command, {"id": str(return_id), **payload})
    return await _return_payload(info, answer, str(return_id))


@strawberry.type
class Mutation(InsightMutations):
    @typed_mutation(description="Order feed (integration): record a placed order.",
                    extensions=sends(catalog.RECORD_ORDER))
    async def record_order(self, info: Info, input: RecordOrderInput) -> RecordOrderPayload:
        caller = caller_of(info)
        if errors := validation.record_order(input):
            return RecordOrderPayload(user_errors=errors)
        answer = await send(info, caller, catalog.RECORD_ORDER, input.to_command())
        if answer.user_errors:
            return RecordOrderPayload(user_errors=answer.user_errors)
        ctx = info.context
        order = await ctx.run_blocking(ctx.reader.get_order, answer.order_id or str(input.id))
        return RecordOrderPayload(order=Order.from_domain(order) if order else None)

    @typed_mutation(description="Customer (own order) or agent: request a return.",
                    extensions=sends(catalog.REQUEST_RETURN))
    async def request_return(self, info: Info, input: RequestReturnInput) -> ReturnPayload:
        caller = caller_of(info)
        if errors := validation.request_return(input):
            return ReturnPayload(user_errors=errors)
        if is_customer(caller):
            order = await info.context.loaders.orders.load(str(input.order_id))
            if order is None or not owns(caller, order.email):
                return ReturnPayload(user_errors=_not_found("order", ["input", "orderId"], input.order_id))
        answer = await send(info, caller, catalog.REQUEST_RETURN, input.to_command())
        return await _return_payload(info, answer, None)

    @typed_mutation(description="Customer (own) or agent; before shipping only.",
                    extensions=sends(catalog.CANCEL_RETURN))
    async def cancel_return(self, info: Info, id: strawberry.ID) -> ReturnPayload:
        return await _return_command(info, catalog.CANCEL_RETURN, id, {}, problems=[])

    @typed_mutation(description="Agent; UNDER_REVIEW only.", extensions=sends(catalog.APPROVE_RETURN))
    async def approve_return(self, info: Info, id: strawberry.ID, note: str | None = None) -> ReturnPayload:
        return await _return_command(
            info,
            catalog.APPROVE_RETURN,
            id,
            {"note": note},
            problems=validation.notes(required=False, note=note),
        )

    @typed_mutation(description="Agent; UNDER_REVIEW only.", extensions=sends(catalog.DECLINE_RETURN))
    async def decline_return(self, info: Info, id: strawberry.ID, reason: str) -> ReturnPayload:
        return await _return_command(
            info,
            catalog.DECLINE_RETURN,
            id,
            {"reason": reason},
            problems=validation.notes(required=True, reason=reason),
        )

    @typed_mutation(description="Customer (own) or agent on their behalf; self-ship returns.",
                    extensions=sends(catalog.SUBMIT_TRACKING))
    async def submit_return_tracking(
        self, info: Info, id: strawberry.ID, carrier: str, tracking_number: str
    ) -> ReturnPayload:
        return await _return_command(
            info,
            catalog.SUBMIT_TRACKING,
            id,
            {"carrier": carrier, "trackingNumber": tracking_number},
            problems=validation.texts(carrier=carrier, trackingNumber=tracking_number),
        )

    @typed_mutation(description="Warehouse; starts the refund deadline.",
                    extensions=sends(catalog.RECEIVE_RETURN))
    async def receive_return(
        self, info: Info, id: strawberry.ID, received_at: datetime | None = None
    ) -> ReturnPayload:
        payload = {"receivedAt": received_at.isoformat() if received_at else None}
        return await _return_command(info, catalog.RECEIVE_RETURN, id, payload, problems=[])

    @typed_mutation(description="Warehouse: refuse a package that has no approved return request (REQ-FIRST) "
                                "and record what is on it for customer service (see unknownPackages). A "
                                "package of an approved return is refused: receive it instead.",
                    extensions=sends(catalog.RECORD_UNKNOWN_PACKAGE))
    async def record_unknown_package(
        self, info: Info, input: UnknownPackageInput
    ) -> RecordUnknownPackagePayload:
        if errors := validation.unknown_package(input):
            return RecordUnknownPackagePayload(user_errors=errors)
        answer = await send(info, caller_of(info), catalog.RECORD_UNKNOWN_PACKAGE, input.to_command())
        if answer.user_errors:
            return RecordUnknownPackagePayload(user_errors=answer.user_errors)
        ctx = info.context
        found = await ctx.run_blocking(ctx.reader.get_unknown_package, answer.package_id or "")
        package = UnknownPackage.from_domain(found) if found else None
        return RecordUnknownPackagePayload(unknown_package=package)

    @typed_mutation(description="Warehouse: the condition of every returned line.",
                    extensions=sends(catalog.INSPECT_RETURN))
    async def inspect_return(
        self, info: Info, id: strawberry.ID, lines: list[InspectionLineInput]
    ) -> ReturnPayload:
        payload = {"lines": [line.to_command() for line in lines]}
        return await _return_command(
            info, catalog.INSPECT_RETURN, id, payload, problems=validation.inspection(lines)
        )

    @typed_mutation(description="Agent: ask the carrier again for a prepaid label it refused (a new "
                                     "attempt). The return then has its label (emailed to the customer) or "
                                     "a new labelFailure; CARRIER_UNAVAILABLE when the carrier could not be "
                                     "reached.",
                    extensions=sends(catalog.RETRY_LABEL))
    async def retry_label(self, info: Info, id: strawberry.ID) -> ReturnPayload:
        return await _return_command(info, catalog.RETRY_LABEL, id, {}, problems=[])

    @typed_mutation(
        description="Agent; also run by the deadline workflow. Pays the settled refund to the "
        "original payment once (REFUND-ONCE); a refusal by the payment provider "
        "shows as refund.status FAILED.",
        extensions=sends(catalog.ISSUE_REFUND),
    )
    async def issue_refund(self, info: Info, id: strawberry.ID) -> ReturnPayload:
        return await _return_command(info, catalog.ISSUE_REFUND, id, {}, problems=[])

    @typed_mutation(description="Agent: ask the payment provider again after a FAILED refund (a new "
                                     "attempt; nothing was paid by the failed one).",
                    extensions=sends(catalog.RETRY_REFUND))
    async def retry_refund(self, info: Info, id: strawberry.ID) -> ReturnPayload:
        return await _return_command(info, catalog.RETRY_REFUND, id, {}, problems=[])

    # -- customer service by email (docs/spec/customer-service.md) -----------------------------------
    @typed_mutation(description="Agent: email the return's customer from the support address, in their "
                    "thread (In-Reply-To/References); it joins the conversation. Text: 1 to 5000 characters, "
                    "no control characters. One email per idempotencyKey (without one: per text for 10 "
                    "minutes), so a double click sends one; EMAIL_NOT_SENT when the mail provider could not "
                    "take it.",
                    extensions=sends(catalog.SEND_MESSAGE))
    async def send_message(self, info: Info, return_id: strawberry.ID, text: str,
                           idempotency_key: str | None = None) -> SendMessagePayload:
        problems = validation.return_id(str(return_id), ("returnId",))
        problems += validation.message_text(text, idempotency_key=idempotency_key)
        payload = {"returnId": str(return_id), "text": text, "idempotencyKey": idempotency_key}
        message, errors = await _message_command(info, catalog.SEND_MESSAGE, payload, problems)
        return SendMessagePayload(message=message, user_errors=errors)

    @typed_mutation(description="Agent: put an inbox email on a return's conversation; only on a return of "
                    "an order whose address is the email's sender.", extensions=sends(catalog.ATTACH_MESSAGE))
    async def attach_message(self, info: Info, message_id: strawberry.ID,
                             return_id: strawberry.ID) -> AttachMessagePayload:
        problems = validation.return_id(str(message_id), ("messageId",))
        problems += validation.return_id(str(return_id), ("returnId",))
        payload = {"messageId": str(message_id), "returnId": str(return_id)}
        message, errors = await _message_command(info, catalog.ATTACH_MESSAGE, payload, problems)
        return AttachMessagePayload(message=message, user_errors=errors)

    @typed_mutation(description="Agent: an inbox email handled (or, with handled: false, open again).",
                    extensions=sends(catalog.MARK_MESSAGE_HANDLED))
    async def mark_message_handled(self, info: Info, message_id: strawberry.ID,
                                   handled: bool = True) -> MarkMessageHandledPayload:
        problems = validation.return_id(str(message_id), ("messageId",))
        payload = {"messageId": str(message_id), "handled": handled}
        message, errors = await _message_command(info, catalog.MARK_MESSAGE_HANDLED, payload, problems)
        return MarkMessageHandledPayload(message=message, user_errors=errors)

    @typed_mutation(description="Agent: a note on the return's timeline that customers never see (1 to 5000 "
                    "characters).", extensions=sends(catalog.ADD_INTERNAL_NOTE))
    async def add_internal_note(self, info: Info, return_id: strawberry.ID,
                                text: str) -> AddInternalNotePayload:
        errors = validation.return_id(str(return_id), ("returnId",)) + validation.message_text(text)
        if errors:
            return AddInternalNotePayload(user_errors=errors)
        answer = await send(info, caller_of(info), catalog.ADD_INTERNAL_NOTE,
                            {"returnId": str(return_id), "text": text})
        returned = await _return_payload(info, answer, str(return_id))
        return AddInternalNotePayload(return_=returned.return_, user_errors=returned.user_errors)


async def _message_command(info: Info, command: Command[Any], payload: dict[str, Any],
                           problems: list[UserError]) -> tuple[Message | None, list[UserError]]:
    """The shape shared by the conversation's commands on a message: the edge's problems (nothing is
    sent), else the command and the message it wrote, read back fresh (None after a refusal)."""
    if problems:
        return None, problems
    answer = await send(info, caller_of(info), command, payload)
    if answer.user_errors or answer.message_id is None:
        return None, answer.user_errors
    ctx = info.context
    found = await ctx.run_blocking(ctx.reader.get_message, answer.message_id)
    return (Message.from_domain(found) if found is not None else None), []
