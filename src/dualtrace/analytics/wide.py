"""Yearly sums as one row per series with one column per year: the table the yearly analytics
(surge, share, divergence, mirror gaps) compare years in.

Why wide: a comparison of 2023 with 2021 is then arithmetic between two columns of one row,
with no sort and no window over millions of rows; the history of a series (for z-scores) is a
sum over its earlier columns. Years are few (the data's span), so the SQL that names them is
generated. Columns, for each measure m present and each year y of the data:

    m_y       the year's sum ("value_2023"); NULL when the series has no row that year
    m_ytd_y   the months up to the cutoff of the latest partial year ("value_ytd_2021")

and per key: level, product, reporter, partner ('*' = every partner, statistical areas aside),
flow, currency, parties (how many partners/reporters a '*' row adds up), qty_unit, sens (the
product may be moved by an HS edition change).

``_an_wcov`` holds, per (reporter, flow, currency) and for '*' per (flow, currency): c_y (year
fully covered), a_y (some months covered), sig_y (which reporters a '*' sum holds) and cutoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dualtrace.analytics.flows import Prepared
from dualtrace.analytics.products import PRODUCTS, SENSITIVE
from dualtrace.analytics.series import buckets as build_buckets
from dualtrace.analytics.series import coverage_rows
from dualtrace.analytics.sql import Runner, in_list

WIDE = "_an_wide"
WIDE_PARTNERS = "_an_wide_p"
WCOV = "_an_wcov"


@dataclass
class Wide:
    table: str
    cov: str
    years: list[int]
    measures: list[str]
    ytd: bool  # some group's latest year is partial: the same-months columns exist

    @staticmethod
    def col(measure: str, year: int, ytd: bool = False) -> str:
        return f"{measure}_ytd_{year}" if ytd else f"{measure}_{year}"

    def any_of(self, measure: str, alias: str = "") -> str:
        """SQL: the series has this measure in some year."""
        p = f"{alias}." if alias else ""
        return "(" + " OR ".join(f"{p}{self.col(measure, y)} IS NOT NULL" for y in self.years) + ")"

    def cov_columns(self, alias: str, prefix: str = "") -> str:
        cols = [
            f"{alias}.c_{y} AS {prefix}c_{y}, {alias}.a_{y} AS {prefix}a_{y}, {alias}.sig_{y} AS "
            f"{prefix}sig_{y}"
            for y in self.years
        ]
        return ", ".join(cols) + f", {alias}.cutoff AS {prefix}cutoff"

    def series_rows(self, runner: Runner, keys: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """fid -> [{b, value, net_kg, qty, value_ytd...}] for series keys (SeriesKey): each wide
        row turned back into one row per year."""
        if not keys:
            return {}
        runner.register(
            "_an_wkeys",
            ["fid", "level", "product", "reporter", "partner", "flow", "currency"],
            [(fid, k.level, k.product, k.reporter, k.partner, k.flow, k.currency) for fid, k in keys.items()],
        )
        rows = runner.rows(
            "wide rows",
            f"SELECT k.fid, w.* FROM {self.table} w JOIN _an_wkeys k ON k.level = w.level"
            " AND k.product = w.product AND k.reporter = w.reporter AND k.partner = w.partner"
            " AND k.flow = w.flow AND k.currency = w.currency",
        )
        out: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            per_year = []
            for y in self.years:
                item: dict[str, Any] = {"b": y}
                for m in self.measures:
                    item[m] = r.get(self.col(m, y))
                    item[f"{m}_ytd"] = r.get(self.col(m, y, ytd=True)) if self.ytd else None
                per_year.append(item)
            out[str(r["fid"])] = per_year
        return out


def build(runner: Runner, prepared: Prepared, levels: list[str], measures: list[str]) -> Wide:
    years = sorted(
        {y for months in prepared.coverage.months.values() for y, _ in months}
        | {y for ys in prepared.coverage.annual.values() for y in ys}
    )
    cutoffs = [r.cutoff for r in coverage_rows(prepared.coverage, "year", set(prepared.areas)) if r.cutoff]
    wide = Wide(WIDE, WCOV, years, measures, bool(cutoffs))
    if WIDE in runner.built:
        return wide
    buckets, _use, _cov = build_buckets(runner, prepared, "year")
    _coverage_table(runner, prepared, years)
    sums, star = [], []
    for m in measures:
        for y in years:
            for ytd in (False, True) if wide.ytd else (False,):
                source, column = f"{m}_ytd" if ytd else m, wide.col(m, y, ytd)
                sums.append(f"SUM(CASE WHEN x.b = {y} THEN x.{source} END) AS {column}")
                star.append(f"SUM({column}) AS {column}")
    select_sums = ",\n       ".join(sums)
    # "every partner" and "every reporter" add up the per-partner table, a sixth of the rows
    star_sums = ",\n       ".join(star)
    areas = in_list(prepared.areas)
    runner.table(
        WIDE_PARTNERS,
        f"""SELECT p.level, p.product, x.reporter, x.partner, x.flow, x.currency, 1 AS parties,
       MIN(x.unit_min) AS unit_min, MAX(x.unit_max) AS unit_max,
       {select_sums}
FROM {buckets} x
JOIN {PRODUCTS} p ON p.hs_code = x.hs_code AND p.hs_version = x.hs_version
WHERE p.level IN {in_list(levels)}
GROUP BY p.level, p.product, x.reporter, x.partner, x.flow, x.currency""",
        "wide years per partner",
    )
    runner.table(
        WIDE,
        f"""WITH agg AS (
  SELECT * FROM {WIDE_PARTNERS}
  UNION ALL
  SELECT level, product, reporter, '*' AS partner, flow, currency, COUNT(*) AS parties,
         MIN(unit_min), MAX(unit_max),
         {star_sums}
  FROM {WIDE_PARTNERS} WHERE partner NOT IN {areas} GROUP BY level, product, reporter, flow, currency
  UNION ALL
  SELECT level, product, '*' AS reporter, partner, flow, currency, COUNT(*) AS parties,
         MIN(unit_min), MAX(unit_max),
         {star_sums}
  FROM {WIDE_PARTNERS} WHERE reporter NOT IN {areas} GROUP BY level, product, partner, flow, currency
)
SELECT agg.*, CASE WHEN agg.unit_min = agg.unit_max THEN agg.unit_min END AS qty_unit,
       e.level IS NOT NULL AS sens
FROM agg LEFT JOIN {SENSITIVE} e ON e.level = agg.level AND e.product = agg.product""",
        "wide years",
    )
    runner.drop(WIDE_PARTNERS)
    runner.built.add(WIDE)
    return wide


def _coverage_table(runner: Runner, prepared: Prepared, years: list[int]) -> None:
    rows = coverage_rows(prepared.coverage, "year", set(prepared.areas))
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault((r.reporter, r.flow, r.currency), {"cutoff": None})
        g[f"c_{r.b}"] = r.complete
        g[f"a_{r.b}"] = True
        g[f"sig_{r.b}"] = r.sig
        if r.cutoff is not None:
            g["cutoff"] = r.cutoff
    columns = ["reporter", "flow", "currency", "cutoff"]
    types = ["str", "str", "str", "int"]
    for y in years:
        columns += [f"c_{y}", f"a_{y}", f"sig_{y}"]
        types += ["bool", "bool", "int"]
    records = []
    for (reporter, flow, currency), g in sorted(groups.items()):
        record: list[Any] = [reporter, flow, currency, g["cutoff"]]
        for y in years:
            record += [bool(g.get(f"c_{y}", False)), bool(g.get(f"a_{y}", False)), int(g.get(f"sig_{y}", -1))]
        records.append(record)
    runner.register(WCOV, columns, records or [["", "", "", None] + [False, False, -1] * len(years)], types)
