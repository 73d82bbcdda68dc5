"""The embedded stack: resources from template.yaml in moto, functions run in-process, a gateway app.

Used by `make dev` (against a moto server on loopback) and by the stack tests (moto in-process).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import boto3

from returns_devstack.deploy import DeployedStack, deploy_stack
from returns_devstack.moto_atomic import make_dynamodb_writes_atomic
from returns_devstack.runtime import InProcessCommandBus, LocalLambdaRuntime
from returns_devstack.seed import demo_orders
from returns_devstack.tokens import DEMO_CALLERS
from returns_shared import bootstrap
from returns_shared.service.dependencies import Dependencies, utc_now

# the template's gateway validates Cognito tokens and has no GraphiQL; locally tokens are HS256 and
# GraphiQL loads its files from the local stack (web_routes), never from a CDN
LOCAL_GATEWAY = {"AUTH_MODE": "local", "STAGE": "local", "GRAPHQL_IDE": "true", "GRAPHIQL_ASSETS_URL": "/_assets/graphiql"}


@dataclass
class EmbeddedStack:
    stack: DeployedStack
    runtime: LocalLambdaRuntime
    command_bus: InProcessCommandBus
    deps: Dependencies

    def gateway_app(self) -> Any:
        from returns_api.app import create_app
        from returns_api.settings import Settings

        return create_app(reader=self.deps.repo, command_bus=self.command_bus, label_store=self.deps.labels,
                          settings=Settings.from_env())

    def record_order(self, order: dict[str, Any]) -> dict[str, Any]:
        caller = DEMO_CALLERS["integration"]
        answer = self.runtime.invoke("RequestFunction", {"command": "recordOrder", "caller": caller, "input": order})
        if answer["userErrors"]:
            raise ValueError(f"order {order['id']} not recorded: {answer['userErrors']}")
        return answer

    def seed_demo_data(self) -> list[str]:
        return [self.record_order(order)["orderId"] for order in demo_orders(utc_now())]


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


def start_embedded_stack(*, endpoint_url: str | None = None, deliver_events: bool = True) -> EmbeddedStack:
    """Deploy template.yaml into moto (already running: in-process mock or server) and wire it up."""
    make_dynamodb_writes_atomic()
    stack = deploy_stack(endpoint_url=endpoint_url)
    os.environ.update(shared_environment(stack))
    os.environ.update(LOCAL_GATEWAY)
    sender = os.environ.get("SENDER_EMAIL", "returns@allegra-k.com")
    boto3.client("ses").verify_domain_identity(Domain=sender.split("@")[1])  # moto SES refuses unverified senders
    bootstrap.reset_dependencies()  # clients must be made against this moto
    runtime = LocalLambdaRuntime(stack)
    return EmbeddedStack(stack=stack, runtime=runtime,
                         command_bus=InProcessCommandBus(runtime, deliver_events=deliver_events),
                         deps=bootstrap.function_dependencies())
