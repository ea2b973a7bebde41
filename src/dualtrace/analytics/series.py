"""Series: sums per product, reporter, partner, flow and currency, in year, quarter or month buckets.

Built once per run and shared by the surge, share and divergence analytics:

- ``_an_cov_<period>`` says, per (reporter, flow, currency) and bucket, whether the bucket is fully
  covered, the month the latest partial year stops at (``cutoff``, for same-months-last-year
  comparisons) and ``sig``, which reporters a "every reporter" sum ('*') holds in that bucket;
- ``_an_series_<period>`` holds the sums per product level, with '*' rows for "every partner"
  and "every reporter" (statistical areas left out of those sums).

Bucket numbers: a year is 2023, a quarter is year * 4 + quarter - 1, a month year * 12 + month - 1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dualtrace.analytics.flows import FLOWS, Coverage, Prepared
from dualtrace.analytics.products import PRODUCTS
from dualtrace.analytics.sql import Runner, in_list

SIZES = {"year": 12, "quarter": 3, "month": 1}


def bucket_expr(period: str, column: str = "period") -> str:
    year = f"EXTRACT(YEAR FROM {column})"
    if period == "year":
        return year
    if period == "quarter":
        return f"({year} * 4 + EXTRACT(QUARTER FROM {column}) - 1)"
    return f"({year} * 12 + EXTRACT(MONTH FROM {column}) - 1)"


def bucket_of(period: str, year: int, month: int) -> int:
    if period == "year":
        return year
    if period == "quarter":
        return year * 4 + (month - 1) // 3
    return year * 12 + month - 1


def bucket_months(period: str, bucket: int) -> list[tuple[int, int]]:
    if period == "year":
        return [(bucket, m) for m in range(1, 13)]
    if period == "quarter":
        year, q = divmod(bucket, 4)
        return [(year, 3 * q + i) for i in range(1, 4)]
    year, m0 = divmod(bucket, 12)
    return [(year, m0 + 1)]


@dataclass
class CoverageRow:
    reporter: str
    flow: str
    currency: str
    freq: str
    b: int
    complete: bool
    cutoff: int | None
    sig: int


def coverage_rows(coverage: Coverage, period: str, areas: set[str]) -> list[CoverageRow]:
    """Per group and bucket: use which frequency, complete or not, the partial year's cutoff."""
    out: list[CoverageRow] = []
    size = SIZES[period]
    for group in sorted(coverage.groups()):
        reporter, flow, currency = group
        months = coverage.months.get(group, set())
        by_bucket: dict[int, int] = defaultdict(int)
        for y, m in months:
            by_bucket[bucket_of(period, y, m)] += 1
        cutoff = None
        if period == "year" and months:
            last_year = max(y for y, _ in months)
            if by_bucket[last_year] < 12:
                cutoff = max(m for y, m in months if y == last_year)
        for b, n in sorted(by_bucket.items()):
            out.append(CoverageRow(reporter, flow, currency, "M", b, n == size, cutoff, 0))
        if period == "year":
            for y in sorted(coverage.annual.get(group, set()) - set(by_bucket)):
                out.append(CoverageRow(reporter, flow, currency, "A", y, True, None, 0))
    # "Every reporter" ('*'): complete when each reporter in it is; comparable when the same
    # reporters are in both buckets (sig names the set).
    members: dict[tuple[str, str, int], list[CoverageRow]] = defaultdict(list)
    for row in out:
        if row.reporter not in areas:
            members[(row.flow, row.currency, row.b)].append(row)
    signatures: dict[frozenset[str], int] = {}
    star = []
    for (flow, currency, b), rows in sorted(members.items()):
        names = frozenset(r.reporter for r in rows)
        sig = signatures.setdefault(names, len(signatures) + 1)
        cutoffs = {r.cutoff for r in rows}
        complete = all(r.complete for r in rows)
        cutoff = next(iter(cutoffs)) if len(cutoffs) == 1 else None
        star.append(CoverageRow("*", flow, currency, "*", b, complete, cutoff, sig))
    return out + star


@dataclass
class SeriesTables:
    period: str
    series: str  # table name
    cov: str  # table name
    levels: list[str]


def buckets(runner: Runner, prepared: Prepared, period: str) -> tuple[str, str, str]:
    """The bucket sums per reported code (one scan of the flows), and the coverage tables:
    (buckets, use, cov) table names. Built once per bucket size."""
    cov_rows = coverage_rows(prepared.coverage, period, set(prepared.areas))
    use, cov = f"_an_use_{period}", f"_an_cov_{period}"
    buckets = f"_an_b_{period}"
    if buckets in runner.built:
        return buckets, use, cov
    columns = ["reporter", "flow", "currency", "freq", "b", "complete", "cutoff", "sig"]
    records = [
        (r.reporter, r.flow, r.currency, r.freq, r.b, r.complete, r.cutoff, r.sig)
        for r in cov_rows
        if r.reporter != "*"
    ]
    runner.register(
        use,
        columns,
        records or [("", "", "", "", 0, False, None, 0)],
        ["str", "str", "str", "str", "int", "bool", "int", "int"],
    )
    star = [
        (r.reporter, r.flow, r.currency, r.b, r.complete, r.cutoff, r.sig)
        for r in cov_rows
        if r.reporter == "*"
    ]
    runner.register(
        cov,
        ["reporter", "flow", "currency", "b", "complete", "cutoff", "sig"],
        [(r[0], r[1], r[2], r[4], r[5], r[6], r[7]) for r in records] + star
        or [("", "", "", 0, False, None, 0)],
        ["str", "str", "str", "int", "bool", "int", "int"],
    )
    b = bucket_expr(period, "f.period")
    month = "EXTRACT(MONTH FROM f.period)"
    # The join that picks monthly over annual rows, and the same-months-last-year sums, cost a
    # third of this scan: leave them out when no group needs them (no overlap, no partial year).
    overlap = any(
        {y for y, _ in prepared.coverage.months.get(g, set())} & prepared.coverage.annual.get(g, set())
        for g in prepared.coverage.groups()
    )
    partial = any(r.cutoff is not None for r in cov_rows)
    ytd = ",\n       ".join(
        f"SUM(CASE WHEN f.freq = 'M' AND {month} <= u.cutoff THEN f.{m} END) AS {m}_ytd"
        if partial and (m == "value" or m in prepared.coverage.measures)
        else f"CAST(NULL AS DOUBLE) AS {m}_ytd"
        for m in ("value", "net_kg", "qty")
    )
    # the code decides hs6 (ANY_VALUE is enough); files without quantities skip their sums
    quantities = ",\n       ".join(
        [
            f"SUM(f.{m}) AS {m}" if m in prepared.coverage.measures else f"CAST(NULL AS DOUBLE) AS {m}"
            for m in ("net_kg", "qty")
        ]
        + (
            ["MIN(f.qty_unit) AS unit_min", "MAX(f.qty_unit) AS unit_max"]
            if "qty" in prepared.coverage.measures
            else ["CAST(NULL AS VARCHAR) AS unit_min", "CAST(NULL AS VARCHAR) AS unit_max"]
        )
    )
    join = (
        f"\nJOIN {use} u ON u.reporter = f.reporter AND u.flow = f.flow AND u.currency = f.currency"
        f"\n AND u.freq = f.freq AND u.b = {b}"
        if overlap or partial
        else ""
    )
    runner.table(
        buckets,
        f"""SELECT f.reporter, f.partner, f.flow, f.currency, f.hs_code, f.hs_version, {b} AS b,
       ANY_VALUE(f.hs6) AS hs6, SUM(f.value) AS value, {quantities},
       {ytd},
       COUNT(*) AS n
FROM {FLOWS} f{join}
GROUP BY f.reporter, f.partner, f.flow, f.currency, f.hs_code, f.hs_version, {b}""",
        f"buckets by {period}",
    )
    runner.built.add(buckets)
    return buckets, use, cov


def build(runner: Runner, prepared: Prepared, period: str, levels: list[str]) -> SeriesTables:
    """Materialise the bucket sums per product level, in long form (quarters and months)."""
    buckets_table, _use, cov = buckets(runner, prepared, period)
    sums = """SUM(value) AS value, SUM(net_kg) AS net_kg,
       CASE WHEN MIN(unit_min) = MAX(unit_max) THEN SUM(qty) END AS qty, MIN(unit_min) AS qty_unit,
       SUM(value_ytd) AS value_ytd, SUM(net_kg_ytd) AS net_kg_ytd,
       CASE WHEN MIN(unit_min) = MAX(unit_max) THEN SUM(qty_ytd) END AS qty_ytd, SUM(n) AS n"""
    areas = in_list(prepared.areas)
    series = f"_an_series_{period}"
    runner.table(
        series,
        f"""WITH bp AS (
  SELECT p.level, p.product, x.* FROM {buckets_table} x
  JOIN {PRODUCTS} p ON p.hs_code = x.hs_code AND p.hs_version = x.hs_version
  WHERE p.level IN {in_list(levels)}
)
SELECT level, product, reporter, partner, flow, currency, b, {sums}, 1 AS parties
FROM bp GROUP BY level, product, reporter, partner, flow, currency, b
UNION ALL
SELECT level, product, reporter, '*' AS partner, flow, currency, b, {sums},
       COUNT(DISTINCT partner) AS parties
FROM bp WHERE partner NOT IN {areas} GROUP BY level, product, reporter, flow, currency, b
UNION ALL
SELECT level, product, '*' AS reporter, partner, flow, currency, b, {sums},
       COUNT(DISTINCT reporter) AS parties
FROM bp WHERE reporter NOT IN {areas} GROUP BY level, product, partner, flow, currency, b""",
        f"series by {period}",
    )
    return SeriesTables(period, series, cov, levels)
