"""Every command of the service, declared once: its name (the GraphQL mutation that sends it), the
function that owns it, its input model, the roles that may send it and its handler (by import path:
loaded by its first command, so the gateway and the other functions never import it).

The functions dispatch from these declarations (`lambda_entry.FunctionRoutes`), the gateway derives
its permission checks and its routing from them; nothing else lists roles or owners of a command.
"""

from __future__ import annotations

from typing import Any

from returns_shared.service.commands import (
    AddInternalNote,
    ApproveReturn,
    AttachMessage,
    ById,
    DeclineReturn,
    ExportReturns,
    InspectReturn,
    MarkMessageHandled,
    ReceiveReturn,
    RecordOrder,
    RecordUnknownPackage,
    RequestReturn,
    ReturnInsights,
    SendMessage,
    SubmitTracking,
)
from returns_shared.service.dispatch import Command, handler
from returns_shared.service.roles import Role

REQUEST, SCREENING, LABEL, REFUND, MAIL = "request", "screening", "label", "refund", "mail"  # command owners
INSIGHTS = "insights"
CUSTOMER, AGENT, WAREHOUSE, INTEGRATION = Role.CUSTOMER, Role.AGENT, Role.WAREHOUSE, Role.INTEGRATION
MERCHANT = Role.MERCHANT

OWNER_OR_AGENT = frozenset({CUSTOMER, AGENT})  # customers on their own orders; agents on their behalf
AGENTS, WAREHOUSE_STAFF, ORDER_FEED = frozenset({AGENT}), frozenset({WAREHOUSE}), frozenset({INTEGRATION})
INSIGHT_READERS = frozenset({MERCHANT, AGENT})  # the merchant's figures: never customers, warehouse or feed

_ORDERS, _REQUESTS = "returns_shared.service.orders", "returns_shared.service.requests"
_SCREENING, _REFUNDS = "returns_shared.service.screening", "returns_shared.service.refunds"
_LABELS = "returns_shared.service.labels"
_PACKAGES = "returns_shared.service.unknown_packages"
_INSIGHTS = "returns_shared.service.insights"
_CONVERSATION = "returns_shared.service.conversation"

RECORD_ORDER = Command("recordOrder", REQUEST, RecordOrder, ORDER_FEED, handler(f"{_ORDERS}:record_order"),
                       wrapped=True)
REQUEST_RETURN = Command("requestReturn", REQUEST, RequestReturn, OWNER_OR_AGENT,
                         handler(f"{_REQUESTS}:request_return"), wrapped=True)
CANCEL_RETURN = Command("cancelReturn", REQUEST, ById, OWNER_OR_AGENT, handler(f"{_REQUESTS}:cancel_return"))
SUBMIT_TRACKING = Command("submitReturnTracking", REQUEST, SubmitTracking, OWNER_OR_AGENT,
                          handler(f"{_REQUESTS}:submit_tracking"))
APPROVE_RETURN = Command("approveReturn", SCREENING, ApproveReturn, AGENTS,
                         handler(f"{_SCREENING}:approve_return"))
DECLINE_RETURN = Command("declineReturn", SCREENING, DeclineReturn, AGENTS,
                         handler(f"{_SCREENING}:decline_return"))
RETRY_LABEL = Command("retryLabel", LABEL, ById, AGENTS, handler(f"{_LABELS}:retry_label"))
RECEIVE_RETURN = Command("receiveReturn", REFUND, ReceiveReturn, WAREHOUSE_STAFF,
                         handler(f"{_REFUNDS}:receive_return"))
INSPECT_RETURN = Command("inspectReturn", REFUND, InspectReturn, WAREHOUSE_STAFF,
                         handler(f"{_REFUNDS}:inspect_return"))
RECORD_UNKNOWN_PACKAGE = Command("recordUnknownPackage", REFUND, RecordUnknownPackage, WAREHOUSE_STAFF,
                                 handler(f"{_PACKAGES}:record_unknown_package"), wrapped=True)
ISSUE_REFUND = Command("issueRefund", REFUND, ById, AGENTS, handler(f"{_REFUNDS}:issue_refund"))
RETRY_REFUND = Command("retryRefund", REFUND, ById, AGENTS, handler(f"{_REFUNDS}:retry_refund"))
SEND_MESSAGE = Command("sendMessage", MAIL, SendMessage, AGENTS, handler(f"{_CONVERSATION}:send_message"))
ATTACH_MESSAGE = Command("attachMessage", MAIL, AttachMessage, AGENTS,
                         handler(f"{_CONVERSATION}:attach_message"))
MARK_MESSAGE_HANDLED = Command("markMessageHandled", MAIL, MarkMessageHandled, AGENTS,
                               handler(f"{_CONVERSATION}:mark_message_handled"))
ADD_INTERNAL_NOTE = Command("addInternalNote", MAIL, AddInternalNote, AGENTS,
                            handler(f"{_CONVERSATION}:add_internal_note"))
# Reads, but of Athena: sent to the insights function, which alone holds Athena's rights.
RETURN_INSIGHTS = Command("returnInsights", INSIGHTS, ReturnInsights, INSIGHT_READERS,
                          handler(f"{_INSIGHTS}:return_insights"))
EXPORT_RETURNS = Command("exportReturns", INSIGHTS, ExportReturns, INSIGHT_READERS,
                         handler(f"{_INSIGHTS}:export_returns"))

COMMANDS: dict[str, Command[Any]] = {
    command.name: command
    for command in (RECORD_ORDER, REQUEST_RETURN, CANCEL_RETURN, SUBMIT_TRACKING, APPROVE_RETURN,
                    DECLINE_RETURN, RETRY_LABEL, RECEIVE_RETURN, INSPECT_RETURN, RECORD_UNKNOWN_PACKAGE,
                    ISSUE_REFUND, RETRY_REFUND, SEND_MESSAGE, ATTACH_MESSAGE, MARK_MESSAGE_HANDLED,
                    ADD_INTERNAL_NOTE, RETURN_INSIGHTS, EXPORT_RETURNS)
}


def owned_by(function: str) -> dict[str, Command[Any]]:
    """The commands one function serves (its app.py routes them)."""
    return {name: command for name, command in COMMANDS.items() if command.function == function}
