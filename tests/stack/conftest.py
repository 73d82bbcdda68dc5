"""The whole stack for tests: moto in-process, resources created from template.yaml, the functions run
in-process as AWS triggers them, GraphQL served by the real gateway app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from returns_devstack.deploy import MOTO_CONFIG
from returns_devstack.localstripe_server import LocalStripe
from returns_devstack.mailbox import sent_emails
from returns_devstack.stack import EmbeddedStack, start_embedded_stack

from .support import Flow, GraphQL, Tokens


@pytest.fixture
def stack(localstripe: LocalStripe) -> Iterator[EmbeddedStack]:
    with mock_aws(config=MOTO_CONFIG):
        yield start_embedded_stack(payments=localstripe)


@pytest.fixture
def gql(stack: EmbeddedStack) -> GraphQL:
    return GraphQL(stack.gateway_app())


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
def mailbox():
    return sent_emails


@pytest.fixture
def flow(gql: GraphQL, tokens: Tokens, stack: EmbeddedStack) -> Flow:
    return Flow(gql, tokens, pay=stack.pay)


# The permission proof's report (tests/stack/test_least_privilege.py): calls per function, anything not
# granted, and the grants no call used, shown in the test session's summary.
PERMISSION_REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if PERMISSION_REPORT:
        terminalreporter.write_sep("-", "least privilege: AWS calls of each function against its role")
        for line in PERMISSION_REPORT:
            terminalreporter.write_line(line)
