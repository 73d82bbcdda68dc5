"""The embedded stack: resources from template.yaml in moto, functions run in-process, a gateway app.

Used by `make dev` (against a moto server on loopback) and by the stack tests (moto in-process).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3

from returns_devstack.aws_hooks import ActingAs, fresh_sessions
from returns_devstack.deploy import DeployedStack, deploy_stack
from returns_devstack.localstripe_server import LocalStripe
from returns_devstack.mailbox import keep_both_parts
from returns_devstack.moto_atomic import make_dynamodb_writes_atomic
from returns_devstack.runtime import InProcessCommandBus, LocalLambdaRuntime
from returns_devstack.seed import demo_orders
from returns_devstack.tokens import DEMO_CALLERS
from returns_shared import bootstrap
from returns_shared.service.dependencies import Dependencies, utc_now
from returns_shared.settings import GatewayBackendSettings, running_with

GRAPHQL_PATH = "/graphql"

# the template's gateway validates Cognito tokens and has no GraphiQL; locally tokens are HS256 and
# GraphiQL loads its files from the local stack (web_routes), never from a CDN
LOCAL_GATEWAY = {
    "AUTH_MODE": "local",
    "STAGE": "local",
    "GRAPHQL_IDE": "true",
    "GRAPHIQL_ASSETS_URL": "/_assets/graphiql",
}
# The template deploys real providers (Stripe, EasyPost); locally their stand-ins run instead.
LOCAL_CARRIER = {"CARRIER": "local"}
# The template's insights run on Firehose and Athena; locally the facts are Parquet files in a directory
# of this stack's own (INSIGHTS_FACTS_DIR), written and queried by DuckDB in-process.
LOCAL_INSIGHTS = {"INSIGHTS_ENGINE": "duckdb", "FACT_SINK": "files"}
# Provider secrets the template leaves to the operator ("set-me"), given local values: the local
# stack signs simulated webhook calls with them, as the providers would.
LOCAL_SECRETS = {
    "STRIPE_API_KEY_SECRET_ARN": "sk_test_localstripe",
    "STRIPE_WEBHOOK_SECRET_ARN": "whsec_local_returns_service",
    "EASYPOST_API_KEY_SECRET_ARN": "EZTK_local_stack_never_calls_easypost",
    "EASYPOST_WEBHOOK_SECRET_ARN": "local-easypost-webhook-secret",
}


@dataclass
class EmbeddedStack:
    stack: DeployedStack
    runtime: LocalLambdaRuntime
    command_bus: InProcessCommandBus
    deps: Dependencies
    payments: LocalStripe | None = None  # the payment server the refund function pays through
    environments: Mapping[str, Mapping[str, str]] | None = None  # each function's own (isolated stacks)
    facts_dir: str = ""  # the insights' fact files (Parquet) of this stack

    def flush_facts(self) -> int:
        """Hand the table's new stream records to the insights function now (make dev: every second)."""
        return self.runtime.drain_streams()

    def rebuild_facts(self, since: str) -> dict[str, Any]:
        """The backfill a deployment runs after a schema change: empty fact files, then every month
        from `since` rebuilt from the table (the task the insights function runs in AWS)."""
        from returns_shared.adapters.insights_local import ParquetFactFiles

        ParquetFactFiles(self.facts_dir).clear()
        task = {"job": "backfill-facts", "since": since}
        answer: dict[str, Any] = self.runtime.invoke("InsightsFunction", task)
        return answer

    def secret(self, env_name: str) -> str:
        """The local value of a provider secret (e.g. to sign a simulated webhook call)."""
        return LOCAL_SECRETS[env_name]

    @property
    def gateway(self) -> str:
        """The gateway function's logical id (the one the HTTP API routes /graphql to)."""
        return next(route.function for route in self.stack.http_routes if route.path == GRAPHQL_PATH)

    def gateway_app(self) -> ActingAs:
        """The GraphQL gateway app. Its AWS calls are the gateway function's (aws_hooks); on an isolated
        stack it reads with its own configuration, as deployed (its cursor key, its label store)."""
        from returns_api.app import create_app
        from returns_api.settings import Settings

        if self.environments is None:
            app = create_app(reader=self.deps.repo, command_bus=self.command_bus,
                             label_store=self.deps.labels, settings=Settings.from_env(),
                             photo_store=self.deps.photos, mail_store=self.deps.mail_store)
        else:
            with running_with(self.environments[self.gateway]):
                backend = GatewayBackendSettings.load()
                app = create_app(reader=bootstrap.reader(backend, bootstrap.client("dynamodb", backend)),
                                 command_bus=self.command_bus, label_store=bootstrap.label_store(backend),
                                 settings=Settings.from_env(), photo_store=bootstrap.photo_store(backend),
                                 mail_store=bootstrap.mail_store(backend))
        return ActingAs(app, self.gateway, invoked=lambda: self.runtime.service_calls(self.gateway))

    @property
    def photos_origin(self) -> str | None:
        """Where browsers post and fetch inspection photos: the moto server (in-process moto: none)."""
        return self.stack.endpoint_url

    def record_order(self, order: dict[str, Any]) -> dict[str, Any]:
        caller = DEMO_CALLERS["integration"]
        answer: dict[str, Any] = self.runtime.invoke(  # a command's answer is a JSON object
            "RequestFunction", {"command": "recordOrder", "caller": caller, "input": order}
        )
        if answer["userErrors"]:
            raise ValueError(f"order {order['id']} not recorded: {answer['userErrors']}")
        return answer

    def pay(self, order: dict[str, Any]) -> dict[str, Any]:
        """The order as the feed would send it after checkout: paid with a real PaymentIntent on the
        local payment server (its total: lines with tax, plus shipping; the order id in its metadata,
        the order's email as its customer's)."""
        if self.payments is None:
            return order
        total = sum(
            (Decimal(li["unitPrice"]["amount"]) + Decimal((li.get("unitTax") or {}).get("amount", "0")))
            * li["quantity"]
            for li in order["lines"]
        ) + Decimal(order["shippingFee"]["amount"])
        intent = self.payments.paid_payment_intent(
            total, order["currencyCode"], description=f"order {order['id']}", order_id=order["id"],
            email=order["email"],
        )
        return {**order, "paymentReference": intent}

    def seed_demo_data(self) -> list[str]:
        return [self.record_order(self.pay(order))["orderId"] for order in demo_orders(utc_now())]


def shared_environment(stack: DeployedStack) -> dict[str, str]:
    """The variables all functions agree on (one process holds them all). Per-function ones, such
    as POWERTOOLS_SERVICE_NAME, differ by design and keep the process default."""
    merged: dict[str, str] = {}
    clashing: set[str] = set()
    for variables in stack.function_env.values():
        for name, value in variables.items():
            if merged.setdefault(name, value) != value:
                clashing.add(name)
    return {name: value for name, value in merged.items() if name not in clashing}


def start_embedded_stack(
    *,
    endpoint_url: str | None = None,
    deliver_events: bool = True,
    payments: LocalStripe | None = None,
    function_log_level: str | None = None,
    portal_url: str | None = None,
    isolated: bool = False,
    stripe_api_base: str | None = None,
) -> EmbeddedStack:
    """Deploy template.yaml into moto (already running: in-process mock or server) and wire it up.
    With `payments` (a running localstripe) refunds go through the Stripe adapter to it; without,
    to the sandbox ledger in the table. `portal_url` (the local server's `/portal/`) replaces the
    template's CloudFront address in the portal URL parameter that the emails' links are made of.
    `isolated`: each function runs with its own environment (`own_environments`), and so does the
    gateway app, whose reads and presigned URLs then use its own configuration: what the permission
    proof needs (tests/stack/test_least_privilege.py); the process's os.environ still holds the union
    every other use of the stack reads (`deps`). `stripe_api_base`: where the refund function reaches
    `payments` (the soak's fault proxy in front of it); its checkout and tests reach it directly."""
    make_dynamodb_writes_atomic()
    keep_both_parts()
    fresh_sessions()  # every client of this stack's code carries the aws_hooks (which function called)
    stack = deploy_stack(endpoint_url=endpoint_url)
    paying = ({"PAYMENTS": "localstripe", "STRIPE_API_BASE": stripe_api_base or payments.url} if payments
              else {"PAYMENTS": "ledger"})
    facts_dir = tempfile.mkdtemp(prefix="returns-facts-")
    local = {**LOCAL_CARRIER, **({"POWERTOOLS_LOG_LEVEL": function_log_level} if function_log_level else {}),
             **paying, **LOCAL_INSIGHTS, "INSIGHTS_FACTS_DIR": facts_dir}
    os.environ.update(shared_environment(stack))
    os.environ.update(LOCAL_GATEWAY)
    os.environ.update(local)  # the template's level (DEBUG outside prod) would drown a developer's console
    if not payments:
        os.environ.pop("STRIPE_API_BASE", None)
    secrets = boto3.client("secretsmanager")
    for env_name, value in LOCAL_SECRETS.items():
        if env_name in os.environ:
            secrets.put_secret_value(SecretId=os.environ[env_name], SecretString=value)
    if portal_url:
        boto3.client("ssm").put_parameter(
            Name=os.environ["PORTAL_URL_PARAMETER"], Value=portal_url, Type="String", Overwrite=True)
    sender = os.environ.get("SENDER_EMAIL", "returns@allegra-k.com")
    boto3.client("ses").verify_domain_identity(
        Domain=sender.split("@")[1]
    )  # moto SES refuses unverified senders
    bootstrap.reset_dependencies()  # clients must be made against this moto
    environments = own_environments(stack, local) if isolated else None
    runtime = LocalLambdaRuntime(stack, environments=environments)
    embedded = EmbeddedStack(stack=stack, runtime=runtime,
                             command_bus=InProcessCommandBus(runtime, deliver_events=deliver_events),
                             deps=bootstrap.function_dependencies(), payments=payments,
                             environments=environments, facts_dir=facts_dir)
    weakref.finalize(embedded, shutil.rmtree, facts_dir, ignore_errors=True)  # the stack's facts go with it
    return embedded


def own_environments(stack: DeployedStack, local: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Each function's environment as AWS gives it (the template's variables of that function only, none
    of another's), with the local stand-ins chosen for this stack (`local`; the gateway's local auth
    and GraphiQL): the process's own variables (credentials, region, endpoint) less every variable
    the template gives any function."""
    declared = {name for variables in stack.function_env.values() for name in variables}
    process = {name: value for name, value in os.environ.items() if name not in declared}
    gateway = {route.function for route in stack.http_routes if route.path == GRAPHQL_PATH}
    return {function: {**process, **variables, **local, **(LOCAL_GATEWAY if function in gateway else {})}
            for function, variables in stack.function_env.items()}
