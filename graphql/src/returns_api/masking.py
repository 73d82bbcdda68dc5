"""Error masking: clients see validation, limit and our typed errors; everything else becomes
"Unexpected error. Reference: <request id>" (code INTERNAL_SERVER_ERROR), logged with its stack.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from returns_api.errors import ApiError
from returns_api.observability import logger
from returns_api.scalars import InvalidScalar


def is_client_error(error: GraphQLError) -> bool:
    """Allow-list: what a client may see as is."""
    original: BaseException | None = error.original_error
    # graphql-core may wrap a GraphQLError in another (e.g. variable coercion): walk the chain.
    while isinstance(original, GraphQLError) and not isinstance(original, ApiError):
        original = original.original_error
    # None: graphql-core's own syntax/validation/limit errors (about the query itself).
    return original is None or isinstance(original, ApiError | InvalidScalar)


class ReferencedMaskErrors(MaskErrors):
    """MaskErrors that tags each masked error with the request id, so support can find the log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_client_error(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None) or "unknown"
        original = error.original_error
        logger.error(
            "unexpected error in a GraphQL operation",
            exc_info=(type(original), original, original.__traceback__) if original else None,
            extra={
                "request_id": request_id,
                "path": list(error.path) if error.path else None,
                "operation": self.execution_context.operation_name,
            },
        )
        return GraphQLError(
            message=f"Unexpected error. Reference: {request_id}",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
