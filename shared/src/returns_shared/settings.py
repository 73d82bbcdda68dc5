"""Configuration of the shared code's processes, read from the environment and validated once, at
cold start: a missing or empty variable is ONE ConfigurationError naming every problem, never an
empty string found by the first AWS call that needs it. Extend a model by adding a field (its
environment variable is the field name in upper case).

Adapters are chosen by configuration: `PAYMENTS=stripe|localstripe|ledger`, `CARRIER=easypost|local`.
With `STAGE=prod` a process refuses to start (ConfigurationError at cold start) when a sandbox
adapter is chosen or a secret it needs is not configured: production never pays nobody or prints
labels no carrier issued by accident.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PRODUCTION_STAGES = frozenset({"prod", "production"})
PAYMENT_ADAPTERS = ("stripe", "localstripe", "ledger")
CARRIER_ADAPTERS = ("easypost", "local")
SANDBOX_PAYMENTS = frozenset({"localstripe", "ledger"})
SANDBOX_CARRIERS = frozenset({"local"})


class ConfigurationError(RuntimeError):
    """The process is configured in a way it must not run with; the message names every problem."""


_RUNNING_WITH: ContextVar[Mapping[str, str] | None] = ContextVar("returns_environment", default=None)


def process_environment() -> Mapping[str, str]:
    """The environment this code is configured by: os.environ on Lambda (one function per process), or
    the one the local stack gives the function it is running (`running_with`), where several functions
    share a process and each must see only its own variables, as it would on AWS."""
    return _RUNNING_WITH.get() or os.environ


@contextmanager
def running_with(environment: Mapping[str, str]) -> Iterator[None]:
    token = _RUNNING_WITH.set(environment)
    try:
        yield
    finally:
        _RUNNING_WITH.reset(token)


def _blank_is_unset(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class EnvironmentSettings(BaseModel):
    """A settings model read from os.environ, or from a given mapping alone (`from_env(env)`: tests,
    tools); `load` turns every problem into one ConfigurationError. The gateway's model builds on it.

    A variable is a field's name (or one of its lower-case aliases) in any case. Plain pydantic
    over the environment: pydantic-settings imports asyncio, argparse and dotenv at import, about
    70 ms of every function's cold start, for sources this service never reads. Constructing a
    model directly reads no environment (values and defaults only)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    @classmethod
    def load(cls, **overrides: object) -> Self:
        """From the environment (and `overrides`); ConfigurationError listing what is missing or bad."""
        return cls._validated(process_environment(), overrides)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """From the process's environment, or from `env` alone (tests, tools)."""
        return cls._validated(process_environment() if env is None else env, {})

    @classmethod
    def _validated(cls, environment: Mapping[str, str], overrides: Mapping[str, object]) -> Self:
        values = {name.lower(): value for name, value in environment.items()}
        try:
            return cls.model_validate({**values, **overrides})
        except ValidationError as exc:
            problems = "; ".join(
                f"{_variable(error['loc'])}: {error['msg']}" for error in exc.errors(include_url=False)
            )
            raise ConfigurationError(f"{cls.__name__} is not configured: {problems}") from None


class _Settings(EnvironmentSettings):
    stage: Name = "local"
    region: Name = Field(
        default="us-east-1", validation_alias=AliasChoices("aws_region", "aws_default_region")
    )

    @property
    def production(self) -> bool:
        return self.stage.lower() in PRODUCTION_STAGES


def _variable(location: tuple[int | str, ...]) -> str:
    return str(location[0]).upper() if location else "environment"


class StorageSettings(_Settings):
    """What reading the table and the label bucket needs."""

    table_name: Name
    labels_bucket: Name
    photos_bucket: Name | None = None  # the warehouse's inspection photos; unset: photos are refused
    cursor_secret_arn: Name | None = None  # production: Secrets Manager; locally a per-process key
    mail_bucket: Name | None = None  # received mail and its attachments (the mail function, the gateway)

    @field_validator("cursor_secret_arn", "mail_bucket", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return _blank_is_unset(value)


class FunctionSettings(StorageSettings):
    """The four functions (one process each)."""

    event_bus_name: Name
    ops_topic_arn: Name
    sender_email: Name = "returns@allegra-k.com"
    support_email: Name = "cs@allegra-k.com"  # customer service: agents reply from it, customers write to it
    # only the refund function starts and stops the deadline workflow
    refund_deadline_state_machine_arn: Name | None = None
    payments: Literal["stripe", "localstripe", "ledger"] = "ledger"
    carrier: Literal["easypost", "local"] = "local"
    stripe_api_base: Name | None = None  # localstripe's address (PAYMENTS=localstripe)
    stripe_api_key_secret_arn: Name | None = None
    stripe_webhook_secret_arn: Name | None = None
    easypost_api_key_secret_arn: Name | None = None
    easypost_webhook_secret_arn: Name | None = None
    easypost_carriers: tuple[str, ...] = ("USPS", "UPS")  # "USPS,UPS"
    # the NAME of the SSM parameter holding the portal's URL (the emails link to a return's page)
    portal_url_parameter: Name | None = None
    # insights (only the insights function sets them): engine, where facts go, and what they name
    insights_engine: Literal["athena", "duckdb"] | None = None
    fact_sink: Literal["firehose", "files"] | None = None
    facts_stream_name: Name | None = None  # the Firehose delivery stream
    athena_workgroup: Name | None = None
    facts_database: Name | None = None  # the Glue database of the facts table
    insights_results_bucket: Name | None = None  # Athena's results, the exports' CSV files
    insights_facts_dir: Name | None = None  # locally: where the Parquet fact files live
    export_url_seconds: int = Field(default=300, ge=30, le=3600)  # an export link's lifetime

    @field_validator(
        "refund_deadline_state_machine_arn",
        "stripe_api_base",
        "stripe_api_key_secret_arn",
        "stripe_webhook_secret_arn",
        "easypost_api_key_secret_arn",
        "easypost_webhook_secret_arn",
        "portal_url_parameter",
        "insights_engine",
        "fact_sink",
        "facts_stream_name",
        "athena_workgroup",
        "facts_database",
        "insights_results_bucket",
        "insights_facts_dir",
        mode="before",
    )
    @classmethod
    def _optional(cls, value: Any) -> Any:
        return _blank_is_unset(value)

    @field_validator("payments", "carrier", mode="before")
    @classmethod
    def _known_adapter(cls, value: Any, info: Any) -> Any:
        choices = PAYMENT_ADAPTERS if info.field_name == "payments" else CARRIER_ADAPTERS
        chosen = str(value).strip().lower()
        if chosen not in choices:
            raise ValueError(f"{info.field_name.upper()} must be one of {sorted(choices)}, not {chosen!r}")
        return chosen

    @field_validator("easypost_carriers", mode="before")
    @classmethod
    def _carrier_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(carrier.strip().upper() for carrier in value.split(",") if carrier.strip())
        return value

    @model_validator(mode="after")
    def _localstripe_has_an_address(self) -> Self:
        if self.payments == "localstripe" and not self.stripe_api_base:
            raise ValueError("PAYMENTS=localstripe needs STRIPE_API_BASE (the localstripe address)")
        return self

    def check_production(self, needs: Iterable[str] = (), *, mails_customers: bool = True) -> None:
        """In production: no sandbox adapter anywhere, and every secret this process `needs`
        ("payments", "payment-webhooks", "carrier", "carrier-webhooks", "cursors", "mail") configured, and
        for "insights" the Athena and Firehose names."""
        if not self.production:
            return
        problems: list[str] = []
        if "insights" in needs:  # only the insights function runs an engine and writes facts
            if self.insights_engine != "athena" or self.fact_sink != "firehose":
                problems.append(f"INSIGHTS_ENGINE={self.insights_engine} / FACT_SINK={self.fact_sink}: "
                                "production insights need athena and firehose (duckdb and files are local)")
            problems += [f"{name} is not set" for name, value in (
                ("ATHENA_WORKGROUP", self.athena_workgroup), ("FACTS_DATABASE", self.facts_database),
                ("FACTS_STREAM_NAME", self.facts_stream_name),
                ("INSIGHTS_RESULTS_BUCKET", self.insights_results_bucket),
            ) if not value]
        if self.payments in SANDBOX_PAYMENTS:
            problems.append(f"PAYMENTS={self.payments} is a sandbox: production refunds need PAYMENTS=stripe")
        if self.carrier in SANDBOX_CARRIERS:
            problems.append(f"CARRIER={self.carrier} is a sandbox: production labels need CARRIER=easypost")
        if self.stripe_api_base:
            problems.append("STRIPE_API_BASE points Stripe at another server (localstripe?)")
        required = {
            "payments": ("STRIPE_API_KEY_SECRET_ARN", self.stripe_api_key_secret_arn),
            "payment-webhooks": ("STRIPE_WEBHOOK_SECRET_ARN", self.stripe_webhook_secret_arn),
            "carrier": ("EASYPOST_API_KEY_SECRET_ARN", self.easypost_api_key_secret_arn),
            "carrier-webhooks": ("EASYPOST_WEBHOOK_SECRET_ARN", self.easypost_webhook_secret_arn),
            "cursors": ("CURSOR_SECRET_ARN", self.cursor_secret_arn),
            "mail": ("MAIL_BUCKET", self.mail_bucket),
        }
        problems += [f"{name} is not set" for need in needs if need in required
                     for name, value in [required[need]] if not value]
        # a function that mails customers needs their return's page
        if mails_customers and not self.portal_url_parameter:
            problems.append("PORTAL_URL_PARAMETER is not set")
        if problems:
            raise ConfigurationError(f"refusing to start with STAGE={self.stage}: " + "; ".join(problems))


Settings = FunctionSettings  # the name the wiring and its tests know the functions' model by


class GatewayBackendSettings(StorageSettings):
    """What the gateway's reader and command bus are wired with (its HTTP and auth settings are
    returns_api.settings.Settings). Function names are those of the template's functions."""

    request_function_name: Name
    screening_function_name: Name
    refund_function_name: Name
    label_function_name: Name | None = None
    mail_function_name: Name | None = None
    insights_function_name: Name | None = None

    def function_names(self) -> dict[str, str]:
        names = {"request": self.request_function_name, "screening": self.screening_function_name,
                 "refund": self.refund_function_name, "label": self.label_function_name,
                 "mail": self.mail_function_name,
                 "insights": self.insights_function_name}
        return {role: name for role, name in names.items() if name}


# Key prefixes of the providers' test modes, and of their live keys: a production process refuses a key
# of neither kind (the template's placeholder, an example, a typo) at first use, before sending it.
SANDBOX_KEY_PREFIXES = {"stripe": ("sk_test_", "rk_test_"), "easypost": ("EZTK",)}
LIVE_KEY_PREFIXES = {"stripe": ("sk_live_", "rk_live_"), "easypost": ("EZAK",)}
# template.yaml creates the provider secrets with this value until somebody sets them (README).
UNSET_SECRET_PLACEHOLDER = "set-me"
# A webhook signing secret is a random value of some length; Stripe's always start with whsec_.
MIN_WEBHOOK_SECRET_LENGTH = 16
WEBHOOK_SECRET_PREFIXES = {"stripe": "whsec_"}
# Words (between non-alphanumerics) that mark a value as an example, a placeholder or a test secret.
TEST_LOOKING_WORDS = frozenset({
    "test", "testing", "local", "localhost", "dev", "example", "sample", "dummy", "fake", "placeholder",
    "changeme", "change", "setme", "sandbox", "demo", "todo", "xxx",
})


def refuse_sandbox_key(provider: str, key: str, *, production: bool) -> str:
    if production and key == UNSET_SECRET_PLACEHOLDER:  # never sent to the provider as a credential
        raise ConfigurationError(f"STAGE=prod: the {provider} API key secret still holds the placeholder "
                                 f"{UNSET_SECRET_PLACEHOLDER!r}; put the real key in it (README, Deploying)")
    if production and key.startswith(SANDBOX_KEY_PREFIXES[provider]):
        raise ConfigurationError(f"STAGE=prod refuses a {provider} test-mode key")
    if production and not key.startswith(LIVE_KEY_PREFIXES[provider]):
        raise ConfigurationError(f"STAGE=prod: the {provider} API key secret holds no live key (one starts "
                                 f"with {' or '.join(LIVE_KEY_PREFIXES[provider])}; README, Deploying)")
    return key


def unusable_webhook_secret(provider: str, value: str) -> str | None:
    """Why production must not verify webhook calls with this signing secret (None: it may)."""
    value = value.strip()
    if not value:
        return "it is empty"
    if value == UNSET_SECRET_PLACEHOLDER:
        return f"it still holds the template's placeholder {UNSET_SECRET_PLACEHOLDER!r}"
    prefix = WEBHOOK_SECRET_PREFIXES.get(provider)
    if prefix and not value.startswith(prefix):
        return f"a {provider} endpoint's signing secret starts with {prefix}"
    if len(value) < MIN_WEBHOOK_SECRET_LENGTH:
        return f"it is too short ({len(value)} characters) to be a signing secret"
    words = sorted(set(re.split(r"[^a-z0-9]+", value.lower())) & TEST_LOOKING_WORDS)
    if words:
        return f"it is test-looking ({', '.join(words)})"
    return None
