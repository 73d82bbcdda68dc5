"""Cold starts, measured as Lambda pays them: a fresh interpreter per sample, wall clock from the
parent (interpreter start included), medians of several samples taken round-robin so that a busy
moment of a shared machine hits every probe alike. Each figure is a ratio against a baseline
measured in the same run:

- gateway: import `returns_api.lambda_handler` and serve `events/graphql/http_api_v2_request.json`
  through Mangum, against the floor: a one-field Strawberry schema on `strawberry.asgi.GraphQL`
  behind Mangum that creates one boto3 DynamoDB client;
- each worker: import `app` from its CodeUri (the handler module, as Lambda's init phase does),
  against a fresh `import boto3`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
WORKERS = ("request", "screening", "label", "refund", "mail")

# What the template gives every function (names only: nothing is called at cold start).
LAMBDA_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "POWERTOOLS_SERVICE_NAME": "returns",
    "POWERTOOLS_METRICS_NAMESPACE": "Returns",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "STAGE": "dev",
    "TABLE_NAME": "returns",
    "EVENT_BUS_NAME": "returns-bus",
    "LABELS_BUCKET": "labels",
    "OPS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ops",
    "REQUEST_FUNCTION_NAME": "request",
    "SCREENING_FUNCTION_NAME": "screening",
    "LABEL_FUNCTION_NAME": "label",
    "REFUND_FUNCTION_NAME": "refund",
    "AUTH_MODE": "local",
    "GRAPHQL_IDE": "false",
}

_SERVE = """
import json
class Context:
    aws_request_id = "bench"; function_name = "bench"; memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
event = json.loads(open({event!r}).read())
answer = handler(event, Context())
assert answer["statusCode"] == 200 and "errors" not in answer["body"], answer
"""

GATEWAY = "from returns_api.lambda_handler import handler\n" + _SERVE

FLOOR = """
import boto3, strawberry
from mangum import Mangum
from strawberry.asgi import GraphQL

@strawberry.type
class ReturnPolicy:
    version: str
    return_window_days: int
    exchanges_offered: bool

@strawberry.type
class Query:
    @strawberry.field
    def return_policy(self) -> ReturnPolicy:
        return ReturnPolicy(version="1", return_window_days=30, exchanges_offered=False)

dynamodb = boto3.client("dynamodb")
handler = Mangum(GraphQL(strawberry.Schema(Query)), lifespan="off")
""" + _SERVE


@dataclass(frozen=True)
class Probe:
    name: str
    code: str
    cwd: Path = REPO

    def run(self) -> float:
        env = {**_base_environment(), **LAMBDA_ENVIRONMENT}
        started = time.perf_counter()
        # -c puts the working directory first on sys.path: the CodeUri, like Lambda's /var/task
        subprocess.run([sys.executable, "-c", self.code], cwd=self.cwd, env=env, check=True)
        return time.perf_counter() - started


def _base_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "TZ", "VIRTUAL_ENV")
    return {key: os.environ[key] for key in keep if key in os.environ}


def gateway_probes() -> list[Probe]:
    event = str(REPO / "events/graphql/http_api_v2_request.json")
    return [
        Probe("floor: one-field Strawberry app + Mangum + 1 boto3 client", FLOOR.format(event=event)),
        Probe("gateway: lambda_handler serving http_api_v2_request.json", GATEWAY.format(event=event)),
    ]


def worker_probes() -> list[Probe]:
    return [Probe("baseline: import boto3", "import boto3")] + [
        Probe(f"{name} function: import app", "import app", REPO / "functions" / name) for name in WORKERS
    ]


def medians(probes: list[Probe], samples: int) -> list[tuple[str, float]]:
    for probe in probes:  # warm the page cache (and any bytecode) once, unmeasured
        probe.run()
    taken: dict[str, list[float]] = {probe.name: [] for probe in probes}
    for _ in range(samples):
        for probe in probes:
            taken[probe.name].append(probe.run())
    return [(probe.name, statistics.median(taken[probe.name]) * 1000) for probe in probes]


def report(title: str, rows: list[tuple[str, float]]) -> None:
    baseline = rows[0][1]
    print(f"\n{title}")
    print(f"  {'case':<60} {'median ms':>10} {'× baseline':>11}")
    for name, median_ms in rows:
        print(f"  {name:<60} {median_ms:>10.0f} {median_ms / baseline:>11.2f}")


def main(samples: int = 9) -> None:
    report(f"Cold start of the gateway (median of {samples} fresh processes)",
           medians(gateway_probes(), samples))
    report(f"Cold import of each worker (median of {samples} fresh processes)",
           medians(worker_probes(), samples))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
