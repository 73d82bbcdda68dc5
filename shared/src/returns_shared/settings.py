"""What a function process is configured with (environment), and the production guard.

Adapters are chosen by configuration: `PAYMENTS=stripe|localstripe|ledger`, `CARRIER=easypost|local`.
With `STAGE=prod` a process refuses to start (ConfigurationError at cold start) when a sandbox
adapter is chosen or a secret it needs is not configured: production never pays nobody or prints
labels no carrier issued by accident.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PRODUCTION_STAGES = frozenset({"prod", "production"})
PAYMENT_ADAPTERS = frozenset({"stripe", "localstripe", "ledger"})
CARRIER_ADAPTERS = frozenset({"easypost", "local"})
SANDBOX_PAYMENTS = frozenset({"localstripe", "ledger"})
SANDBOX_CARRIERS = frozenset({"local"})


class ConfigurationError(RuntimeError):
    """The process is configured in a way it must not run with."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    stage: str = "local"
    event_bus_name: str = ""
    labels_bucket: str = ""
    ops_topic_arn: str = ""
    sender_email: str = "returns@allegra-k.com"
    refund_deadline_state_machine_arn: str = ""
    region: str = "us-east-1"
    payments: str = "ledger"
    carrier: str = "local"
    stripe_api_base: str | None = None  # localstripe's address (PAYMENTS=localstripe)
    stripe_api_key_secret_arn: str | None = None
    stripe_webhook_secret_arn: str | None = None
    easypost_api_key_secret_arn: str | None = None
    easypost_webhook_secret_arn: str | None = None
    easypost_carriers: tuple[str, ...] = ("USPS", "UPS")
    cursor_secret_arn: str | None = None

    @property
    def production(self) -> bool:
        return self.stage.lower() in PRODUCTION_STAGES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        if not env.get("TABLE_NAME"):
            raise ConfigurationError("TABLE_NAME is not set: the function does not know its DynamoDB table")
        settings = cls(
            table_name=env["TABLE_NAME"],
            stage=env.get("STAGE", "local"),
            event_bus_name=env.get("EVENT_BUS_NAME", ""),
            labels_bucket=env.get("LABELS_BUCKET", ""),
            ops_topic_arn=env.get("OPS_TOPIC_ARN", ""),
            sender_email=env.get("SENDER_EMAIL") or cls.sender_email,
            refund_deadline_state_machine_arn=env.get("REFUND_DEADLINE_STATE_MACHINE_ARN", ""),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or cls.region,
            payments=env.get("PAYMENTS", cls.payments).strip().lower(),
            carrier=env.get("CARRIER", cls.carrier).strip().lower(),
            stripe_api_base=env.get("STRIPE_API_BASE") or None,
            stripe_api_key_secret_arn=env.get("STRIPE_API_KEY_SECRET_ARN") or None,
            stripe_webhook_secret_arn=env.get("STRIPE_WEBHOOK_SECRET_ARN") or None,
            easypost_api_key_secret_arn=env.get("EASYPOST_API_KEY_SECRET_ARN") or None,
            easypost_webhook_secret_arn=env.get("EASYPOST_WEBHOOK_SECRET_ARN") or None,
            easypost_carriers=tuple(c.strip().upper() for c in env.get("EASYPOST_CARRIERS", "USPS,UPS").split(",")
                                    if c.strip()),
            cursor_secret_arn=env.get("CURSOR_SECRET_ARN") or None,
        )
        settings.check_choices()
        return settings

    def check_choices(self) -> None:
        if self.payments not in PAYMENT_ADAPTERS:
            raise ConfigurationError(f"PAYMENTS must be one of {sorted(PAYMENT_ADAPTERS)}, not {self.payments!r}")
        if self.carrier not in CARRIER_ADAPTERS:
            raise ConfigurationError(f"CARRIER must be one of {sorted(CARRIER_ADAPTERS)}, not {self.carrier!r}")
        if self.payments == "localstripe" and not self.stripe_api_base:
            raise ConfigurationError("PAYMENTS=localstripe needs STRIPE_API_BASE (the localstripe address)")

    def check_production(self, needs: Iterable[str] = ()) -> None:
        """In production: no sandbox adapter anywhere, and every secret this process `needs`
        ("payments", "payment-webhooks", "carrier", "carrier-webhooks", "cursors") configured."""
        if not self.production:
            return
        problems: list[str] = []
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
        }
        problems += [f"{name} is not set" for need in needs for name, value in [required[need]] if not value]
        if problems:
            raise ConfigurationError(f"refusing to start with STAGE={self.stage}: " + "; ".join(problems))


# Key prefixes of the providers' test modes: a production process refuses them at first use.
SANDBOX_KEY_PREFIXES = {"stripe": ("sk_test_", "rk_test_"), "easypost": ("EZTK",)}


def refuse_sandbox_key(provider: str, key: str, *, production: bool) -> str:
    if production and key.startswith(SANDBOX_KEY_PREFIXES[provider]):
        raise ConfigurationError(f"STAGE=prod refuses a {provider} test-mode key")
    return key
