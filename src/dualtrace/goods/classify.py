"""``dualtrace classify``: tag every shipment and trade flow of the warehouse, write findings.

Tables (migration 0200_goods): ``goods_codes`` (one row per declared code and edition),
``goods_shipment_tags`` and ``goods_flow_tags`` (one row per fact row, keyed by
``(source_id, source_line)``), view ``goods_shipments``. Every run replaces them whole and
records its findings (``controlled_goods``, ``misdeclaration``) under one run id.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.findings import store as findings_store
from dualtrace.goods import findings as goods_findings
from dualtrace.goods.catalogue import Catalogue
from dualtrace.goods.codes import CodeResolver
from dualtrace.goods.engine import Classifier, Progress
from dualtrace.reference import correlation_table, ensure_installed, hs_version_for_period
from dualtrace.warehouse.db import fetch_one

__all__ = ["ClassifyReport", "classify_warehouse", "version_sql"]

COMMAND = "classify"


@dataclass
class ClassifyReport:
    run_id: str
    shipments: int
    trade_flows: int
    distinct_pairs: int
    distinct_descriptions: int
    distinct_codes: int
    tagged: int  # shipments with at least one category
    mismatches: int
    flows_tagged: int
    findings: dict[str, int] = field(default_factory=dict)
    catalogue: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def version_sql(date_column: str, version_column: str | None = None) -> str:
    """SQL for the HS edition of a row: its own column when set, else the one in force then."""
    # Boundaries from dualtrace.reference (first year of each edition).
    cases = []
    previous = None
    for year in range(1988, 2101):
        version = hs_version_for_period(date(year, 1, 1))
        if version != previous:
            cases.append((year, version))
            previous = version
    by_date = (
        "CASE "
        + " ".join(
            f"WHEN year({date_column}) >= {year} THEN '{version}'" for year, version in reversed(cases)
        )
        + " END"
    )
    if version_column is None:
        return by_date
    return f"coalesce(nullif(trim({version_column}), ''), {by_date})"


def _shipments_sql() -> str:
    return f"""
        SELECT source_id, source_line, hs_code, {version_sql("date")} AS hs_version, description,
               value, currency, value_usd, qty, qty_unit, net_kg
        FROM shipments
    """


def _write_codes(con: duckdb.DuckDBPyConnection, classifier: Classifier, run_id: str) -> int:
    """goods_codes for every (code, edition) of shipments and trade flows; returns its rows."""
    keys = con.execute(
        f"""
        SELECT DISTINCT hs_code, {version_sql("date")} FROM shipments
        UNION
        SELECT DISTINCT hs_code, {version_sql("period", "hs_version")} FROM trade_flows
        """
    ).fetchall()
    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "hs_code",
            "hs_version",
            "code",
            "hs6",
            "hs2022",
            "weak_hs2022",
            "description",
            "categories",
            "partial_categories",
            "chpl_tier",
            "chpl_hs6",
            "chpl_link",
            "weak_chpl_tier",
            "run_id",
        )
    }
    for hs_code, version in keys:
        info = classifier.code(hs_code, version)
        rows["hs_code"].append(hs_code or "")
        rows["hs_version"].append(version)
        rows["code"].append(info.code)
        rows["hs6"].append(info.hs6)
        rows["hs2022"].append(list(info.hs2022))
        rows["weak_hs2022"].append(list(info.weak_hs2022))
        rows["description"].append(info.description)
        rows["categories"].append(list(info.categories))
        rows["partial_categories"].append(list(info.partial_categories))
        rows["chpl_tier"].append(info.chpl_tier)
        rows["chpl_hs6"].append(info.chpl_hs6)
        rows["chpl_link"].append(info.chpl_link)
        rows["weak_chpl_tier"].append(info.weak_chpl_tier)
        rows["run_id"].append(run_id)
    strings = pa.list_(pa.string())
    schema = pa.schema(
        [
            (
                name,
                strings
                if name in ("hs2022", "weak_hs2022", "categories", "partial_categories")
                else pa.string(),
            )
            for name in rows
        ]
    )
    con.execute("DELETE FROM goods_codes")
    if keys:
        con.register("_goods_codes_arrow", pa.table(rows, schema=schema))
        try:
            con.execute("INSERT INTO goods_codes SELECT * FROM _goods_codes_arrow")
        finally:
            con.unregister("_goods_codes_arrow")
    return len(keys)


def classify_warehouse(
    con: duckdb.DuckDBPyConnection,
    catalogue: Catalogue,
    *,
    progress: Progress | None = None,
    params: dict[str, Any] | None = None,
) -> ClassifyReport:
    """Tag every shipment and trade flow, replace the goods tables, record the findings."""
    started = time.perf_counter()
    say = progress or (lambda _: None)
    ensure_installed(con)
    classifier = Classifier(catalogue, CodeResolver(catalogue, correlation_table(con)))
    con.execute("BEGIN TRANSACTION")
    try:
        run_id = findings_store.start_run(
            con,
            COMMAND,
            {**(params or {}), "catalogue": catalogue.fingerprint(), "sources": list(catalogue.sources)},
        )
        say("resolving codes")
        _write_codes(con, classifier, run_id)
        con.execute("DELETE FROM goods_line_tags")
        con.execute("DELETE FROM goods_pairs")
        say("tagging shipments")
        stats = classifier.tag(
            con,
            _shipments_sql(),
            pairs_table="goods_pairs",
            lines_table="goods_line_tags",
            append=True,
            run_id=run_id,
            progress=say,
        )
        Classifier.cleanup(con)
        say("tagging trade flows")
        con.execute("DELETE FROM goods_flow_tags")
        con.execute(
            f"""
            INSERT INTO goods_flow_tags
            SELECT f.source_id, f.source_line, f.hs_code, c.hs_version, c.hs6, c.categories,
                   c.partial_categories, c.chpl_tier, c.run_id
            FROM trade_flows AS f
            JOIN goods_codes AS c
              ON c.hs_code = f.hs_code AND c.hs_version = {version_sql("f.period", "f.hs_version")}
            """
        )
        say("writing findings")
        found = goods_findings.build(con, catalogue)
        findings_store.write(con, run_id, found)
        findings_store.finish_run(con, run_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    counts = fetch_one(
        con,
        "SELECT count(*), count(*) FILTER (len(categories) > 0), count(*) FILTER (mismatch)"
        " FROM goods_shipment_tags",
    )
    flows = fetch_one(con, "SELECT count(*), count(*) FILTER (len(categories) > 0) FROM goods_flow_tags")
    by_kind: dict[str, int] = {}
    for finding in found:
        by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
    return ClassifyReport(
        run_id=run_id,
        shipments=int(counts[0]),
        trade_flows=int(flows[0]),
        distinct_pairs=stats.distinct_pairs,
        distinct_descriptions=stats.distinct_descriptions,
        distinct_codes=stats.distinct_codes,
        tagged=int(counts[1]),
        mismatches=int(counts[2]),
        flows_tagged=int(flows[1]),
        findings=by_kind,
        catalogue=catalogue.fingerprint(),
        seconds=round(time.perf_counter() - started, 3),
    )
