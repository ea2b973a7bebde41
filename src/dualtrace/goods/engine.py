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

import gc
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
from dualtrace.warehouse.db import register_frame

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

_LIST = pa.list_(pa.string())
# The columns of goods_pairs (one row per distinct code, edition and description).
PAIR_SCHEMA: list[tuple[str, pa.DataType]] = [
    ("pid", pa.uint64()),
    ("hs_code", pa.string()),
    ("hs_version", pa.string()),
    ("description", pa.string()),
    ("hs6", pa.string()),
    ("hs6_2022", pa.string()),
    ("categories", _LIST),
    ("code_categories", _LIST),
    ("text_categories", _LIST),
    ("chpl_tier", pa.string()),
    ("terms", _LIST),
    ("claims", _LIST),
    ("flags", _LIST),
    ("reasons", _LIST),
    ("primary_flag", pa.string()),
    ("primary_category", pa.string()),
    ("risk", pa.float64()),
    ("peer", pa.bool_()),
    ("floor_min", pa.float64()),
    ("floor_label", pa.string()),
    ("run_id", pa.string()),
]
_SQL_TYPES = {
    pa.uint64(): "UBIGINT",
    pa.int64(): "BIGINT",
    pa.string(): "VARCHAR",
    _LIST: "VARCHAR[]",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}


@dataclass
class TagStats:
    lines: int = 0
    distinct_pairs: int = 0
    distinct_descriptions: int = 0
    distinct_codes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class Classifier:
    """A catalogue compiled once, with caches of analysed descriptions and resolved codes."""

    def __init__(self, catalogue: Catalogue, resolver: CodeResolver | None = None) -> None:
        self.catalogue = catalogue
        self.analyzer = Analyzer(catalogue)
        self.resolver = resolver or CodeResolver(catalogue)
        self._texts: dict[str, TextAnalysis] = {}
        self._floors: dict[str, tuple[float | None, str | None]] = {}
        self._verdict_cache: dict[tuple[Any, ...], Verdict] = {}

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

    def _floor(self, hs6: str | None) -> tuple[float | None, str | None]:
        found = self._floors.get(hs6 or "")
        if found is None:
            found = (None, None)
            for floor in self.catalogue.unit_value_floors:
                if hs6 and any(hs6.startswith(code) for code in floor.codes):
                    found = (floor.min_usd, floor.label)
                    break
            self._floors[hs6 or ""] = found
        return found

    def _verdicts(self, pairs: pa.Table, run_id: str | None) -> pa.Table:
        """Judge every distinct pair; one output row per pair id (the columns of goods_pairs)."""
        columns = {
            name: pairs.column(name).to_pylist() for name in ("pid", "hs_code", "hs_version", "description")
        }
        out: dict[str, list[Any]] = {name: [] for name, _ in PAIR_SCHEMA}
        append = {name: out[name].append for name in out}
        judge_pair = judge
        for pid, hs_code, version, description in zip(
            columns["pid"], columns["hs_code"], columns["hs_version"], columns["description"], strict=True
        ):
            info = self.code(hs_code, version)
            text = self.text(description)
            # Descriptions that differ only in words the rules ignore (model numbers, sizes) get
            # the same verdict: judge each (code, what the text says) once.
            key = (hs_code, version, text.signature())
            verdict = self._verdict_cache.get(key)
            if verdict is None:
                verdict = judge_pair(info, text, self.catalogue)
                self._verdict_cache[key] = verdict
            hs6_2022 = info.hs2022[0] if info.hs2022 else info.hs6
            floor_min, floor_label = self._floor(hs6_2022)
            flags = verdict.flags
            append["pid"](pid)
            append["hs_code"](hs_code)
            append["hs_version"](version)
            append["description"](description)
            append["hs6"](info.hs6)
            append["hs6_2022"](hs6_2022)
            append["categories"](list(verdict.categories))
            append["code_categories"](list(verdict.code_categories))
            append["text_categories"](list(verdict.text_categories))
            append["chpl_tier"](verdict.chpl_tier)
            append["terms"](list(verdict.terms))
            append["claims"](list(verdict.claims))
            append["flags"]([flag.kind for flag in flags])
            append["reasons"]([flag.reason for flag in flags])
            append["primary_flag"](flags[0].kind if flags else None)
            append["primary_category"](flags[0].category if flags else None)
            append["risk"](verdict.risk)
            append["peer"](not verdict.described_as_other)
            append["floor_min"](floor_min)
            append["floor_label"](floor_label)
            append["run_id"](run_id)
        return pa.table(out, schema=pa.schema(PAIR_SCHEMA))

    def tag(
        self,
        con: duckdb.DuckDBPyConnection,
        source_sql: str,
        *,
        pairs_table: str = "_goods_pairs",
        lines_table: str = "_goods_lines",
        append: bool = False,
        run_id: str | None = None,
        progress: Progress | None = None,
        hash_keys: bool = True,
    ) -> TagStats:
        """Tag every line of ``source_sql`` (columns LINE_COLUMNS).

        Verdicts go to ``pairs_table`` (one row per distinct code, edition and description) and
        the per-line part (pair id, unit value) to ``lines_table``; ``tags_view_sql`` joins them
        into one row per line. With ``append`` the tables exist (the warehouse's) and are filled;
        without, temporary tables are created, and the temporary view ``_goods_result`` shows
        the tags. ``hash_keys=False`` joins lines to pairs on their text (what a hash collision
        falls back to).
        """
        stats = TagStats()
        say = progress or (lambda _: None)
        started = time.perf_counter()
        _line_pairs(con, source_sql, hash_keys)
        stats.seconds["distinct"] = time.perf_counter() - started
        pairs = con.sql("SELECT pid, hs_code, hs_version, description FROM _goods_keys").to_arrow_table()
        stats.distinct_pairs = pairs.num_rows
        say(f"judging {pairs.num_rows:,} distinct (code, description) pairs")
        started = time.perf_counter()
        verdicts = self._judge_all(pairs, run_id, stats)
        stats.seconds["judge"] = time.perf_counter() - started
        started = time.perf_counter()
        if not append:
            _create_tables(con, pairs_table, lines_table)
        with register_frame(con, "_goods_verdicts_arrow", verdicts):
            con.execute(f"INSERT INTO {pairs_table} SELECT * FROM _goods_verdicts_arrow")
        _insert_lines(con, pairs_table, lines_table, run_id)
        if not append:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW _goods_result AS {tags_view_sql(pairs_table, lines_table)}"
            )
        stats.seconds["lines"] = time.perf_counter() - started
        stats.lines = int(con.execute("SELECT count(*) FROM _goods_lines0").fetchall()[0][0])
        return stats

    def _judge_all(self, pairs: pa.Table, run_id: str | None, stats: TagStats) -> pa.Table:
        texts_before, codes_before = len(self._texts), self.resolver.cached()
        collecting = gc.isenabled()
        gc.disable()  # the loop makes many small objects and frees none: skip cyclic GC passes
        try:
            verdicts = self._verdicts(pairs, run_id)
        finally:
            if collecting:
                gc.enable()
        stats.distinct_descriptions = len(self._texts) - texts_before
        stats.distinct_codes = self.resolver.cached() - codes_before
        return verdicts

    @staticmethod
    def cleanup(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("DROP VIEW IF EXISTS _goods_result")
        for name in ("_goods_keys", "_goods_lines0", "_goods_pairs", "_goods_lines"):
            con.execute(f"DROP TABLE IF EXISTS {name}")


def _line_pairs(con: duckdb.DuckDBPyConnection, source_sql: str, hash_keys: bool) -> None:
    """`_goods_keys`: one row per distinct (code, edition, description) with its pair id;
    `_goods_lines0`: each line's pair id and unit value."""
    uv, basis = basis_sql("value", "currency", "value_usd", "qty", "qty_unit", "net_kg")
    # A line's pair is found by a 64-bit hash of (code, edition, description): one pass over
    # the lines, no join on long strings. A hash shared by two different pairs (a collision)
    # is detected below, and then the pairs are joined on their text instead.
    key = "hash(coalesce(hs_code, ''), coalesce(hs_version, ''), coalesce(description, ''))"
    check = "hash(coalesce(description, ''), coalesce(hs_version, ''), coalesce(hs_code, ''), 'pair')"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _goods_keys AS
        SELECT {key} AS pid, any_value(coalesce(hs_code, '')) AS hs_code,
               any_value(hs_version) AS hs_version, any_value(coalesce(description, '')) AS description,
               -- a second hash of the same text, in another order: differing within a group
               -- means two different pairs share the first hash
               (min({check}) <> max({check}))::INTEGER + 1 AS variants
        FROM ({source_sql}) GROUP BY 1
        """
    )
    collisions = con.execute("SELECT count(*) FROM _goods_keys WHERE variants > 1").fetchall()[0][0]
    if collisions or not hash_keys:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _goods_keys AS"
            " SELECT row_number() OVER () AS pid, *, 1 AS variants FROM (SELECT DISTINCT"
            " coalesce(hs_code, '') AS hs_code, hs_version,"
            f" coalesce(description, '') AS description FROM ({source_sql}))"
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _goods_lines0 AS
            SELECT s.source_id, s.source_line, k.pid, {uv} AS uv, {basis} AS basis
            FROM ({source_sql}) AS s
            JOIN _goods_keys AS k
              ON k.hs_code = coalesce(s.hs_code, '') AND k.hs_version IS NOT DISTINCT FROM s.hs_version
             AND k.description = coalesce(s.description, '')
            """
        )
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _goods_lines0 AS SELECT source_id, source_line, {key} AS pid,"
            f" {uv} AS uv, {basis} AS basis FROM ({source_sql})"
        )


def _create_tables(con: duckdb.DuckDBPyConnection, pairs_table: str, lines_table: str) -> None:
    columns = ", ".join(f"{name} {_SQL_TYPES[kind]}" for name, kind in PAIR_SCHEMA)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {pairs_table} ({columns})")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {lines_table} ("
        "source_id INTEGER, source_line BIGINT, pid UBIGINT,"
        " unit_value DOUBLE, unit_basis VARCHAR, peer_median DOUBLE, peers BIGINT, uv_check VARCHAR,"
        " uv_reason VARCHAR, run_id VARCHAR)"
    )


def _insert_lines(
    con: duckdb.DuckDBPyConnection, pairs_table: str, lines_table: str, run_id: str | None
) -> None:
    """Each line with its unit value checked against its peers (same HS6, same basis) and the
    catalogue's floors."""
    run = "NULL" if run_id is None else "'" + run_id.replace("'", "''") + "'"
    pieces = ", ".join(f"'USD/{unit}'" for unit in PIECE_UNITS)
    peer_reason = PEER_REASON_SQL.replace("hs6[", "hs6_2022[")
    floor_reason = FLOOR_REASON_SQL.replace("hs6[", "hs6_2022[")
    con.execute(
        f"""
        INSERT INTO {lines_table}
        WITH lines AS (
            SELECT l.*, v.hs6_2022, v.peer, v.floor_min, v.floor_label
            FROM _goods_lines0 AS l JOIN {pairs_table} AS v USING (pid)
        ),
        peer_stats AS (
            SELECT hs6_2022, basis, count(*) AS n, median(ln(uv)) AS med, mad(ln(uv)) AS mad
            FROM lines WHERE peer AND uv > 0 AND hs6_2022 IS NOT NULL AND basis IS NOT NULL
            GROUP BY ALL
        ),
        checked AS (
            SELECT l.*, ps.n, ps.med,
                   CASE
                     WHEN ps.n >= {MIN_PEERS} AND abs(ln(l.uv) - ps.med) >= ln({RATIO})
                      AND (ps.mad = 0 OR abs(ln(l.uv) - ps.med) / ({MAD_SCALE} * ps.mad) >= {Z})
                     THEN 'peer'
                     WHEN l.floor_min IS NOT NULL AND l.basis IN ({pieces}) AND l.uv < l.floor_min
                     THEN 'floor'
                   END AS uv_check
            FROM lines AS l
            LEFT JOIN peer_stats AS ps ON ps.hs6_2022 = l.hs6_2022 AND ps.basis = l.basis
        )
        SELECT source_id, source_line, pid, uv, basis, exp(med), coalesce(n, 0), uv_check,
               CASE uv_check WHEN 'peer' THEN {peer_reason} WHEN 'floor' THEN {floor_reason} END,
               {run}
        FROM checked
        """
    )


def tags_view_sql(pairs_table: str, lines_table: str) -> str:
    """One row per line with every tag (TAG_COLUMNS): the line table joined to its verdict."""
    return f"""
        SELECT l.source_id, l.source_line, p.hs_code, p.hs_version, p.hs6, p.categories, p.code_categories,
               p.text_categories, p.chpl_tier, p.terms, p.claims,
               CASE WHEN l.uv_reason IS NULL THEN p.flags
                    ELSE list_append(p.flags, '{UNIT_VALUE}') END AS flags,
               CASE WHEN l.uv_reason IS NULL THEN p.reasons
                    ELSE list_append(p.reasons, l.uv_reason) END AS reasons,
               len(p.flags) > 0 OR l.uv_reason IS NOT NULL AS mismatch,
               coalesce(p.primary_flag,
                        CASE WHEN l.uv_reason IS NOT NULL THEN '{UNIT_VALUE}' END) AS primary_flag,
               p.primary_category,
               CASE WHEN l.uv_reason IS NOT NULL THEN greatest(p.risk, 0.5) ELSE p.risk END AS risk,
               l.unit_value, l.unit_basis, l.peer_median, l.peers, l.run_id
        FROM {lines_table} AS l JOIN {pairs_table} AS p USING (pid)
    """
