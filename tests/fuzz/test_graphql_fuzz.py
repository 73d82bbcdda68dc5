"""A bounded schemathesis run over the GraphQL API on the whole stack (moto, functions in-process):
whatever the generated operation, never a 5xx and never a masked INTERNAL_SERVER_ERROR.

Bounded: a fixed number of derandomized examples per root field (about 15 root fields), so the
run takes tens of seconds and is the same every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from moto import mock_aws
from schemathesis.graphql import nodes

from returns_devstack.deploy import MOTO_CONFIG
from returns_devstack.environment import apply_local_environment
from returns_devstack.stack import start_embedded_stack
from returns_devstack.tokens import demo_token

apply_local_environment()
pytestmark = pytest.mark.slow
EXAMPLES_PER_FIELD = 12

# Our custom scalars: mostly well-formed values, some junk (the scalars must refuse it as a 4xx).
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False).map(
            lambda d: nodes.String(str(d))
        ),
        st.text(max_size=12).map(nodes.String),
    ),
)
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes(timezones=st.just(UTC)).map(lambda at: nodes.String(at.isoformat())),
        st.text(max_size=25).map(nodes.String),
    ),
)

# who calls each root field (its allowed role, so the resolvers really run); others: the agent
ROLE_OF = {"recordOrder": "integration", "receiveReturn": "warehouse", "inspectReturn": "warehouse"}


@pytest.fixture(scope="module")
def api_schema() -> Iterator[schemathesis.schemas.BaseSchema]:
    with mock_aws(config=MOTO_CONFIG):
        stack = start_embedded_stack()
        stack.seed_demo_data()  # AK-1001..AK-1003, so some generated ids may even exist
        yield schemathesis.graphql.from_asgi("/graphql", stack.gateway_app())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_FIELD,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case):
    field = case.operation.label.split(".")[-1]
    response = case.call(
        headers={"Authorization": f"Bearer {demo_token(ROLE_OF.get(field, 'agent'))}"}
    )
    assert response.status_code < 500, (case.body, response.text)
    try:
        body = response.json()
    except ValueError:
        body = {}  # a plain-text 4xx (e.g. an unparseable body)
    codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]
    assert "INTERNAL_SERVER_ERROR" not in codes, (case.body, body)
