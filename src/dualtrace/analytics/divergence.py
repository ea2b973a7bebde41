"""Divergence: one exporter's flows of a product to two destinations moving apart.

For each pair of destinations (config ``divergence.pairs``, default Russia vs Ukraine), exporter
(each reporter and all reporters together), product and currency, every year after the baseline
year is compared with it:

- growth of each destination (current / baseline) and the divergence ln(growth A) - ln(growth B);
- the level ratio A / B now and in the baseline year.

A finding is either *opposite growth* (A up at least ``min_growth`` while B is down at least as
much, or the reverse: "ceramics +69 % to Russia, -61 % to Ukraine") with |divergence| at least
``min_divergence``, or a *level ratio* of at least ``min_ratio`` that was not there in the
baseline year ("drones to Russia worth 30 times those to Ukraine"). Score: divergence (full at
ln 10), level ratio (full at 100) and size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from dualtrace.analytics import evidence, text
from dualtrace.analytics.config import DivergenceConfig
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.products import edition_expr
from dualtrace.analytics.sql import best_per_series, in_list, lit, weighted_score
from dualtrace.analytics.wide import Wide
from dualtrace.findings import Evidence, Finding

KIND = "divergence"
WEIGHTS = {"divergence": 0.45, "ratio": 0.35, "size": 0.20}
_SCORE_PARTS = {"divergence": "s_divergence", "ratio": "s_ratio", "size": "s_size"}


def _year_selects(ctx: Context, wide: Wide) -> list[str]:
    """Per measure and year after the baseline: both destinations' current and baseline amounts."""
    cfg = ctx.config.divergence
    base = ctx.baseline
    selects = []
    for m in wide.measures:
        floor = lit(cfg.floors.of(m))
        for y in wide.years:
            if y <= base:
                continue
            same = edition_expr(str(y)) == edition_expr(str(base))
            # a product an HS edition change may have moved keeps only its level ratio
            keep_base = f"c_{base}" if same else f"c_{base} AND NOT sens"
            if base in wide.years:
                a_base = f"CASE WHEN {keep_base} THEN COALESCE(a_{wide.col(m, base)}, 0) END"
                b_base = f"CASE WHEN {keep_base} THEN COALESCE(b_{wide.col(m, base)}, 0) END"
            else:
                a_base = b_base = "CAST(NULL AS DOUBLE)"
            selects.append(
                f"SELECT '{m}' AS measure, level, product, reporter, flow, currency, {y} AS year,"
                f" {floor} AS floor, COALESCE(a_{wide.col(m, y)}, 0) AS a_current,"
                f" COALESCE(b_{wide.col(m, y)}, 0) AS b_current,"
                f" {a_base} AS a_base, {b_base} AS b_base"
                f" FROM with_ever WHERE c_{y} AND ever_a_{m} AND ever_b_{m}"
            )
    return selects


def _side_columns(wide: Wide, side: str) -> str:
    """Every (measure, year) column of one destination, prefixed with its side (a_ or b_)."""
    return ", ".join(
        f"{wide.col(m, y)} AS {side}_{wide.col(m, y)}" for m in wide.measures for y in wide.years
    )


def _ever_columns(wide: Wide) -> str:
    """Whether each destination ever had the measure (a destination never covered is unknown)."""

    def ever(side: str, m: str) -> str:
        return " OR ".join(f"COALESCE({side}_{wide.col(m, y)}, 0) > 0" for y in wide.years)

    return ", ".join(f"{ever('a', m)} AS ever_a_{m}, {ever('b', m)} AS ever_b_{m}" for m in wide.measures)


def _tests(cfg: DivergenceConfig) -> str:
    """The two patterns: opposite growth of the two destinations, or a lopsided level ratio."""
    up, down = f"LN(1 + {lit(cfg.min_growth)})", f"LN(1 - {lit(cfg.min_growth)})"
    return f"""a_growth - b_growth AS divergence,
         CASE WHEN a_growth IS NOT NULL AND b_growth IS NOT NULL
               AND ABS(a_growth - b_growth) >= {lit(cfg.min_divergence)}
               AND ((a_growth >= {up} AND b_growth <= {down})
                 OR (b_growth >= {up} AND a_growth <= {down}))
              THEN TRUE ELSE FALSE END AS opposite,
         CASE WHEN ABS(log_ratio) >= LN({lit(cfg.min_ratio)})
               AND (base_log_ratio IS NULL OR ABS(log_ratio - base_log_ratio) >= LN(2))
              THEN TRUE ELSE FALSE END AS lopsided"""


def candidates_sql(ctx: Context, wide: Wide, a: str, b: str, limit: int) -> str:
    """Divergence candidates of one destination pair over the wide yearly table, every measure."""
    cfg = ctx.config.divergence
    selects = _year_selects(ctx, wide)
    if not selects:
        return "SELECT NULL AS measure WHERE FALSE"
    union = "\n  UNION ALL\n  ".join(selects)
    key = "level, product, reporter, flow, currency"
    return f"""WITH to_a AS (
  SELECT {key}, sens, {_side_columns(wide, "a")} FROM {wide.table}
  WHERE partner = {lit(a)} AND flow = 'X' AND level IN {in_list(cfg.levels)}
),
to_b AS (
  SELECT {key}, {_side_columns(wide, "b")} FROM {wide.table}
  WHERE partner = {lit(b)} AND flow = 'X' AND level IN {in_list(cfg.levels)}
),
paired AS (
  -- both destinations must be in this exporter's figures for the product at some point: a
  -- destination a file never covers is unknown, not zero
  SELECT to_a.*, to_b.* EXCLUDE (level, product, reporter, flow, currency), {wide.cov_columns("c")}
  FROM to_a JOIN to_b ON to_b.level = to_a.level AND to_b.product = to_a.product
   AND to_b.reporter = to_a.reporter AND to_b.flow = to_a.flow AND to_b.currency = to_a.currency
  JOIN {wide.cov} c ON c.reporter = to_a.reporter AND c.flow = to_a.flow AND c.currency = to_a.currency
),
with_ever AS (
  SELECT paired.*, {_ever_columns(wide)} FROM paired
),
years AS (
  {union}
),
growth AS (
  SELECT years.*,
         CASE WHEN a_base IS NOT NULL THEN LN((a_current + floor) / (a_base + floor)) END AS a_growth,
         CASE WHEN b_base IS NOT NULL THEN LN((b_current + floor) / (b_base + floor)) END AS b_growth,
         LN((a_current + floor) / (b_current + floor)) AS log_ratio,
         CASE WHEN a_base IS NOT NULL THEN LN((a_base + floor) / (b_base + floor)) END AS base_log_ratio
  FROM years WHERE GREATEST(a_current, b_current) >= 10 * floor
),
tested AS (
  SELECT growth.*, {_tests(cfg)}
  FROM growth
),
kept AS (
  SELECT tested.*,
         LEAST(1.0, COALESCE(ABS(divergence), 0) / LN(10)) AS s_divergence,
         LEAST(1.0, ABS(log_ratio) / LN(100)) AS s_ratio,
         LEAST(1.0, LOG10(GREATEST(a_current, b_current) / floor) / 4) AS s_size
  FROM tested WHERE opposite OR lopsided
),
scored AS (
  SELECT kept.*, {weighted_score(WEIGHTS, _SCORE_PARTS)} AS score
  FROM kept
)
{best_per_series(f"measure, {key}", "level, product, reporter", limit, source="scored", bucket="year")}"""


def run(ctx: Context) -> evidence.Pending:
    cfg = ctx.config.divergence
    wide = ctx.wide()
    rows: list[dict[str, Any]] = []
    for a, b in cfg.pairs:
        for r in ctx.runner.rows(
            f"divergence {a}/{b}",
            candidates_sql(ctx, wide, a, b, ctx.config.max_findings * 20 * len(ctx.measures)),
        ):
            r.update(partner_a=a, partner_b=b)
            rows.append(r)
    chosen = _choose(rows, ctx.config.max_findings)
    keys: dict[str, SeriesKey] = {}
    for fid, c in chosen.items():
        keys[f"{fid}:a"] = SeriesKey(
            c["level"], c["product"], c["reporter"], c["partner_a"], c["flow"], c["currency"]
        )
        keys[f"{fid}:b"] = SeriesKey(
            c["level"], c["product"], c["reporter"], c["partner_b"], c["flow"], c["currency"]
        )
        year = int(c["year"])
        for side in ("a", "b"):
            ctx.evidence.add(
                f"{fid}:{side}",
                keys[f"{fid}:{side}"],
                rows=(date(year, 1, 1), date(year, 12, 1)),
                limit=ctx.config.evidence_rows // 2,
            )
    yearly = _yearly(ctx, wide, keys)

    def finish(got: evidence.Fetched) -> list[Finding]:
        return [
            _finding(
                ctx,
                fid,
                c,
                got.monthly,
                got.refs.get(f"{fid}:a", []) + got.refs.get(f"{fid}:b", []),
                got.totals.get(f"{fid}:a", 0) + got.totals.get(f"{fid}:b", 0),
                yearly,
            )
            for fid, c in chosen.items()
        ]

    return evidence.Pending(finish)


def _choose(rows: list[dict[str, Any]], n: int) -> dict[str, dict[str, Any]]:
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[
            (r["level"], r["product"], r["reporter"], r["currency"], r["partner_a"], r["partner_b"])
        ].append(r)
    leads = []
    for items in grouped.values():
        top = max(r["score"] for r in items)
        # value leads unless another measure scores clearly higher (money is what headlines quote)
        values = [r["score"] for r in items if r["measure"] == "value"]
        lead_measure = (
            "value"
            if values and max(values) >= top * 0.97
            else max(items, key=lambda r: r["score"])["measure"]
        )
        near = [r for r in items if r["measure"] == lead_measure and r["score"] >= top * 0.97]
        lead = dict(min(near, key=lambda r: r["year"]))
        lead["score"] = top
        lead["others"] = [r for r in items if r["measure"] != lead_measure and r["year"] == lead["year"]][:1]
        leads.append(lead)
    leads.sort(
        key=lambda r: (
            -round(r["score"], 2),
            r["reporter"] == "*",
            {"category": 0, "hs4": 1}.get(r["level"], 2),
        )
    )
    chosen: dict[str, dict[str, Any]] = {}
    seen: set[tuple[Any, ...]] = set()
    for lead in leads:
        same = (
            lead["partner_a"],
            lead["partner_b"],
            lead["currency"],
            lead["year"],
            round(float(lead["a_current"]), -1),
            round(float(lead["b_current"]), -1),
        )
        if same in seen:
            continue
        seen.add(same)
        chosen[f"d{len(chosen):04d}"] = lead
        if len(chosen) >= n:
            break
    return chosen


def _yearly(ctx: Context, wide: Wide, keys: dict[str, SeriesKey]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for fid, years in wide.series_rows(ctx.runner, keys).items():
        for r in years:
            if any(r.get(m) is not None for m in wide.measures):
                out[fid][str(r["b"])] = {m: r.get(m) for m in ("value", "net_kg", "qty")}
    return dict(out)


def _who(ctx: Context, c: dict[str, Any], product: str) -> str:
    """'China's exports of X' or 'Exports of X (all 3 reporters in USD)'."""
    if c["reporter"] != "*":
        return f"{text.possessive(text.country(c['reporter']))} exports of {product}"
    return f"Exports of {product} (all {ctx.reporters('X', c['currency'])} reporters in {c['currency']})"


def _pair_terms(c: dict[str, Any]) -> tuple[str, str, float, float, Callable[[float], str]]:
    """The two destinations' names, their current amounts, and how to write an amount."""
    measure, unit = c["measure"], text.unit(c["measure"], c["currency"])

    def amount(x: float) -> str:
        return text.amount(x, measure, unit)

    return (
        text.country(c["partner_a"]),
        text.country(c["partner_b"]),
        float(c["a_current"]),
        float(c["b_current"]),
        amount,
    )


def _opposite_text(c: dict[str, Any], who: str, year: int, base: int) -> str:
    """'... to Russia rose x5 while those to Ukraine fell 80% (2023 vs 2021: ...)'."""
    na, nb, a_current, b_current, amount = _pair_terms(c)

    a_growth, b_growth = math.exp(float(c["a_growth"])), math.exp(float(c["b_growth"]))
    pa = (a_current / float(c["a_base"]) - 1) if c["a_base"] else None
    pb = (b_current / float(c["b_base"]) - 1) if c["b_base"] else None
    headline = (
        f"{who} to {na} {text.change(pa + 1 if pa is not None else a_growth)} while those to {nb} "
        f"{text.change(pb + 1 if pb is not None else b_growth)} "
        f"({year} vs {base}: {amount(float(c['a_base']))} to {amount(a_current)}"
        f" and {amount(float(c['b_base']))} to {amount(b_current)})"
    )
    if b_current and a_current / b_current >= 2:
        headline += f"; {na} now takes {text.times(a_current / b_current).removeprefix('x')} times as much"
    return headline


def _lopsided_text(c: dict[str, Any], who: str, year: int, base: int) -> str:
    """'... to Russia were worth 40.0 times those to Ukraine in 2023 (...), against 2.0 times in 2021'."""
    na, nb, a_current, b_current, amount = _pair_terms(c)

    big, small, nbig, nsmall = (
        (a_current, b_current, na, nb) if a_current >= b_current else (b_current, a_current, nb, na)
    )
    ratio = big / small if small else math.inf
    headline = (
        f"{who} to {nbig} were worth {ratio:,.1f} times those to {nsmall} in {year}"
        f" ({amount(big)} vs {amount(small)})"
        if math.isfinite(ratio)
        else f"{who} went to {nbig} only in {year} ({amount(big)}, none to {nsmall})"
    )
    if c["base_log_ratio"] is not None and c["a_base"] is not None and c["b_base"]:
        r0 = (
            float(c["a_base"]) / float(c["b_base"])
            if a_current >= b_current
            else float(c["b_base"]) / max(float(c["a_base"]), 1e-9)
        )
        headline += f", against {r0:,.1f} times in {base}"
    return headline


def _headline(ctx: Context, c: dict[str, Any], product: str) -> str:
    who = _who(ctx, c, product)
    year, base = int(c["year"]), ctx.baseline
    if c["opposite"]:
        return _opposite_text(c, who, year, base) + "."
    return _lopsided_text(c, who, year, base) + "."


def _by_year(yearly: dict[str, dict[str, Any]], fid: str, measure: str) -> dict[str, Any]:
    """Both sides' yearly figures of one measure."""
    return {
        "a": {y: v.get(measure) for y, v in yearly.get(f"{fid}:a", {}).items()},
        "b": {y: v.get(measure) for y, v in yearly.get(f"{fid}:b", {}).items()},
    }


def _metrics(
    ctx: Context,
    fid: str,
    c: dict[str, Any],
    product: str,
    total_rows: int,
    yearly: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    measure = c["measure"]
    a_current, b_current = float(c["a_current"]), float(c["b_current"])
    metrics = {
        "reporter": c["reporter"],
        "a": c["partner_a"],
        "b": c["partner_b"],
        "flow": c["flow"],
        "currency": c["currency"],
        "level": c["level"],
        "product": c["product"],
        "product_label": product,
        "measure": measure,
        "unit": text.unit(c["measure"], c["currency"]),
        "year": int(c["year"]),
        "base_year": ctx.baseline,
        "a_current": a_current,
        "b_current": b_current,
        "a_base": None if c["a_base"] is None else float(c["a_base"]),
        "b_base": None if c["b_base"] is None else float(c["b_base"]),
        "a_growth_pct": _growth(a_current, c["a_base"]),
        "b_growth_pct": _growth(b_current, c["b_base"]),
        "ratio": a_current / b_current if b_current else None,
        "base_ratio": (float(c["a_base"]) / float(c["b_base"]))
        if c["a_base"] is not None and c["b_base"]
        else None,
        "divergence": None if c["divergence"] is None else float(c["divergence"]),
        "opposite_growth": bool(c["opposite"]),
        "lopsided": bool(c["lopsided"]),
        "by_year": _by_year(yearly, fid, measure),
        "by_year_all_measures": {m: _by_year(yearly, fid, m) for m in ("value", "net_kg", "qty")},
        "score_parts": {
            "divergence": float(c["s_divergence"]),
            "ratio": float(c["s_ratio"]),
            "size": max(0.0, float(c["s_size"])),
            "weights": WEIGHTS,
        },
        "rows": total_rows,
    }
    for o in c.get("others", []):
        metrics["other_measure"] = {
            "measure": o["measure"],
            "a_current": float(o["a_current"]),
            "b_current": float(o["b_current"]),
        }
    return metrics


def _query(ctx: Context, c: dict[str, Any]) -> str:
    """Both destinations' monthly figures, as anyone can rerun them."""
    measure = c["measure"]
    key_a = SeriesKey(c["level"], c["product"], c["reporter"], c["partner_a"], c["flow"], c["currency"])
    key_b = SeriesKey(c["level"], c["product"], c["reporter"], c["partner_b"], c["flow"], c["currency"])
    return (
        f"{ctx.prepared.portable()}\n"
        f"SELECT period, partner, SUM({measure}) AS {measure}, COUNT(*) AS rows FROM flows\n"
        f"WHERE freq = 'M' AND (({evidence.where(ctx.prepared, ctx.products, key_a)})\n"
        f"   OR ({evidence.where(ctx.prepared, ctx.products, key_b)}))\n"
        "GROUP BY period, partner ORDER BY period, partner"
    )


def _notes(ctx: Context, c: dict[str, Any]) -> list[str]:
    measure, unit = c["measure"], text.unit(c["measure"], c["currency"])
    return [
        f"{int(c['year'])} against {ctx.baseline} (full years), {unit}; floor "
        f"{text.amount(ctx.config.divergence.floors.of(measure), measure, unit)} in growth rates",
        "opposite growth"
        if c["opposite"]
        else f"level ratio of at least {ctx.config.divergence.min_ratio:g}",
        *ctx.prepared.notes,
    ]


def _chart(ctx: Context, c: dict[str, Any], product: str) -> dict[str, Any]:
    measure, unit = c["measure"], text.unit(c["measure"], c["currency"])
    return {
        "mark": "line",
        "x": "period",
        "x_type": "temporal",
        "y": measure,
        "color": "partner",
        "y_title": f"{measure} ({unit})",
        "title": (
            f"{c['reporter']}: {product} to {text.country(c['partner_a'])} and {text.country(c['partner_b'])}"
        ),
        "rule": ctx.policy.isoformat(),
    }


def _finding(
    ctx: Context,
    fid: str,
    c: dict[str, Any],
    monthly: dict[str, list[dict[str, Any]]],
    refs: list[Any],
    total_rows: int,
    yearly: dict[str, dict[str, Any]],
) -> Finding:
    a, b = c["partner_a"], c["partner_b"]
    product = ctx.products.label(c["level"], c["product"])
    year = int(c["year"])
    table = _table(monthly.get(f"{fid}:a", []), monthly.get(f"{fid}:b", []), a, b, c["measure"])
    return Finding(
        kind=KIND,
        subject_type="pair",
        subject=f"{c['reporter']}->{a}/{b} {c['level']} {c['product']} [{c['currency']}]",
        headline=_headline(ctx, c, product),
        score=min(1.0, max(0.0, float(c["score"]))),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 1),
        metrics=_metrics(ctx, fid, c, product, total_rows, yearly),
        evidence=Evidence(
            query=_query(ctx, c),
            rows=refs,
            table=table,
            notes=_notes(ctx, c),
            chart=_chart(ctx, c, product),
        ),
    )


def _growth(now: float, then: Any) -> float | None:
    return (now / float(then) - 1) * 100 if then else None


def _table(
    ma: list[dict[str, Any]], mb: list[dict[str, Any]], a: str, b: str, measure: str
) -> list[dict[str, Any]]:
    out = []
    for partner, rows in ((a, ma), (b, mb)):
        for r in evidence.dense(rows):
            out.append({"period": r["period"], "partner": partner, measure: r.get(measure)})
    return sorted(out, key=lambda r: (r["period"], r["partner"]))
