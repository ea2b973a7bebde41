"""Loading trade statistics and shipments; the sources and quarantine they left."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.errors import InputError
from dualtrace.ingest import mapping as mapping_module
from dualtrace.ingest.infer import Inference
from dualtrace.ingest.loader import LoadRequest, load_files, suggest_trade_mapping
from dualtrace.ingest.outcome import LoadReport, Progress
from dualtrace.warehouse import coverage, db, facts


class IngestMixin(SessionBase):
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
        return load_files(self.con, files, request, progress, on_report)

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

    def suggest_mapping(self, path: PathLike, *, encoding: str | None = None) -> Inference:
        """The trade_flows mapping dualtrace infers for a file from its columns and values
        (`.yaml()` is a mapping file to edit; `.problems` what it could not settle)."""
        return suggest_trade_mapping(self.con, Path(path), encoding)

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

    def coverage(self, everything: bool = False) -> list[dict[str, Any]]:
        """What each trade file covers per reporter and year: months, complete/partial/absent and
        why (``everything``: per product level and partner too)."""
        if not self.read_only:
            with db.transaction(self.con):
                coverage.ensure(self.con)
        return coverage.summary(self.con, everything)

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
