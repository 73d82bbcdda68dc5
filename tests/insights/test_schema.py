"""The fact schema is written once (returns_shared.insights.facts) and everything else agrees with it:
the Glue table Firehose converts against and Athena reads, the Firehose prefix, and the README's table."""

from __future__ import annotations

import re
from pathlib import Path

from returns_devstack import template as tpl
from returns_shared.insights.facts import COLUMNS, FACT_SCHEMA_VERSION, KINDS, PARTITION_KEYS

REPO = Path(__file__).resolve().parents[2]


def resources() -> dict:
    return tpl.load_sam_template(REPO / "template.yaml")["Resources"]


def test_the_glue_table_has_the_fact_schema_and_its_version():
    table = resources()["FactsTable"]["Properties"]["TableInput"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        (c.name, c.type) for c in COLUMNS
    ]
    assert [(k["Name"], k["Type"]) for k in table["PartitionKeys"]] == [
        (k.name, k.type) for k in PARTITION_KEYS
    ]
    parameters = table["Parameters"]
    assert parameters["projection.kind.values"].split(",") == list(KINDS)
    assert f"/facts/v{FACT_SCHEMA_VERSION}/kind=" in str(parameters["storage.location.template"])
    assert f"/facts/v{FACT_SCHEMA_VERSION}/" in str(table["StorageDescriptor"]["Location"])


def test_firehose_writes_where_the_table_reads_converting_against_it():
    destination = resources()["FactsDeliveryStream"]["Properties"]["ExtendedS3DestinationConfiguration"]
    assert destination["Prefix"].startswith(
        f"facts/v{FACT_SCHEMA_VERSION}/kind=!{{partitionKeyFromQuery:kind}}"
    )
    schema = destination["DataFormatConversionConfiguration"]["SchemaConfiguration"]
    assert schema["TableName"] == {"Ref": "FactsTable"} and schema["VersionId"] == "LATEST"
    assert destination["BufferingHints"]["IntervalInSeconds"] <= 600  # + stream lag: within 15 minutes


def test_the_readme_documents_every_column():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Fact schema", 1)[1].split("\n### ", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \| `([\w(),]+)` \|", section, re.MULTILINE)
    assert documented == [(c.name, c.type) for c in (*PARTITION_KEYS, *COLUMNS)]
    assert f"FACT_SCHEMA_VERSION = {FACT_SCHEMA_VERSION}" in readme
