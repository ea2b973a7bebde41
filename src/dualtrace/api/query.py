"""Read-only SQL and the stored findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualtrace.api.base import SessionBase
from dualtrace.errors import InputError
from dualtrace.findings import Finding
from dualtrace.findings import store as findings_store
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
