"""The report of the stored findings (.html, .xlsx or .json)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.report import ReportResult, write_report


class ReportMixin(SessionBase):
    def report(
        self,
        out: PathLike,
        *,
        kinds: Sequence[str] | None = None,
        min_severity: str | None = None,
        top: int = 40,
    ) -> ReportResult:
        """Write the findings as a report: .html (self-contained), .xlsx or .json by the suffix."""
        return write_report(
            self.con, Path(out), kinds=kinds, min_severity=min_severity, top=top, warehouse=str(self.path)
        )
