"""Every command of the service, declared once: its name (the GraphQL mutation that sends it), the
function that owns it, its input model, the roles that may send it and its handler.

The functions dispatch from these declarations (`lambda_entry.FunctionRoutes`), the gateway derives
its permission checks and its routing from them; nothing else lists roles or owners of a command.
"""

from __future__ import annotations

from typing import Any

from returns_shared.service import orders, refunds, requests, screening
from returns_shared.service.commands import (
    ApproveReturn,
    ById,
    DeclineReturn,
    InspectReturn,
    ReceiveReturn,
    RecordOrder,
    RequestReturn,
    SubmitTracking,
)
from returns_shared.service.dispatch import Command
from returns_shared.service.roles import Role

REQUEST, SCREENING, REFUND = "request", "screening", "refund"  # the functions that own commands
CUSTOMER, AGENT, WAREHOUSE, INTEGRATION = Role.CUSTOMER, Role.AGENT, Role.WAREHOUSE, Role.INTEGRATION

OWNER_OR_AGENT = frozenset({CUSTOMER, AGENT})  # customers on their own orders; agents on their behalf
AGENTS, WAREHOUSE_STAFF, ORDER_FEED = frozenset({AGENT}), frozenset({WAREHOUSE}), frozenset({INTEGRATION})

RECORD_ORDER = Command("recordOrder", REQUEST, RecordOrder, ORDER_FEED, orders.record_order, wrapped=True)
REQUEST_RETURN = Command("requestReturn", REQUEST, RequestReturn, OWNER_OR_AGENT, requests.request_return,
                         wrapped=True)
CANCEL_RETURN = Command("cancelReturn", REQUEST, ById, OWNER_OR_AGENT, requests.cancel_return)
SUBMIT_TRACKING = Command("submitReturnTracking", REQUEST, SubmitTracking, OWNER_OR_AGENT,
                          requests.submit_tracking)
APPROVE_RETURN = Command("approveReturn", SCREENING, ApproveReturn, AGENTS, screening.approve_return)
DECLINE_RETURN = Command("declineReturn", SCREENING, DeclineReturn, AGENTS, screening.decline_return)
RECEIVE_RETURN = Command("receiveReturn", REFUND, ReceiveReturn, WAREHOUSE_STAFF, refunds.receive_return)
INSPECT_RETURN = Command("inspectReturn", REFUND, InspectReturn, WAREHOUSE_STAFF, refunds.inspect_return)
ISSUE_REFUND = Command("issueRefund", REFUND, ById, AGENTS, refunds.issue_refund)
RETRY_REFUND = Command("retryRefund", REFUND, ById, AGENTS, refunds.retry_refund)

COMMANDS: dict[str, Command[Any]] = {
    command.name: command
    for command in (RECORD_ORDER, REQUEST_RETURN, CANCEL_RETURN, SUBMIT_TRACKING, APPROVE_RETURN,
                    DECLINE_RETURN, RECEIVE_RETURN, INSPECT_RETURN, ISSUE_REFUND, RETRY_REFUND)
}


def owned_by(function: str) -> dict[str, Command[Any]]:
    """The commands one function serves (its app.py routes them)."""
    return {name: command for name, command in COMMANDS.items() if command.function == function}
