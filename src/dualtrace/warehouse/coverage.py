"""What each loaded trade file covers, computed when it is loaded and kept in `coverage`.

One row per source, reporter, flow, currency, year, and either every code and partner ('*'),
one product level (total, hs2, hs4, hs6, cn8) or one partner. The rules (docs/analytics.md,
"Coverage"):

- a monthly file covers, for each reporter in it, the months from the reporter's first to its
  last row; a month inside that span without a row for some partner or code is a zero (nothing
  traded), outside it is unknown. A reporter whose rows stop (or start) at least
  ``SILENCE_MONTHS`` before the file ends (after it starts) has *dropped out* (*not yet
  reporting*): those months are absent. A shorter silence at the file's edge counts as zeros;
- a year is ``complete`` when all 12 months are covered, ``partial`` when some are (the file
  ends in 2022-11, the UK leaves the EU figures after 2020-01), ``absent`` when the file spans
  the year and the reporter has none of it;
- an annual file's year is ``partial`` when it names fewer than ``PARTIAL_PARTNERS`` of the
  median number of partners of the reporter's other years (Armenia's 2023: 88 partners against
  a median of 120): a year still being filled in, not a year of trade;
- blank values and weights are counted (``blank_value``, ``blank_kg``): they are unknown, never 0.

Per-level and per-partner rows repeat the status of their reporter's year: coverage is a
property of who reports, not of what was traded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import duckdb

from dualtrace.warehouse.db import insert_rows, records

SILENCE_MONTHS = 6
PARTIAL_PARTNERS = 0.8
STATUSES = ("complete", "partial", "absent")
_LEVEL = """CASE WHEN regexp_matches(hs_code, '^[0-9]+$') THEN
    CASE LENGTH(hs_code) WHEN 2 THEN 'hs2' WHEN 4 THEN 'hs4' WHEN 6 THEN 'hs6' WHEN 8 THEN 'cn8'
    ELSE 'code' || LENGTH(hs_code) END
  ELSE 'total' END"""


@dataclass(frozen=True)
class YearStatus:
    status: str
    months: int  # months covered (zeros included)
    first_month: int | None
    last_month: int | None
    reason: str | None


def _sums(con: duckdb.DuckDBPyConnection, source_id: int) -> list[dict[str, Any]]:
    return records(
        con,
        f"""WITH f AS (
  SELECT reporter, partner, flow, COALESCE(currency, '?') AS currency, freq, {_LEVEL} AS level,
         YEAR(period) AS year, MONTH(period) AS month, value, net_kg
  FROM trade_flows WHERE source_id = ?
)
SELECT reporter, COALESCE(partner, '*') AS partner, flow, currency, COALESCE(level, '*') AS level,
       freq, year, COUNT(DISTINCT month) AS months, MIN(month) AS first_month, MAX(month) AS last_month,
       COUNT(DISTINCT partner) AS partners, COUNT(*) AS rows, COUNT(*) - COUNT(value) AS blank_value,
       COUNT(*) - COUNT(net_kg) AS blank_kg
FROM f
GROUP BY GROUPING SETS ((reporter, flow, currency, freq, year), (reporter, flow, currency, freq, year, level),
                        (reporter, flow, currency, freq, year, partner))""",
        [source_id],
    )


def _ym(year: int, month: int) -> int:
    return year * 12 + month - 1


def _label(n: int) -> str:
    return f"{n // 12}-{n % 12 + 1:02d}"


def monthly_status(rows: list[dict[str, Any]], file_first: int, file_last: int) -> dict[int, YearStatus]:
    """Status per year of one reporter's monthly rows (level and partner '*'), in a file that
    spans months file_first..file_last (numbered year * 12 + month - 1)."""
    present = sorted(
        _ym(int(r["year"]), m) for r in rows for m in range(int(r["first_month"]), int(r["last_month"]) + 1)
    )
    first, last = (present[0], present[-1]) if present else (file_last + 1, file_first - 1)
    start = first if first - file_first >= SILENCE_MONTHS else file_first
    end = last if file_last - last >= SILENCE_MONTHS else file_last
    out: dict[int, YearStatus] = {}
    for year in range(file_first // 12, file_last // 12 + 1):
        lo, hi = max(_ym(year, 1), start), min(_ym(year, 12), end)
        n = max(0, hi - lo + 1)
        if n == 12:
            out[year] = YearStatus("complete", 12, 1, 12, None)
            continue
        reasons = []
        if end < _ym(year, 12):
            reasons.append(
                f"the file ends in {_label(file_last)}"
                if end == file_last
                else f"the reporter's rows stop after {_label(last)} (the file runs to {_label(file_last)})"
            )
        if start > _ym(year, 1):
            reasons.append(
                f"the file starts in {_label(file_first)}"
                if start == file_first
                else f"the reporter's rows start in {_label(first)} (the file starts in {_label(file_first)})"
            )
        status = "partial" if n > 0 else "absent"
        out[year] = YearStatus(
            status, n, lo % 12 + 1 if n else None, hi % 12 + 1 if n else None, "; ".join(reasons)
        )
    return out


def annual_status(rows: list[dict[str, Any]], first_year: int, last_year: int) -> dict[int, YearStatus]:
    """Status per year of one reporter's annual rows (level and partner '*')."""
    partners = {int(r["year"]): int(r["partners"]) for r in rows}
    out: dict[int, YearStatus] = {}
    for year in range(first_year, last_year + 1):
        if year not in partners:
            out[year] = YearStatus("absent", 0, None, None, "no rows for this year in the file")
            continue
        others = sorted(n for y, n in partners.items() if y != year)
        median = others[len(others) // 2] if len(others) >= 2 else None
        if median and partners[year] < PARTIAL_PARTNERS * median:
            reason = (
                f"{partners[year]} partners against a median of {median} in the other years:"
                " the year is not complete in the file"
            )
            out[year] = YearStatus("partial", 12, 1, 12, reason)
        else:
            out[year] = YearStatus("complete", 12, 1, 12, None)
    return out


def compute(con: duckdb.DuckDBPyConnection, source_id: int) -> list[dict[str, Any]]:
    """The coverage rows of one loaded trade file."""
    sums = _sums(con, source_id)
    top = [r for r in sums if r["level"] == "*" and r["partner"] == "*"]
    spans: dict[tuple[str, str, str], tuple[int, int]] = {}
    for r in top:
        span_key = (r["flow"], r["currency"], r["freq"])
        lo, hi = _ym(int(r["year"]), int(r["first_month"])), _ym(int(r["year"]), int(r["last_month"]))
        old = spans.get(span_key, (lo, hi))
        spans[span_key] = (min(old[0], lo), max(old[1], hi))
    by_reporter: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in top:
        by_reporter[(r["reporter"], r["flow"], r["currency"], r["freq"])].append(r)
    statuses: dict[tuple[str, str, str, str, int], YearStatus] = {}
    for (reporter, flow, currency, freq), rows in by_reporter.items():
        lo, hi = spans[(flow, currency, freq)]
        years = annual_status(rows, lo // 12, hi // 12) if freq == "A" else monthly_status(rows, lo, hi)
        for year, status in years.items():
            statuses[(reporter, flow, currency, freq, year)] = status
    out = []
    seen_top: set[tuple[str, str, str, str, int]] = set()
    for r in sums:
        key = (r["reporter"], r["flow"], r["currency"], r["freq"], int(r["year"]))
        s = statuses[key]
        is_top = r["level"] == "*" and r["partner"] == "*"
        if is_top:
            seen_top.add(key)
        out.append(
            {
                "source_id": source_id,
                **{k: r[k] for k in ("reporter", "partner", "flow", "currency", "level", "freq", "year")},
                "months": int(r["months"]) if r["freq"] == "M" else 12,
                "first_month": s.first_month if is_top else r["first_month"],
                "last_month": s.last_month if is_top else r["last_month"],
                "partners": int(r["partners"]),
                "rows": int(r["rows"]),
                "blank_value": int(r["blank_value"]),
                "blank_kg": int(r["blank_kg"]),
                "status": s.status,
                "reason": s.reason,
            }
        )
    for key, s in statuses.items():  # years the reporter is absent from: no rows to sum
        if key not in seen_top:
            reporter, flow, currency, freq, year = key
            out.append(
                {
                    "source_id": source_id,
                    "reporter": reporter,
                    "partner": "*",
                    "flow": flow,
                    "currency": currency,
                    "level": "*",
                    "freq": freq,
                    "year": year,
                    "months": 0,
                    "first_month": None,
                    "last_month": None,
                    "partners": 0,
                    "rows": 0,
                    "blank_value": 0,
                    "blank_kg": 0,
                    "status": s.status,
                    "reason": s.reason,
                }
            )
    return out


def store(con: duckdb.DuckDBPyConnection, source_id: int) -> int:
    """Compute and keep one trade file's coverage (inside the caller's transaction)."""
    con.execute("DELETE FROM coverage WHERE source_id = ?", [source_id])
    rows = compute(con, source_id)
    if rows:
        insert_rows(con, "coverage", rows)
    return len(rows)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Fill in the coverage of trade files loaded before the coverage table existed."""
    missing = con.execute(
        "SELECT source_id FROM sources WHERE target_table = 'trade_flows'"
        " AND source_id NOT IN (SELECT DISTINCT source_id FROM coverage) ORDER BY source_id"
    ).fetchall()
    for (source_id,) in missing:
        store(con, int(source_id))


def summary(con: duckdb.DuckDBPyConnection, everything: bool = False) -> list[dict[str, Any]]:
    """Per source and reporter (every code and partner): the years, their months and status.
    With ``everything``, the per-level and per-partner rows too."""
    where = "" if everything else "WHERE c.level = '*' AND c.partner = '*'"
    return records(
        con,
        "SELECT c.source_id, s.filename, c.reporter, c.partner, c.flow, c.currency, c.level, c.freq,"
        " c.year, c.months, c.first_month, c.last_month, c.partners, c.rows, c.blank_value, c.blank_kg,"
        " c.status, c.reason"
        f" FROM coverage c JOIN sources s USING (source_id) {where}"
        " ORDER BY c.source_id, c.reporter, c.flow, c.currency, c.level, c.partner, c.year",
    )
