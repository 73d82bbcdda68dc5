"""Production's insights run on Athena and Firehose: the insights function refuses DuckDB and local files
at cold start, and names what it misses."""

from __future__ import annotations

import pytest

from returns_shared.settings import ConfigurationError, FunctionSettings

BASE = {
    "STAGE": "prod",
    "TABLE_NAME": "t",
    "LABELS_BUCKET": "l",
    "EVENT_BUS_NAME": "b",
    "OPS_TOPIC_ARN": "o",
    "PAYMENTS": "stripe",
    "CARRIER": "easypost",
}
NAMES = {
    "ATHENA_WORKGROUP": "returns-prod-insights",
    "FACTS_DATABASE": "returns_prod_insights",
    "FACTS_STREAM_NAME": "facts",
    "INSIGHTS_RESULTS_BUCKET": "results",
}


def check(env: dict[str, str]) -> None:
    FunctionSettings.from_env(env).check_production(("insights",), mails_customers=False)


def test_the_insights_function_starts_on_athena_and_firehose():
    check({**BASE, **NAMES, "INSIGHTS_ENGINE": "athena", "FACT_SINK": "firehose"})


@pytest.mark.parametrize(
    ("engine", "sink"), [("duckdb", "firehose"), ("athena", "files"), ("duckdb", "files")]
)
def test_production_refuses_the_local_engine_and_files(engine, sink):
    with pytest.raises(ConfigurationError, match="production insights need athena and firehose"):
        check({**BASE, **NAMES, "INSIGHTS_ENGINE": engine, "FACT_SINK": sink})


def test_production_names_what_the_insights_function_misses():
    with pytest.raises(
        ConfigurationError, match="ATHENA_WORKGROUP is not set.*INSIGHTS_RESULTS_BUCKET is not set"
    ):
        check(
            {
                **BASE,
                "INSIGHTS_ENGINE": "athena",
                "FACT_SINK": "firehose",
                "FACTS_DATABASE": "d",
                "FACTS_STREAM_NAME": "s",
            }
        )
