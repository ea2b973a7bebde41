"""Classify many declaration lines at once (vectorised).

Why it is fast: what the rules say depends only on the (code, description) pair of a line, and
the unit-value check only on numbers. Customs data repeats itself: the same description comes
back on thousands of lines (the demo's 3,815 lines have 234 distinct descriptions). So DuckDB
finds the distinct pairs, Python judges each pair once (each description analysed once, each
code resolved once), and DuckDB joins the verdicts back to every line and runs the unit-value
statistics in SQL. The cost grows with the number of distinct pairs, not of lines; when every
line is different it is no faster than judging each line (see benchmarks/goods.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.goods.catalogue import Catalogue
from dualtrace.goods.codes import CodeInfo, CodeResolver
from dualtrace.goods.rules import UNIT_VALUE, Verdict, judge
from dualtrace.goods.text import Analyzer, TextAnalysis
from dualtrace.goods.unit_values import (
    FLOOR_REASON_SQL,
    MAD_SCALE,
    MIN_PEERS,
    PEER_REASON_SQL,
    PIECE_UNITS,
    RATIO,
    Z,
    basis_sql,
)

__all__ = ["LINE_COLUMNS", "TAG_COLUMNS", "Classifier", "TagStats"]

# What the source query must give, per line.
LINE_COLUMNS = (
    "source_id",
    "source_line",
    "hs_code",
    "hs_version",
    "description",
    "value",
    "currency",
    "value_usd",
    "qty",
    "qty_unit",
    "net_kg",
)
# What the result has, per line (the order of goods_shipment_tags).
TAG_COLUMNS = (
    "source_id",
    "source_line",
    "hs_code",
    "hs_version",
    "hs6",
    "categories",
    "code_categories",
    "text_categories",
    "chpl_tier",
    "terms",
    "claims",
    "flags",
    "reasons",
    "mismatch",
    "primary_flag",
    "primary_category",
    "risk",
    "unit_value",
    "unit_basis",
    "peer_median",
    "peers",
    "run_id",
)

Progress = Callable[[str], None]


@dataclass
class TagStats:
    lines: int = 0
    distinct_pairs: int = 0
    distinct_descriptions: int = 0
    distinct_codes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _string_list() -> pa.DataType:
    return pa.list_(pa.string())


class Classifier:
    """A catalogue compiled once, with caches of analysed descriptions and resolved codes."""

    def __init__(self, catalogue: Catalogue, resolver: CodeResolver | None = None) -> None:
        self.catalogue = catalogue
        self.analyzer = Analyzer(catalogue)
        self.resolver = resolver or CodeResolver(catalogue)
        self._texts: dict[str, TextAnalysis] = {}

    # -- one line -------------------------------------------------------------------------------

    def text(self, description: str | None) -> TextAnalysis:
        key = description or ""
        found = self._texts.get(key)
        if found is None:
            found = self.analyzer.analyze(key)
            self._texts[key] = found
        return found

    def code(self, hs_code: str | None, hs_version: str | None) -> CodeInfo:
        return self.resolver.resolve(hs_code, hs_version or "HS2022")

    def judge(self, hs_code: str | None, hs_version: str | None, description: str | None) -> Verdict:
        return judge(self.code(hs_code, hs_version), self.text(description), self.catalogue)

    # -- many lines -----------------------------------------------------------------------------

    def _verdicts(self, pairs: pa.Table) -> pa.Table:
        """Judge every distinct pair; one output row per pair id."""
        pids = pairs.column("pid").to_pylist()
        codes = pairs.column("hs_code").to_pylist()
        versions = pairs.column("hs_version").to_pylist()
        texts = pairs.column("description").to_pylist()
        out: dict[str, list[Any]] = {
            name: []
            for name in (
                "pid",
                "hs6",
                "hs6_2022",
                "categories",
                "code_categories",
                "text_categories",
                "chpl_tier",
                "terms",
                "claims",
                "flags",
                "reasons",
                "primary_flag",
                "primary_category",
                "risk",
                "peer",
            )
        }
        for pid, hs_code, version, description in zip(pids, codes, versions, texts, strict=True):
            info = self.code(hs_code, version)
            verdict = judge(info, self.text(description), self.catalogue)
            out["pid"].append(pid)
            out["hs6"].append(info.hs6)
            out["hs6_2022"].append(info.hs2022[0] if info.hs2022 else info.hs6)
            out["categories"].append(list(verdict.categories))
            out["code_categories"].append(list(verdict.code_categories))
            out["text_categories"].append(list(verdict.text_categories))
            out["chpl_tier"].append(verdict.chpl_tier)
            out["terms"].append(list(verdict.terms))
            out["claims"].append(list(verdict.claims))
            out["flags"].append([flag.kind for flag in verdict.flags])
            out["reasons"].append([flag.reason for flag in verdict.flags])
            first = verdict.flags[0] if verdict.flags else None
            out["primary_flag"].append(first.kind if first else None)
            out["primary_category"].append(first.category if first else None)
            out["risk"].append(verdict.risk)
            out["peer"].append(not verdict.described_as_other)
        schema = pa.schema(
            [
                ("pid", pa.int64()),
                ("hs6", pa.string()),
                ("hs6_2022", pa.string()),
                ("categories", _string_list()),
                ("code_categories", _string_list()),
                ("text_categories", _string_list()),
                ("chpl_tier", pa.string()),
                ("terms", _string_list()),
                ("claims", _string_list()),
                ("flags", _string_list()),
                ("reasons", _string_list()),
                ("primary_flag", pa.string()),
                ("primary_category", pa.string()),
                ("risk", pa.float64()),
                ("peer", pa.bool_()),
            ]
        )
        return pa.table(out, schema=schema)

    def tag(
        self,
        con: duckdb.DuckDBPyConnection,
        source_sql: str,
        *,
        into: str | None = None,
        run_id: str | None = None,
        progress: Progress | None = None,
    ) -> TagStats:
        """Tag every line of ``source_sql`` (columns LINE_COLUMNS).

        The tags go into table ``into`` (columns TAG_COLUMNS, appended) or, without it, into the
        temporary table ``_goods_result``.
        """
        stats = TagStats()
        say = progress or (lambda _: None)
        started = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TEMP TABLE _goods_src AS SELECT {', '.join(LINE_COLUMNS)} FROM ({source_sql})")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _goods_pairs AS SELECT row_number() OVER () AS pid, *"
            " FROM (SELECT DISTINCT coalesce(hs_code, '') AS hs_code, hs_version,"
            " coalesce(description, '') AS description FROM _goods_src)"
        )
        stats.seconds["distinct"] = time.perf_counter() - started
        pairs = con.sql("SELECT pid, hs_code, hs_version, description FROM _goods_pairs").to_arrow_table()
        stats.distinct_pairs = pairs.num_rows
        say(f"judging {pairs.num_rows:,} distinct (code, description) pairs")
        started = time.perf_counter()
        texts_before, codes_before = len(self._texts), len(self.resolver._cache)
        verdicts = self._verdicts(pairs)
        stats.distinct_descriptions = len(self._texts) - texts_before
        stats.distinct_codes = len(self.resolver._cache) - codes_before
        stats.seconds["judge"] = time.perf_counter() - started
        started = time.perf_counter()
        con.register("_goods_verdicts_arrow", verdicts)
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE _goods_verdicts AS SELECT * FROM _goods_verdicts_arrow")
        finally:
            con.unregister("_goods_verdicts_arrow")
        self._register_floors(con)
        uv, basis = basis_sql("s.value", "s.currency", "s.value_usd", "s.qty", "s.qty_unit", "s.net_kg")
        pieces = ", ".join(f"'USD/{unit}'" for unit in PIECE_UNITS)
        run = "NULL" if run_id is None else "'" + run_id.replace("'", "''") + "'"
        select = f"""
            WITH lines AS (
                SELECT s.source_id, s.source_line, s.hs_code, s.hs_version, v.*,
                       {uv} AS uv, {basis} AS basis
                FROM _goods_src AS s
                JOIN _goods_pairs AS p
                  ON p.hs_code = coalesce(s.hs_code, '')
                 AND p.hs_version IS NOT DISTINCT FROM s.hs_version
                 AND p.description = coalesce(s.description, '')
                JOIN _goods_verdicts AS v ON v.pid = p.pid
            ),
            peer_stats AS (
                SELECT hs6_2022, basis, count(*) AS n, median(ln(uv)) AS med, mad(ln(uv)) AS mad
                FROM lines WHERE peer AND uv > 0 AND hs6_2022 IS NOT NULL AND basis IS NOT NULL
                GROUP BY ALL
            ),
            floors AS (
                SELECT l.source_id, l.source_line, min(f.min_usd) AS floor_min,
                       arg_min(f.label, f.min_usd) AS floor_label
                FROM lines AS l JOIN _goods_floors AS f ON starts_with(l.hs6_2022, f.code)
                WHERE l.basis IN ({pieces}) AND l.uv < f.min_usd
                GROUP BY ALL
            ),
            checked AS (
                SELECT l.*, ps.n, ps.med, fl.floor_min, fl.floor_label,
                       CASE
                         WHEN ps.n >= {MIN_PEERS} AND abs(ln(l.uv) - ps.med) >= ln({RATIO})
                          AND (ps.mad = 0 OR abs(ln(l.uv) - ps.med) / ({MAD_SCALE} * ps.mad) >= {Z})
                         THEN 'peer'
                         WHEN fl.floor_min IS NOT NULL THEN 'floor'
                       END AS uv_check
                FROM lines AS l
                LEFT JOIN peer_stats AS ps ON ps.hs6_2022 = l.hs6_2022 AND ps.basis = l.basis
                LEFT JOIN floors AS fl ON fl.source_id = l.source_id AND fl.source_line = l.source_line
            ),
            reasoned AS (
                SELECT *, CASE uv_check
                    WHEN 'peer' THEN {PEER_REASON_SQL.replace("hs6[", "hs6_2022[")}
                    WHEN 'floor' THEN {FLOOR_REASON_SQL.replace("hs6[", "hs6_2022[")}
                  END AS uv_reason
                FROM checked
            )
            SELECT source_id, source_line, hs_code, hs_version, hs6, categories, code_categories,
                   text_categories, chpl_tier, terms, claims,
                   CASE WHEN uv_reason IS NULL THEN flags ELSE list_append(flags, '{UNIT_VALUE}') END AS flags,
                   CASE WHEN uv_reason IS NULL THEN reasons ELSE list_append(reasons, uv_reason) END AS reasons,
                   len(flags) > 0 OR uv_reason IS NOT NULL AS mismatch,
                   coalesce(primary_flag, CASE WHEN uv_reason IS NOT NULL THEN '{UNIT_VALUE}' END) AS primary_flag,
                   primary_category,
                   CASE WHEN uv_reason IS NOT NULL THEN greatest(risk, 0.5) ELSE risk END AS risk,
                   uv AS unit_value, basis AS unit_basis, exp(med) AS peer_median, coalesce(n, 0) AS peers,
                   {run} AS run_id
            FROM reasoned
        """
        if into is None:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _goods_result AS {select}")
        else:
            con.execute(f"INSERT INTO {into} {select}")
        stats.seconds["join"] = time.perf_counter() - started
        row = con.execute("SELECT count(*) FROM _goods_src").fetchall()
        stats.lines = int(row[0][0])
        return stats

    def _register_floors(self, con: duckdb.DuckDBPyConnection) -> None:
        floors = [(code, f.min_usd, f.label) for f in self.catalogue.unit_value_floors for code in f.codes]
        con.execute("CREATE OR REPLACE TEMP TABLE _goods_floors (code VARCHAR, min_usd DOUBLE, label VARCHAR)")
        if floors:
            con.executemany("INSERT INTO _goods_floors VALUES (?, ?, ?)", floors)

    @staticmethod
    def cleanup(con: duckdb.DuckDBPyConnection) -> None:
        for name in ("_goods_src", "_goods_pairs", "_goods_verdicts", "_goods_floors", "_goods_result"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
