"""Read-only SQL and the stored findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualtrace.api.base import SessionBase
from dualtrace.errors import InputError
from dualtrace.findings import Finding
from dualtrace.findings import store as findings_store
from dualtrace.findings.query import FindingFilter, select
from dualtrace.findings.rows import evidence_rows
from dualtrace.warehouse import readonly


class QueryMixin(SessionBase):
    def sql(
        self,
        query: str,
        params: Sequence[Any] | None = None,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run read-only SQL; anything but SELECT/EXPLAIN is refused. On a session opened with
        confined=True (what `dualtrace sql` does) file, network and extension access fail too."""
        return readonly.run(self.con, query, params, max_rows=max_rows, timeout_s=timeout_s)

    def findings(
        self, kinds: Sequence[str] | None = None, min_severity: str | None = None, limit: int | None = None
    ) -> list[Finding]:
        try:
            return findings_store.latest(self.con, kinds=kinds, min_severity=min_severity, limit=limit)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    def findings_select(
        self,
        flt: FindingFilter,
        *,
        sort: str = "score",
        descending: bool = True,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[Finding]]:
        """Filtered, sorted, paged findings of the latest runs: (total matching, the page)."""
        try:
            return select(findings_store.latest(self.con), flt, sort=sort, descending=descending,
                          offset=offset, limit=limit)  # fmt: skip
        except ValueError as exc:
            raise InputError(str(exc)) from None

    def finding(self, finding_id: str) -> Finding:
        found = findings_store.by_id(self.con, finding_id)
        if found is None:
            raise InputError(f"no finding {finding_id!r}")
        return found

    def finding_rows(self, finding: Finding, limit: int = 200) -> list[dict[str, Any]]:
        """The finding's evidence rows with file name and line."""
        return evidence_rows(self.con, finding, limit)
