"""Shows the load run's figures (p50/p95 per operation) in the test session's summary."""

from __future__ import annotations

import json

FIGURES: list[dict] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for summary in FIGURES:
        terminalreporter.write_sep("-", "load run against the local stack")
        terminalreporter.write_line(json.dumps({k: v for k, v in summary.items() if k != "first_errors"}))
