"""Data-quality findings: what the loaded files do not cover, stated as findings of their own
kind and ranked below the findings about trade (analytics/severity.py: at most low).

- a reporter whose rows stop or start inside a file (the UK leaving the EU figures after
  2020-01): one finding per reporter, flow and currency, over every file that shows it;
- a year an annual file holds only in part (Armenia's 2023: 88 partners against 120);
- a file that ends or starts inside a year: one finding per file;
- values or weights left blank in some of a file's rows (unknown, never 0);
- headings whose listed codes add up to more than the heading itself (totals that do not add
  up: the heading's residual is then dropped, see analytics/flows.py).

The other analytics already leave these periods out (the coverage rules in docs/analytics.md);
these findings say so, with the coverage rows as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import duckdb

from dualtrace.analytics import text
from dualtrace.analytics.context import Context
from dualtrace.analytics.flows import DIGITS
from dualtrace.analytics.sql import in_list
from dualtrace.findings import Evidence, Finding

KIND = "data_quality"
_FLOWS = {"X": "exports", "M": "imports"}
_COVERAGE_SQL = (
    "SELECT source_id, reporter, flow, currency, freq, year, first_month, last_month, partners, status,"
    " reason, rows, blank_value, blank_kg FROM coverage WHERE level = '*' AND partner = '*'"
)


def _filenames(ctx: Context) -> dict[int, str]:
    try:
        rows = ctx.runner.rows("file names", "SELECT source_id, filename FROM sources")
    except Exception:  # an engine without the sources table (Spark): ids stand in
        return {}
    return {int(r["source_id"]): str(r["filename"]) for r in rows}


def _years(rows: list[dict[str, Any]], status: str) -> str:
    years = sorted({int(r["year"]) for r in rows if r["status"] == status})
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _who(reporter: str, flow: str, currency: str) -> str:
    return f"{text.possessive(text.country(reporter))} {_FLOWS.get(flow, flow)} ({currency})"


def _stated(rows: list[dict[str, Any]]) -> str:
    parts = [f"{word} {y}" for word in ("partial", "absent") if (y := _years(rows, word))]
    return ", ".join(parts)


def _finding(
    subject: str, headline: str, score: float, rows: list[dict[str, Any]], notes: list[str], sql: str
) -> Finding:
    years = sorted(int(r["year"]) for r in rows)
    return Finding(
        kind=KIND,
        subject_type="coverage",
        subject=subject,
        headline=headline,
        score=score,
        period_start=date(years[0], 1, 1),
        period_end=date(years[-1], 12, 31),
        metrics={
            "sources": sorted({int(r["source_id"]) for r in rows}),
            "reporters": sorted({str(r["reporter"]) for r in rows}),
            "years": sorted(set(years)),
            "statuses": sorted({str(r["status"]) for r in rows}),
        },
        evidence=Evidence(query=sql, table=[dict(r) for r in rows[:200]], notes=notes),
    )


def _gaps(rows: list[dict[str, Any]], files: dict[int, str]) -> list[Finding]:
    reporter_gaps: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    file_edges: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["status"] == "complete":
            continue
        reason = str(r["reason"] or "")
        if reason.startswith("the file "):
            file_edges[(int(r["source_id"]), reason)].append(r)
        else:
            reporter_gaps[(r["reporter"], r["flow"], r["currency"], reason)].append(r)
    out = []
    for (reporter, flow, currency, reason), group in sorted(reporter_gaps.items()):
        names = sorted({files.get(int(r["source_id"]), f"source {r['source_id']}") for r in group})
        where = names[0] if len(names) == 1 else f"{len(names)} files"
        out.append(
            _finding(
                f"{reporter} {flow} {currency}: {reason}",
                f"{_who(reporter, flow, currency)}: {reason} in {where}: {_stated(group)}; these periods"
                " are not compared (no surge, collapse or gap is read from them).",
                0.5,
                group,
                [f"files: {', '.join(names)}"],
                f"{_COVERAGE_SQL} AND reporter = '{reporter}' AND flow = '{flow}' AND status <> 'complete'",
            )
        )
    for (source_id, reason), group in sorted(file_edges.items()):
        name = files.get(source_id, f"source {source_id}")
        reporters = sorted({str(r["reporter"]) for r in group})
        out.append(
            _finding(
                f"source {source_id}: {reason}",
                f"{name}: {reason}: {_stated(group)} for its {len(reporters)} reporters; a partial year"
                " is compared only with the same months of another year.",
                0.2,
                group,
                [f"reporters: {', '.join(reporters)}"],
                f"{_COVERAGE_SQL} AND source_id = {source_id} AND status <> 'complete'",
            )
        )
    return out


def _blanks(rows: list[dict[str, Any]], files: dict[int, str]) -> list[Finding]:
    per_source: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        per_source[int(r["source_id"])].append(r)
    out = []
    for source_id, group in sorted(per_source.items()):
        total = sum(int(r["rows"]) for r in group)
        for column, word in (("blank_value", "values"), ("blank_kg", "net weights")):
            blank = sum(int(r[column]) for r in group)
            if 0 < blank < total:  # a file with no weights at all is a layout, not a gap
                name = files.get(source_id, f"source {source_id}")
                affected = [r for r in group if int(r[column])]
                out.append(
                    _finding(
                        f"source {source_id}: blank {word}",
                        f"{name}: {blank:,} of {total:,} rows have blank {word}: unknown, never 0.",
                        0.3,
                        affected,
                        [f"{column} counted per reporter and year in the coverage table"],
                        f"{_COVERAGE_SQL} AND source_id = {source_id} AND {column} > 0",
                    )
                )
    return out


def _totals_sql(source: str, mixed: list[int]) -> str:
    """Per file and reporter: headings (HS4) whose longest listed codes sum to more than them."""
    return f"""WITH m AS (
  SELECT source_id, reporter, partner, flow, period, COALESCE(currency, '?') AS currency, hs_code, value,
         MAX(LENGTH(hs_code)) OVER (PARTITION BY source_id) AS longest
  FROM {source}
  WHERE source_id IN {in_list(mixed)} AND regexp_matches(hs_code, {DIGITS}) AND value IS NOT NULL
),
c AS (
  SELECT source_id, reporter, partner, flow, period, currency, LEFT(hs_code, 4) AS h, SUM(value) AS v
  FROM m WHERE LENGTH(hs_code) = longest AND longest > 4
  GROUP BY source_id, reporter, partner, flow, period, currency, LEFT(hs_code, 4)
)
SELECT p.source_id, p.reporter, p.flow, p.currency, COUNT(*) AS headings, SUM(c.v - p.value) AS excess,
       MIN(p.period) AS first_period, MAX(p.period) AS last_period, arg_max(p.hs_code, c.v - p.value) AS worst
FROM m p JOIN c ON c.source_id = p.source_id AND c.reporter = p.reporter AND c.partner = p.partner
 AND c.flow = p.flow AND c.period = p.period AND c.currency = p.currency AND c.h = p.hs_code
WHERE LENGTH(p.hs_code) = 4 AND c.v > p.value * 1.005 + 1
GROUP BY p.source_id, p.reporter, p.flow, p.currency
ORDER BY p.source_id, p.reporter, p.flow, p.currency"""


def _totals(ctx: Context, files: dict[int, str]) -> list[Finding]:
    mixed = ctx.prepared.mixed_sources
    if not mixed:
        return []
    sql = _totals_sql(ctx.prepared.source, mixed)
    out = []
    for r in ctx.runner.rows("totals that do not add up", sql):
        name = files.get(int(r["source_id"]), f"source {r['source_id']}")
        who = _who(str(r["reporter"]), str(r["flow"]), str(r["currency"]))
        first, last = r["first_period"], r["last_period"]
        out.append(
            Finding(
                kind=KIND,
                subject_type="coverage",
                subject=f"source {r['source_id']} {r['reporter']} {r['flow']} {r['currency']}: totals",
                headline=f"{name}: {who}: in {int(r['headings']):,} heading-months the listed codes add up"
                f" to more than the heading (by {text.money(float(r['excess']), str(r['currency']))} in all;"
                f" most under HS {r['worst']}): those headings' own remainder is left out.",
                score=0.5,
                period_start=first if isinstance(first, date) else None,
                period_end=last if isinstance(last, date) else None,
                metrics={
                    "sources": [int(r["source_id"])],
                    "reporters": [str(r["reporter"])],
                    "years": sorted({p.year for p in (first, last) if isinstance(p, date)}),
                    "statuses": ["totals do not add up"],
                    "headings": int(r["headings"]),
                    "excess": float(r["excess"]),
                },
                evidence=Evidence(
                    query=sql, table=[dict(r)], notes=["heading (HS4) against its longest listed codes"]
                ),
            )
        )
    return out


def run(ctx: Context) -> list[Finding]:
    try:
        rows = ctx.runner.rows(
            "coverage for data quality", _COVERAGE_SQL + " ORDER BY source_id, reporter, year"
        )
    except duckdb.Error:
        return []
    trace = ctx.trace("data_quality")
    trace.tested = len(rows)
    files = _filenames(ctx)
    return [*_gaps(rows, files), *_blanks(rows, files), *_totals(ctx, files)]
