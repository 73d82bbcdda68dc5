"""Configuration of the shared code's processes, read from the environment and validated once, at
cold start (the composition root builds these first): a missing or empty variable is ONE clear
error naming every problem, never an empty string found by the first AWS call that needs it.

Extend a model by adding a field (its environment variable is the field name in upper case).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AliasChoices, Field, StringConstraints, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LOCAL_CURSOR_SECRET = "local-cursor-secret"  # pinned for the local stack; AWS injects CURSOR_SECRET
PRODUCTION_STAGES = frozenset({"prod", "production"})


class ConfigurationError(RuntimeError):
    """The environment does not configure this process; the message names every problem."""


class _Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    stage: Name = "local"
    region: Name = Field(
        default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )

    @property
    def production(self) -> bool:
        return self.stage.lower() in PRODUCTION_STAGES

    @classmethod
    def load(cls, **overrides: object) -> Self:
        """From the environment (and `overrides`); ConfigurationError listing what is missing or bad."""
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            problems = "; ".join(
                f"{_variable(error['loc'])}: {error['msg']}" for error in exc.errors(include_url=False)
            )
            raise ConfigurationError(f"{cls.__name__} is not configured: {problems}") from None


def _variable(location: tuple[int | str, ...]) -> str:
    return str(location[0]).upper() if location else "environment"


class StorageSettings(_Settings):
    """What reading the table and the label bucket needs."""

    table_name: Name
    labels_bucket: Name
    cursor_secret: Name = LOCAL_CURSOR_SECRET

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> Self:
        if self.production and self.cursor_secret == LOCAL_CURSOR_SECRET:
            raise ValueError(
                "CURSOR_SECRET must be set in production (the local default signs forgeable cursors)"
            )
        return self


class FunctionSettings(StorageSettings):
    """The four functions (one process each)."""

    event_bus_name: Name
    ops_topic_arn: Name
    sender_email: Name = "returns@allegra-k.com"
    # only the refund function starts and stops the deadline workflow
    refund_deadline_state_machine_arn: Name | None = None


class GatewayBackendSettings(StorageSettings):
    """What the gateway's reader and command bus are wired with (its HTTP and auth settings are
    returns_api.settings.Settings). Function names are those of the template's functions."""

    request_function_name: Name
    screening_function_name: Name
    refund_function_name: Name
    label_function_name: Name | None = None

    def function_names(self) -> dict[str, str]:
        names = {"request": self.request_function_name, "screening": self.screening_function_name,
                 "refund": self.refund_function_name, "label": self.label_function_name}
        return {role: name for role, name in names.items() if name}
