"""The trade flows every analytic reads, made safe to add up, and what is covered when.

Two things in real files would make sums wrong, and this module removes them before any
analytic runs (and says so in the findings' notes):

- a file that reports a heading and also codes under it (the Eurostat extract gives "[8471]"
  and every CN8 code of 8471): the heading row is replaced by its *residual*, heading minus the
  codes reported under it, so that totals at any level count each euro once;
- two loaded files that report the same reporter, flow, currency, partner, month and heading
  (a revised file loaded next to the old one): the most recently loaded file wins.

Values are never added across currencies: every series carries its ``currency`` (a Comtrade row
in USD and a Comext row in EUR for the same German export are two series, never one sum).
Statistical areas (World, EU-27, Euro area...) are kept as their own reporters and partners but
left out when the analytics add up "every reporter" or "every partner".

``coverage`` tells which months each (reporter, flow, currency) reports: a month without a row
inside a covered period is a zero, outside it is unknown. On the warehouse it is the stored
``coverage`` table (warehouse/coverage.py: a reporter that stops reporting, an annual year with
too few partners, are not covered); on any other relation, each file's span of months.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from dualtrace.analytics.sql import Runner, in_list
from dualtrace.warehouse import coverage as coverage_table

FLOWS = "_an_flows"
RESIDUAL = "_an_resid"
SHADOW = "_an_shadow"
AREAS = "_an_areas"  # statistical areas (World, EU...): never added into 'every reporter/partner'
USE = "_an_use"
DIGITS = "'^[0-9]+$'"

_CLEAN = """period, freq, reporter, partner, flow, hs_code, hs6, COALESCE(hs_version, '') AS hs_version,
       CAST(value AS DOUBLE) AS value, COALESCE(currency, '?') AS currency,
       CAST(net_kg AS DOUBLE) AS net_kg, CAST(qty AS DOUBLE) AS qty, qty_unit, source_id, source_line"""
_COLUMNS = (
    "period, freq, reporter, partner, flow, hs_code, hs6, hs_version, value, currency, net_kg, qty,"
    " qty_unit, source_id, source_line"
)


@dataclass
class Coverage:
    """Months reported per (reporter, flow, currency), monthly and annual."""

    months: dict[tuple[str, str, str], set[tuple[int, int]]] = field(default_factory=dict)
    annual: dict[tuple[str, str, str], set[int]] = field(default_factory=dict)
    measures: set[str] = field(default_factory=lambda: {"value", "net_kg", "qty"})  # measures with data
    # years a reporter's file has but does not cover (partial annual year, months a reporter
    # is absent from): what the data-quality findings state, (source, reporter, flow, currency,
    # year) -> the coverage row
    gaps: list[dict[str, Any]] = field(default_factory=list)
    # months per group from files that report product codes (not only totals); None: as months
    coded: dict[tuple[str, str, str], set[tuple[int, int]]] | None = None

    def coded_months(self) -> dict[tuple[str, str, str], set[tuple[int, int]]]:
        return self.months if self.coded is None else self.coded

    def groups(self) -> set[tuple[str, str, str]]:
        return set(self.months) | set(self.annual)

    def complete_years(self, key: tuple[str, str, str]) -> set[int]:
        months = self.months.get(key, set())
        years = {y for y, _ in months}
        full = {y for y in years if sum(1 for yy, _ in months if yy == y) == 12}
        return full | (self.annual.get(key, set()) - years)

    def last_month(self) -> tuple[int, int] | None:
        found = [max(m) for m in self.months.values() if m]
        return max(found) if found else None

    def first_month(self) -> tuple[int, int] | None:
        found = [min(m) for m in self.months.values() if m]
        return min(found) if found else None


@dataclass
class Prepared:
    """The cleaned relation (`_an_flows`), its portable definition, and what was cleaned."""

    source: str
    mixed_sources: list[int]
    lengths: list[int]  # code lengths in the mixed sources (0: not a code, e.g. TOTAL)
    shadows: list[tuple[int, int, int]]  # (kept source, dropped source, overlapping keys)
    areas: list[str]
    coverage: Coverage
    notes: list[str]

    def portable(self) -> str:
        """A CTE `flows AS (...)` that rebuilds `_an_flows` on the warehouse alone."""
        return "WITH " + _portable_ctes(self.source, self.mixed_sources, self.shadows, self.lengths)

    def not_area(self, column: str) -> str:
        return f"{column} NOT IN {in_list(self.areas)}"


def _residual_body(source: str, mixed: list[int], lengths: list[int] | None = None) -> str:
    """Rows of files that mix levels, with each heading replaced by what its reported codes
    leave over (dropped when nothing is left). `lengths`: the code lengths those files use."""
    found = sorted(set(lengths or [0, 2, 4, 6, 8]))
    heads = [k for k in found if k < max(found)] or [0]
    values = ", ".join(f"({k})" for k in heads)
    return f"""
WITH m AS (
  SELECT {_CLEAN},
         CASE WHEN regexp_matches(hs_code, {DIGITS}) THEN hs_code ELSE '' END AS ck
  FROM {source} WHERE source_id IN {in_list(mixed)}
),
up AS (
  SELECT c.source_id, c.source_line AS child_line, arg_max(p.source_line, l.k) AS parent_line
  FROM m c
  CROSS JOIN (VALUES {values}) AS l(k)
  JOIN (SELECT * FROM m WHERE LENGTH(ck) < {max(found)}) p ON p.source_id = c.source_id AND p.reporter =
  c.reporter AND p.partner = c.partner
   AND p.flow = c.flow AND p.period = c.period AND p.currency = c.currency AND p.ck = LEFT(c.ck, l.k)
  WHERE l.k < LENGTH(c.ck)
  GROUP BY c.source_id, c.source_line
),
down AS (
  SELECT up.source_id, up.parent_line, SUM(c.value) AS v, SUM(c.net_kg) AS kg, SUM(c.qty) AS q
  FROM up JOIN m c ON c.source_id = up.source_id AND c.source_line = up.child_line
  GROUP BY up.source_id, up.parent_line
)
SELECT m.period, m.freq, m.reporter, m.partner, m.flow, m.hs_code, m.hs6, m.hs_version,
       CASE WHEN d.parent_line IS NULL THEN m.value ELSE m.value - COALESCE(d.v, 0) END AS value,
       m.currency,
       CASE WHEN d.parent_line IS NULL THEN m.net_kg
            WHEN m.net_kg - COALESCE(d.kg, 0) > 0 THEN m.net_kg - COALESCE(d.kg, 0) END AS net_kg,
       CASE WHEN d.parent_line IS NULL THEN m.qty
            WHEN m.qty - COALESCE(d.q, 0) > 0 THEN m.qty - COALESCE(d.q, 0) END AS qty,
       m.qty_unit, m.source_id, m.source_line
FROM m LEFT JOIN down d ON d.source_id = m.source_id AND d.parent_line = m.source_line
WHERE d.parent_line IS NULL OR m.value - COALESCE(d.v, 0) > GREATEST(1.0, 0.005 * ABS(m.value))"""


def _shadow_body(source: str, shadows: list[tuple[int, int, int]]) -> str:
    parts = [
        f"SELECT DISTINCT {dropped} AS source_id, reporter, partner, flow, COALESCE(currency, '?') AS "
        f"currency,"
        f" period, LEFT(hs_code, 4) AS h FROM {source} WHERE source_id = {kept}"
        for kept, dropped, _ in shadows
    ]
    return "\nUNION ALL\n".join(parts)


def _flows_body(source: str, mixed: list[int], shadows: bool, residual: str, shadow: str) -> str:
    where = f"WHERE t.source_id NOT IN {in_list(mixed)}" if mixed else ""
    body = f"SELECT {_CLEAN} FROM {source} t"
    if shadows:
        body = (
            f"SELECT t.* FROM (SELECT {_CLEAN} FROM {source}) t LEFT JOIN {shadow} s"
            " ON s.source_id = t.source_id AND s.reporter = t.reporter AND s.partner = t.partner"
            " AND s.flow = t.flow AND s.currency = t.currency AND s.period = t.period"
            " AND s.h = LEFT(t.hs_code, 4)"
        )
        where = (where + " AND " if where else "WHERE ") + "s.source_id IS NULL"
    body = f"{body} {where}".strip()
    if mixed:
        body += f"\nUNION ALL\nSELECT {_COLUMNS} FROM {residual}"
    return body


def _portable_ctes(
    source: str, mixed: list[int], shadows: list[tuple[int, int, int]], lengths: list[int]
) -> str:
    ctes = []
    if mixed:
        ctes.append(f"resid AS ({_residual_body(source, mixed, lengths)}\n)")
    if shadows:
        ctes.append(f"shadow AS ({_shadow_body(source, shadows)})")
    ctes.append(f"flows AS ({_flows_body(source, mixed, bool(shadows), 'resid', 'shadow')})")
    return ",\n".join(ctes)


def prepare(runner: Runner, source: str = "trade_flows") -> Prepared:
    """Build `_an_flows` (a temporary view) over the trade flows and measure what it covers."""
    notes: list[str] = []
    # One scan of the fact rows tells which files mix code lengths, which (reporter, flow,
    # currency) several files report, the months each file spans and which measures exist.
    # a code starts with a digit ("TOTAL" does not): cheaper than a regular expression per row
    length = "CASE WHEN LEFT(hs_code, 1) BETWEEN '0' AND '9' THEN LENGTH(hs_code) ELSE 0 END"
    survey = runner.rows(
        "survey",
        f"SELECT source_id, reporter, flow, COALESCE(currency, '?') AS currency, freq, {length} AS n,"
        " MIN(period) AS first, MAX(period) AS last, COUNT(net_kg) AS kg, COUNT(qty) AS q"
        f" FROM {source} GROUP BY source_id, reporter, flow, COALESCE(currency, '?'), freq, {length}",
    )
    per_source: dict[int, set[int]] = defaultdict(set)
    sources_of: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for r in survey:
        per_source[int(r["source_id"])].add(int(r["n"]))
        sources_of[(r["reporter"], r["flow"], r["currency"])].add(int(r["source_id"]))
    mixed = sorted(s for s, n in per_source.items() if len(n) > 1)
    lengths = sorted({n for s in mixed for n in per_source[s]})
    candidates = sorted(k for k, ids in sources_of.items() if len(ids) > 1)
    shadows = _find_shadows(runner, source, candidates)
    if mixed:
        runner.table(RESIDUAL, _residual_body(source, mixed, lengths), "residual headings")
        notes.append(
            f"source(s) {', '.join(map(str, mixed))} report headings and the codes under them; each "
            "heading counts only for what its listed codes leave over (no double counting)"
        )
    if shadows:
        runner.table(SHADOW, _shadow_body(source, shadows), "shadowed keys")
        for kept, dropped, n in shadows:
            notes.append(
                f"source {dropped} repeats {n:,} reporter/partner/month/heading keys of source {kept}; "
                f"the later file (source {kept}) is used for them"
            )
    runner.view(FLOWS, _flows_body(source, mixed, bool(shadows), RESIDUAL, SHADOW), "cleaned flows")
    areas = [
        r["iso3"] for r in runner.rows("areas", "SELECT iso3 FROM ref_countries WHERE is_area ORDER BY iso3")
    ]
    runner.register(AREAS, ["iso3"], [(a,) for a in areas] or [("",)])
    coverage = _coverage(survey)
    stored = _stored_coverage(runner) if source == "trade_flows" else None
    if stored is not None:
        stored.measures = coverage.measures
        coverage = stored
    return Prepared(source, mixed, lengths, shadows, areas, coverage, notes)


def _find_shadows(
    runner: Runner, source: str, candidates: list[tuple[str, str, str]]
) -> list[tuple[int, int, int]]:
    """Pairs of files that report the same keys: (kept, dropped, keys in common)."""
    if not candidates:
        return []
    keys = ", ".join(f"({_q(r)}, {_q(f)}, {_q(c)})" for r, f, c in candidates)
    rows = runner.rows(
        "duplicate sources",
        f"""WITH k AS (
  SELECT DISTINCT source_id, reporter, partner, flow, COALESCE(currency, '?') AS currency, period,
         LEFT(hs_code, 4) AS h
  FROM {source} WHERE (reporter, flow, COALESCE(currency, '?')) IN ({keys})
)
SELECT a.source_id AS kept, b.source_id AS dropped, COUNT(*) AS n
FROM k a JOIN k b ON a.reporter = b.reporter AND a.partner = b.partner AND a.flow = b.flow
 AND a.currency = b.currency AND a.period = b.period AND a.h = b.h AND a.source_id > b.source_id
GROUP BY a.source_id, b.source_id ORDER BY a.source_id, b.source_id""",
    )
    # A file shadowed by several later ones is dropped against the latest of them only.
    latest: dict[int, tuple[int, int]] = {}
    for r in rows:
        latest[int(r["dropped"])] = (int(r["kept"]), int(r["n"]))
    return [(kept, dropped, n) for dropped, (kept, n) in sorted(latest.items())]


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _coverage(rows: list[dict[str, Any]]) -> Coverage:
    """Each file covers its whole span of months for every reporter in it: a month inside the
    span without a row for some reporter is a zero (nothing traded), not a gap."""
    measures = {"value"}
    if any(r["kg"] for r in rows):
        measures.add("net_kg")
    if any(r["q"] for r in rows):
        measures.add("qty")
    spans: dict[tuple[int, str, str, str], tuple[date, date]] = {}
    for r in rows:
        key = (int(r["source_id"]), r["flow"], r["currency"], r["freq"])
        first, last = spans.get(key, (r["first"], r["last"]))
        spans[key] = (min(first, r["first"]), max(last, r["last"]))
    months: dict[tuple[str, str, str], set[tuple[int, int]]] = defaultdict(set)
    coded: dict[tuple[str, str, str], set[tuple[int, int]]] = defaultdict(set)
    annual: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for r in rows:
        group = (r["reporter"], r["flow"], r["currency"])
        first, last = spans[(int(r["source_id"]), r["flow"], r["currency"], r["freq"])]
        if r["freq"] == "A":
            annual[group].update(range(first.year, last.year + 1))
            continue
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            months[group].add((y, m))
            if int(r["n"]) > 0:
                coded[group].add((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return Coverage(dict(months), dict(annual), measures, coded=dict(coded))


def _stored_coverage(runner: Runner) -> Coverage | None:
    """The coverage kept in the warehouse (filled in first for files loaded before it existed);
    None when the warehouse has no coverage table or cannot be written to fill it."""
    try:
        if runner.warehouse is not None:  # Spark reads the coverage export parquet filled in
            coverage_table.ensure(runner.warehouse)
        rows = runner.rows(
            "coverage",
            "SELECT source_id, reporter, flow, currency, freq, year, first_month, last_month, partners,"
            " status, reason FROM coverage WHERE level = '*' AND partner = '*'"
            " ORDER BY source_id, reporter, flow, currency, year",
        )
    except duckdb.Error:
        return None
    coded_sources = {
        int(r["source_id"])
        for r in runner.rows(
            "coded sources", "SELECT DISTINCT source_id FROM coverage WHERE level NOT IN ('*', 'total')"
        )
    }
    months: dict[tuple[str, str, str], set[tuple[int, int]]] = defaultdict(set)
    coded: dict[tuple[str, str, str], set[tuple[int, int]]] = defaultdict(set)
    annual: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    gaps = []
    for r in rows:
        group = (r["reporter"], r["flow"], r["currency"])
        year = int(r["year"])
        if r["status"] != "complete":
            gaps.append(r)
        if r["freq"] == "A":
            if r["status"] == "complete":
                annual[group].add(year)
        elif r["first_month"] is not None:
            span = {(year, m) for m in range(int(r["first_month"]), int(r["last_month"]) + 1)}
            months[group].update(span)
            if int(r["source_id"]) in coded_sources:
                coded[group].update(span)
    return Coverage(dict(months), dict(annual), gaps=gaps, coded=dict(coded))
