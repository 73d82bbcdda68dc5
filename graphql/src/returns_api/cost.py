"""Static query cost: how many objects an operation can make, computed from the document alone.

Refused before execution when over the caller's budget (see `guard.py`), so a fan-out through
`Return.order` / `Order.returns` is answered in milliseconds instead of running for seconds.

The model (the shape of IBM's GraphQL cost directives): a field of object type costs 1, a
scalar or enum costs 0; a list multiplies its own cost and everything below it by its size.
A list's size is its slicing argument (`first`, clamped to the maximum the resolver enforces,
so an out-of-range value is refused there with BAD_USER_INPUT) or the bound in LIST_SIZES.
Directives (@skip/@include) are ignored: the cost is an upper bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    value_from_ast_untyped,
)

from returns_shared.insights.queries import ROW_LIMIT as INSIGHT_ROWS  # rows of one insights answer
from returns_shared.service.limits import MAX_LINES  # lines per order and per return (the input limit)

MAX_PAGE = 100  # `first` of any paginated list, enforced by its resolver
RETURNS_PAGE_DEFAULT = 20
ORDER_RETURNS_DEFAULT = 50  # Order.returns is capped, not a connection (the contract's type)


@dataclass(frozen=True)
class Sliced:
    """A list (or a connection's `edges`) sized by an argument."""

    argument: str
    default: int
    maximum: int = MAX_PAGE
    sizes_children: tuple[str, ...] = ()  # a connection: the argument sizes these child lists


MAX_CLAUSES = 40  # clauses in the policy document (a test keeps this true)
MAX_REASONS = 7  # one per IneligibilityCode
MAX_FLAGS = 10  # screening flags: at most one per screening clause
MAX_TIMELINE = 20  # status changes plus a few notes (label issued, reminders)
MAX_CONVERSATION = 50  # a return's emails, both directions (a long one is read whole, costed at this)
MAX_ATTACHMENTS = 20  # kept of one email (returns_shared.service.inbound_mail.MAX_ATTACHMENTS)

LIST_SIZES: Mapping[str, Sliced | int] = {
    "Query.returns": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Query.failedRefunds": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Query.failedLabels": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Query.orders": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Query.unknownPackages": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Query.inbox": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Query.reviewQueue": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Customer.orders": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Customer.returns": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Customer.messages": Sliced("first", default=RETURNS_PAGE_DEFAULT, sizes_children=("edges",)),
    "Return.messages": MAX_CONVERSATION,
    "Message.attachments": MAX_ATTACHMENTS,
    "Query.returnsByTrackingNumber": 10,  # usually one; a few when a customer ships returns together
    "Order.returns": Sliced("first", default=ORDER_RETURNS_DEFAULT),
    "Order.lines": MAX_LINES,
    "Order.returnability": MAX_LINES,
    "Return.lines": MAX_LINES,
    "ReturnQuote.lines": MAX_LINES,
    "QuoteLine.reasons": MAX_REASONS,
    "LineReturnability.reasons": MAX_REASONS,
    "ReturnQuote.appliedClauses": MAX_CLAUSES,
    "Refund.appliedClauses": MAX_CLAUSES,
    "ReturnPolicy.clauses": MAX_CLAUSES,
    "Screening.flags": MAX_FLAGS,
    "Return.timeline": MAX_TIMELINE,
    "ReturnPayload.userErrors": MAX_LINES,
    "ReturnInsightsPayload.rows": INSIGHT_ROWS,
}
DEFAULT_LIST_SIZE = MAX_PAGE  # a list nobody sized yet is assumed as long as the longest page


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ),
        None,
    )
    root = schema.get_root_type(operation.operation) if operation is not None else None
    if operation is None or root is None:
        return 0  # nothing will run (graphql-core reports the unknown operation)
    return _Walker(schema, document, operation, variables or {}).cost(
        root, operation.selection_set, {}, set()
    )


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ):
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)

    def cost(
        self,
        parent: GraphQLNamedType | None,
        selections: SelectionSetNode | None,
        sized: dict[str, int],
        spread: set[str],
    ) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                total += self._field_cost(parent, selection, sized)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(on, selection.selection_set, sized, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if (
                    fragment is not None and name not in spread
                ):  # validation refuses cycles; be safe anyway
                    on = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.cost(on, fragment.selection_set, sized, spread | {name})
        return total

    def _field_cost(
        self, parent: GraphQLNamedType | None, node: FieldNode, sized: dict[str, int]
    ) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None) or {}
        if parent is None or name.startswith("__") or name not in fields:
            return 0  # introspection (off in production) and unknown fields (refused by validation)
        field = fields[name]
        coordinate = f"{parent.name}.{name}"
        target = get_named_type(field.type)
        if not is_composite_type(target):
            return 0
        size = 1
        if isinstance(get_nullable_type(field.type), GraphQLList):
            size = sized[name] if name in sized else self._list_size(coordinate, node)
        rule = LIST_SIZES.get(coordinate)
        children_sized = {}
        if isinstance(rule, Sliced) and rule.sizes_children:
            children_sized = dict.fromkeys(rule.sizes_children, self._sliced(rule, node))
        return size * (1 + self.cost(target, node.selection_set, children_sized, set()))

    def _list_size(self, coordinate: str, node: FieldNode) -> int:
        rule = LIST_SIZES.get(coordinate, DEFAULT_LIST_SIZE)
        return self._sliced(rule, node) if isinstance(rule, Sliced) else rule

    def _sliced(self, rule: Sliced, node: FieldNode) -> int:
        value: Any = None
        for argument in node.arguments or ():
            if argument.name.value != rule.argument:
                continue
            if isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
            elif isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif not isinstance(argument.value, NullValueNode):
                value = rule.maximum  # not an int: refused later; assume the worst meanwhile
        if value is None:
            return rule.default
        if not isinstance(value, int) or isinstance(value, bool):
            return rule.maximum
        return max(0, min(value, rule.maximum))
