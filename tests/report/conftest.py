"""The demo warehouse with its findings (shared with the analytics tests) and its reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import dualtrace
from dualtrace.findings import Finding
from dualtrace.report import ReportResult
from tests.analytics.conftest import Demo, demo  # noqa: F401  (the session fixture)

TOP = 6


@dataclass
class Reports:
    html: ReportResult
    xlsx: ReportResult
    json: ReportResult
    findings: list[Finding]
    sources: int


@pytest.fixture(scope="session")
def reports(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Reports:  # noqa: F811
    folder = tmp_path_factory.mktemp("reports")
    with dualtrace.open(demo.db, read_only=True) as dt:
        written = [dt.report(folder / f"report.{ext}", top=TOP) for ext in ("html", "xlsx", "json")]
        return Reports(*written, findings=dt.findings(), sources=len(dt.sources()))


def out(path: Path) -> str:
    return path.read_text(encoding="utf-8")
