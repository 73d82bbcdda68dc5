"""Shows the soak's figures in the test session's summary."""

from __future__ import annotations

SOAK_REPORTS: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for report in SOAK_REPORTS:
        terminalreporter.write_sep("-", "soak (short form) under injected faults")
        terminalreporter.write_line(report)
