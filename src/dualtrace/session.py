"""The Python API. Method names mirror the CLI sub-commands; both delegate to the engines.

import dualtrace
dt = dualtrace.open("w.duckdb")
dt.ingest_trade(["comext.csv"])
dt.sql("SELECT partner, sum(value) FROM trade_flows GROUP BY 1")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dualtrace import config
from dualtrace.errors import InputError
from dualtrace.findings import Finding

if TYPE_CHECKING:
    from dualtrace.analytics import AnalyzeResult
    from dualtrace.report import ReportResult
from dualtrace.findings import store as findings_store
from dualtrace.ingest import mapping as mapping_module
from dualtrace.ingest.loader import LoadReport, LoadRequest, Progress, load_file
from dualtrace.warehouse import db, facts, readonly

PathLike = str | Path


class Dualtrace:
    """A warehouse opened for work."""

    def __init__(self, path: PathLike | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else config.default_db_path()
        self.read_only = read_only
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = db.connect(self.path, read_only=self.read_only)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Dualtrace:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ingest ---------------------------------------------------------------------------------

    def _ingest(
        self,
        table: str,
        paths: Sequence[PathLike],
        *,
        layout: str | None,
        mapping: PathLike | None,
        encoding: str | None,
        rates: PathLike | None,
        progress: Progress | None,
        on_report: Callable[[LoadReport], None] | None,
    ) -> list[LoadReport]:
        if not paths:
            raise InputError("no files given")
        files = [Path(p) for p in paths]
        for file in files:  # fail before loading anything when a file is plainly unusable
            if not file.exists():
                raise InputError(f"file not found: {file}")
            if file.is_file() and file.stat().st_size == 0:
                raise InputError(f"{file.name}: the file is empty")
        if layout and mapping:
            raise InputError("give either --layout or --mapping, not both")
        request = LoadRequest(
            table=table,
            mapping=mapping_module.load(Path(mapping)) if mapping else None,
            layout=layout,
            encoding=encoding,
            rates=Path(rates) if rates else None,
        )
        reports = []
        for file in files:
            report = load_file(self.con, file, request, progress)
            reports.append(report)
            if on_report is not None:
                on_report(report)
        return reports

    def ingest_trade(
        self,
        paths: Sequence[PathLike],
        *,
        layout: str | None = None,
        mapping: PathLike | None = None,
        encoding: str | None = None,
        rates: PathLike | None = None,
        progress: Progress | None = None,
        on_report: Callable[[LoadReport], None] | None = None,
    ) -> list[LoadReport]:
        """Load trade statistics (Comtrade+, Comext, or any file through a mapping)."""
        return self._ingest(
            "trade_flows",
            paths,
            layout=layout,
            mapping=mapping,
            encoding=encoding,
            rates=rates,
            progress=progress,
            on_report=on_report,
        )

    def ingest_shipments(
        self,
        paths: Sequence[PathLike],
        *,
        mapping: PathLike | None = None,
        encoding: str | None = None,
        rates: PathLike | None = None,
        progress: Progress | None = None,
        on_report: Callable[[LoadReport], None] | None = None,
    ) -> list[LoadReport]:
        """Load line-level declarations or bills of lading through a column mapping."""
        return self._ingest(
            "shipments",
            paths,
            layout=None,
            mapping=mapping,
            encoding=encoding,
            rates=rates,
            progress=progress,
            on_report=on_report,
        )

    def sources(self) -> list[dict[str, Any]]:
        return self._records(
            'SELECT source_id, filename, layout, target_table AS "table", encoding, rows_read,'
            " rows_loaded, rows_quarantined, loaded_at, left(sha256, 12) AS sha256 FROM sources"
            " ORDER BY source_id"
        )

    def quarantine(self, source_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        where = "WHERE q.source_id = ?" if source_id is not None else ""
        params: list[Any] = [source_id] if source_id is not None else []
        return self._records(
            "SELECT q.source_id, s.filename, q.line, q.reason, q.raw FROM quarantine q"
            f" JOIN sources s USING (source_id) {where} ORDER BY q.source_id, q.line LIMIT {int(limit)}",
            params,
        )

    def drop_source(self, source_id: int) -> None:
        if not self._records("SELECT 1 FROM sources WHERE source_id = ?", [source_id]):
            raise InputError(f"no source {source_id} in {self.path}")
        with db.transaction(self.con):
            facts.drop_source(self.con, source_id)

    # query ----------------------------------------------------------------------------------

    def sql(self, query: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run read-only SQL; writes are refused."""
        return readonly.run(self.con, query, params)

    def findings(
        self, kinds: Sequence[str] | None = None, min_severity: str | None = None, limit: int | None = None
    ) -> list[Finding]:
        try:
            return findings_store.latest(self.con, kinds=kinds, min_severity=min_severity, limit=limit)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    # analytics and report ---------------------------------------------------------------------

    def analyze(
        self,
        only: Sequence[str] | None = None,
        config: PathLike | Any | None = None,
        *,
        on_step: Callable[[str], None] | None = None,
    ) -> AnalyzeResult:
        """Run the trade-flow analytics (surge, share, divergence, diversion, mirror_gap,
        unit_value, new_party) and store their findings as one run.

        ``config`` is a YAML file or an ``AnalyticsConfig``; ``only`` names analytics to run.
        """
        from dualtrace.analytics import AnalyticsConfig, analyze, load_config

        settings = config if isinstance(config, AnalyticsConfig) else load_config(config)
        return analyze(self.con, settings, only, on_step=on_step)

    def report(
        self,
        out: PathLike,
        *,
        kinds: Sequence[str] | None = None,
        min_severity: str | None = None,
        top: int = 40,
    ) -> ReportResult:
        """Write the findings as a report: .html (self-contained), .xlsx or .json by the suffix."""
        from dualtrace.report import write_report

        return write_report(
            self.con, Path(out), kinds=kinds, min_severity=min_severity, top=top, warehouse=str(self.path)
        )

    def _records(self, query: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(query, list(params or []))
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
