"""Refusals after validation, before anything runs: several operations without a name, and an
operation over the caller's cost budget (see cost.py). Both are GraphQL errors with stable codes.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from returns_api.cost import operation_cost

# From the real frontends (web/shared/operations.js, operations/): the portal's page of 20 orders with
# their lines, returnability and returns costs about 19,000 at the bounds (50 lines an order).
CUSTOMER_BUDGET = 25_000  # customers and anonymous callers
STAFF_BUDGET = 50_000  # agents, warehouse, order feed: e.g. 50 returns with every field


def budget_for(role: str | None) -> int:
    return STAFF_BUDGET if role in {"agent", "warehouse", "integration"} else CUSTOMER_BUDGET


class OperationGuard(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        # Before parsing, Strawberry knows an operation name only if the request gave one (afterwards
        # it falls back to the first operation's name, which would run the first of several).
        self._named = self.execution_context.operation_name is not None
        yield

    def on_execute(self) -> Iterator[None]:
        refusal = self._refusal()
        if refusal is not None:
            self.execution_context.result = ExecutionResult(data=None, errors=[refusal])
        yield

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return None
        operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
        if operations > 1 and not self._named:
            return GraphQLError(
                "Must provide operation name if query contains multiple operations.",
                extensions={"code": "OPERATION_NAME_REQUIRED"},
            )
        cost = operation_cost(
            context.schema._schema, document, context.operation_name, context.variables
        )
        caller = getattr(context.context, "caller", None)
        budget = budget_for(caller.role if caller is not None else None)
        if cost > budget:
            return GraphQLError(
                f"Query cost {cost} exceeds the budget of {budget}: ask for fewer items (`first`) or fewer "
                "nested lists",
                extensions={"code": "MAX_COST_EXCEEDED", "cost": cost, "budget": budget},
            )
        return None
