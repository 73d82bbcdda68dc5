"""The schema: Query and Mutation assembled, custom scalars mapped, protections installed.

Limits and validation rules are built ONCE per schema (a fixed tuple of rule classes keeps the
validation cache hitting); the extensions that hold per-request state are factories, so each
request gets a fresh instance.
"""

from __future__ import annotations

import re
from functools import lru_cache

import strawberry
from graphql import GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ValidationCache
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from returns_api.guard import OperationGuard
from returns_api.masking import ReferencedMaskErrors
from returns_api.mutation import Mutation
from returns_api.query import Query
from returns_api.scalars import SCALAR_MAP
from returns_api.settings import Settings

MAX_DEPTH = 10
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")  # graphql-core's did_you_mean() (names hold no "?")
MAX_ALIASES = 15
MAX_TOKENS = 2000
VALIDATION_CACHE_SIZE = 256


class GatewaySchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry logs every error with a stack trace by default; client errors (bad queries,
        # refused tokens) are not incidents, and unexpected ones are logged by the masking extension.
        if self.config.disable_field_suggestions:
            # Strawberry strips field suggestions only; graphql-core also suggests argument, type,
            # enum value and input field names, all of which describe the schema.
            for error in errors:
                error.message = _SUGGESTION.sub("", error.message)


@lru_cache(maxsize=4)
def _build(developer_tools: bool) -> GatewaySchema:
    rules: list[type[ASTValidationRule]] = [depth_rule(MAX_DEPTH, None), max_aliases_rule(MAX_ALIASES)]
    if not developer_tools:
        rules.append(NoSchemaIntrospectionCustomRule)
    fixed_rules = list(rules)  # one list object, shared by every request
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            disable_field_suggestions=not developer_tools,
            batching_config=None,  # no batched requests: one operation per HTTP request
        ),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: AddValidationRules(fixed_rules),
            lambda: ValidationCache(maxsize=VALIDATION_CACHE_SIZE),
            OperationGuard,
            ReferencedMaskErrors,
        ],
    )


def build_schema(settings: Settings) -> GatewaySchema:
    """The schema for these settings, built once per process (cached by the flags it depends on)."""
    return _build(settings.developer_tools)


def sdl() -> str:
    """The exported SDL (identical whatever the settings)."""
    return _build(True).as_str() + "\n"


__all__ = ["build_schema", "sdl"]
