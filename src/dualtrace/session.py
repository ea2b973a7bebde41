"""The Python API. Method names mirror the CLI sub-commands; both delegate to the engines.

import dualtrace
dt = dualtrace.open("w.duckdb")
dt.ingest_trade(["comext.csv"])
dt.sql("SELECT partner, sum(value) FROM trade_flows GROUP BY 1")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
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

if TYPE_CHECKING:
    from dualtrace.goods.classify import ClassifyReport
    from dualtrace.lists.store import VersionReport

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

    # lists ----------------------------------------------------------------------------------

    def lists_load(
        self,
        paths: Sequence[PathLike],
        *,
        layout: str | None = None,
        list_name: str | None = None,
        version_date: date | None = None,
        force: bool = False,
        on_report: Callable[[VersionReport], None] | None = None,
    ) -> list[VersionReport]:
        """Load sanctions / export-control list files (layout detected) as FtM entities."""
        from dualtrace.lists.load import load_paths

        return load_paths(
            self.con,
            [Path(p) for p in paths],
            layout=layout,
            list_name=list_name,
            version_date=version_date,
            force=force,
            on_report=on_report,
        )

    def lists_update(
        self,
        *,
        only: Sequence[str] | None = None,
        folder: PathLike | None = None,
        timeout: float = 60.0,
        load: bool = True,
    ) -> list[Any]:
        """Download the official list files (conditional requests, previous version kept) and load
        the ones that changed. Raises OfflineError (one line) without a network."""
        import os

        from dualtrace.lists.update import update

        target = Path(folder or os.environ.get("DUALTRACE_LISTS_DIR") or self.path.parent / "lists")

        def loader(paths: list[Path], name: str) -> list[dict[str, Any]]:
            return [r.as_dict() for r in self.lists_load(paths, list_name=name)]

        return update(
            self.con, target, only=list(only) if only else None, timeout=timeout, load=load, loader=loader
        )

    def lists_status(self) -> list[dict[str, Any]]:
        """Each loaded list: version date, counts, what its last version added and removed."""
        from dualtrace.lists.status import status

        return status(self.con)

    def lists_changes(self, list_name: str, version_id: int | None = None) -> list[dict[str, Any]]:
        from dualtrace.lists.status import changes

        return changes(self.con, list_name, version_id)

    # screening ------------------------------------------------------------------------------

    def screen(
        self,
        names: Sequence[str],
        *,
        country: str | None = None,
        ids: Sequence[str] = (),
        schema: str | None = None,
        threshold: float | None = None,
        limit: int = 5,
        lists: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Screen names against the loaded lists; one record per hit, with its explanation."""
        from dualtrace.screening.engine import Screener, make_query
        from dualtrace.screening.score import DEFAULT_THRESHOLD

        queries = [make_query(n, country, ids, schema) for n in names]
        results = Screener(self.con).screen(
            queries, threshold=DEFAULT_THRESHOLD if threshold is None else threshold, limit=limit, lists=lists
        )
        out = []
        for query, hits in zip(queries, results, strict=True):
            for rank, hit in enumerate(hits, start=1):
                out.append({"rank": rank, **hit.as_dict(), "query": query.name})
        return out

    def screen_file(
        self,
        path: PathLike,
        column: str,
        *,
        country_column: str | None = None,
        id_column: str | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Screen every name of a CSV column (batch screening)."""
        from dualtrace.screening.batch import read_names

        rows = read_names(Path(path), column, country_column, id_column)
        out: list[dict[str, Any]] = []
        by_key: dict[tuple[str | None, str | None], list[str]] = {}
        for name, country, ident in rows:
            by_key.setdefault((country, ident), []).append(name)
        for (country, ident), names in by_key.items():
            out.extend(
                self.screen(
                    names,
                    country=country or options.get("country"),
                    ids=[ident] if ident else (),
                    schema=options.get("schema"),
                    threshold=options.get("threshold"),
                    limit=options.get("limit", 5),
                )
            )
        return out

    def screen_parties(
        self, *, threshold: float | None = None, full: bool = False, progress: Any = None
    ) -> Any:
        """Screen every shipment party into party_links; write sanctioned_counterparty findings."""
        from dualtrace.screening.parties import screen_parties
        from dualtrace.screening.score import DEFAULT_THRESHOLD

        return screen_parties(
            self.con,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            full=full,
            progress=progress,
        )

    def screen_review(
        self, party: str, entity: str, decision: str, *, note: str | None = None, reviewer: str | None = None
    ) -> dict[str, Any]:
        """Confirm or dismiss a screening hit; kept in the append-only screen_reviews audit table."""
        from dualtrace.screening.review import review

        return review(self.con, party, entity, decision, note=note, reviewer=reviewer)

    def match(self, pairs: PathLike) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Score labelled or unlabelled name pairs; with is_match, precision/recall/F1 per threshold."""
        from dualtrace.screening.pairs import metrics, read_pairs, score_pairs

        results = score_pairs(read_pairs(Path(pairs)))
        return [r.as_dict() for r in results], metrics(results)

    # network --------------------------------------------------------------------------------

    def network_build(
        self,
        *,
        as_of: date | None = None,
        workers: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Any:
        """Resolve parties, apply the 50% rule, build the ownership/trade graph, write findings."""
        from dualtrace.network.build import build_network

        return build_network(self.con, as_of=as_of, workers=workers, progress=progress)

    def network_exposure(
        self, *, max_hops: int | None = None, party: str | None = None
    ) -> list[dict[str, Any]]:
        """Per party: paths to listed parties by ownership and trade, listed partners, shares, signals."""
        from dualtrace.network.exposure import exposure_rows

        return exposure_rows(self.con, max_hops=max_hops, party=party)

    def network_export(
        self, fmt: str, out: PathLike | None = None, *, lines: bool = True, stream: Any = None
    ) -> dict[str, Any]:
        """Export parties, ownership and trade as FtM JSON lines, GraphML or CSV."""
        from dualtrace.network.export import export_network

        return export_network(self.con, fmt, Path(out) if out else None, lines=lines, stream=stream)

    def network_load_ownership(
        self, paths: Sequence[PathLike], *, layout: str | None = None, source: str | None = None
    ) -> list[Any]:
        """Load ownership files: GLEIF level-2 API JSON (files or folders) or a user CSV table."""
        from dualtrace.network.ownership_load import load_ownership

        return load_ownership(self.con, [Path(p) for p in paths], layout=layout, source=source)

    def party_show(self, name_or_id: str) -> dict[str, Any]:
        """A resolved party: aliases, ids, lists and hits, owners, holdings, partners, goods, exposure."""
        from dualtrace.network.show import party_show

        return party_show(self.con, name_or_id)

    def party_merge(
        self, a: str, b: str, *, note: str | None = None, reviewer: str | None = None
    ) -> dict[str, Any]:
        """Record that two parties are one (append-only; every later build applies it)."""
        from dualtrace.network.decisions import record_merge
        from dualtrace.network.resolve import apply_decision

        decision = record_merge(self.con, a, b, note=note, reviewer=reviewer)
        apply_decision(self.con, decision)
        return decision

    def party_split(
        self,
        party: str,
        *,
        names: Sequence[str] = (),
        refs: Sequence[str] = (),
        note: str | None = None,
        reviewer: str | None = None,
    ) -> dict[str, Any]:
        """Record that some records of a party are another party (append-only)."""
        from dualtrace.network.decisions import record_split
        from dualtrace.network.resolve import apply_decision

        decision = record_split(
            self.con, party, names=list(names), refs=list(refs), note=note, reviewer=reviewer
        )
        apply_decision(self.con, decision)
        return decision

    def party_decisions(self) -> list[dict[str, Any]]:
        return self._records(
            "SELECT decision_id, action, len(refs_a) AS records_a, len(refs_b) AS records_b, note, reviewer,"
            " decided_at FROM party_decisions ORDER BY decision_id"
        )

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

    # goods ---------------------------------------------------------------------------------

    def classify(
        self,
        categories: Sequence[PathLike] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> ClassifyReport:
        """Tag every shipment and trade flow with its goods categories and mismatch flags;
        write controlled_goods and misdeclaration findings. Returns a ClassifyReport."""
        from dualtrace.goods.catalogue import catalogue_for
        from dualtrace.goods.classify import classify_warehouse

        catalogue = catalogue_for(list(categories or []))
        return classify_warehouse(
            self.con, catalogue, progress=progress, params={"categories": [str(c) for c in categories or []]}
        )

    def goods_classify(
        self,
        path: PathLike,
        hs_column: str,
        text_column: str,
        *,
        hs_version: str = "HS2022",
        categories: Sequence[PathLike] | None = None,
        correlation: PathLike | None = None,
        encoding: str | None = None,
        **columns: str | None,
    ) -> list[dict[str, Any]]:
        """Classify the lines of a CSV file (no warehouse needed); every row with its tags.

        ``columns``: date, value, currency, value_usd, qty, unit, net_kg column names."""
        from dualtrace.goods.catalogue import catalogue_for
        from dualtrace.goods.files import FileColumns, classify_file
        from dualtrace.reference import builtin_table

        table = builtin_table().with_official(correlation) if correlation else None
        return classify_file(
            path,
            FileColumns(hs=hs_column, text=text_column, **columns),
            catalogue_for(list(categories or [])),
            hs_version=hs_version,
            table=table,
            encoding=encoding,
        )

    def goods_explain(
        self,
        code: str,
        *,
        hs_version: str = "HS2022",
        text: str | None = None,
        categories: Sequence[PathLike] | None = None,
        correlation: PathLike | None = None,
    ) -> dict[str, Any]:
        """What a code is, its categories and CHPL tier, and why it is or is not watched."""
        from dualtrace.goods.catalogue import catalogue_for
        from dualtrace.goods.explain import explain
        from dualtrace.reference import builtin_table

        table = builtin_table().with_official(correlation) if correlation else None
        return explain(
            code, catalogue_for(list(categories or [])), hs_version=hs_version, text=text, table=table
        )

    def goods_categories(self, categories: Sequence[PathLike] | None = None) -> list[dict[str, Any]]:
        """The watch categories in force (shipped, plus user files)."""
        from dualtrace.goods.catalogue import catalogue_for

        catalogue = catalogue_for(list(categories or []))
        return [
            {
                "id": c.id,
                "label": c.label,
                "risk": c.risk,
                "military_use": c.military_use,
                "chpl_tier": c.chpl_tier,
                "codes": len(c.codes),
                "terms": len(c.all_terms()),
                "source": c.source,
            }
            for c in catalogue.categories
        ]

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
