"""Unit values: the price per kg of each declared flow against the usual price of its product.

The norm of a product (a reported code, or its HS6 with ``unit_value.level: hs6``) in a
currency is the median of ln(value / net_kg) over the yearly sums of every series (reporter,
partner, flow) that has both, read from a histogram in 5 % steps; its spread is the
interquartile range / 1.349 (a robust standard deviation). A row is an outlier when its price
per kg is at least ``min_ratio`` times the norm (or at most 1 / min_ratio), at least ``min_z``
robust deviations away, at least half as far (log scale) from the same reporter-partner series'
other months, and its value at least ``min_value``: an under- or over-declared weight,
a mis-declared product, or goods priced for something else. The partner's own usual price for
the product is quoted next to the norm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.context import Context
from dualtrace.analytics.flows import DIGITS, FLOWS
from dualtrace.analytics.series import buckets as series_buckets
from dualtrace.analytics.sql import lit
from dualtrace.findings import Evidence, Finding, RowRef

KIND = "unit_value"
WEIGHTS = {"ratio": 0.6, "z": 0.2, "size": 0.2}
OUTLIERS = "_an_uv"
NORMS = "_an_uv_norms"
ARROWS = {"X": "→", "M": "←"}


BINS = 20  # norms from a histogram of ln(price per kg) in steps of 1/20 (prices within 2.5 %)


def norms_sql(ctx: Context, buckets: str) -> str:
    """Per code and currency: how many series-years, and the quartiles of their ln(price per kg),
    from the yearly sums of every series (a few rows per series, not every monthly row) and a
    histogram (one grouping pass instead of a sort or a sketch per code: cheap at any size)."""
    cfg = ctx.config.unit_value
    code = "hs_code" if cfg.level == "code" else "hs6"
    return f"""WITH h AS (
  SELECT {code} AS code, currency, ROUND(LN(value / net_kg) * {BINS}) AS bin, COUNT(*) AS n
  FROM {buckets}
  WHERE net_kg > 0 AND value > 0 AND regexp_matches(hs_code, {DIGITS}) AND {code} IS NOT NULL
  GROUP BY {code}, currency, ROUND(LN(value / net_kg) * {BINS})
),
c AS (
  SELECT h.*, SUM(n) OVER (PARTITION BY code, currency ORDER BY bin ROWS UNBOUNDED PRECEDING) AS upto,
         SUM(n) OVER (PARTITION BY code, currency) AS total
  FROM h
)
SELECT code, currency, MAX(total) AS n,
       MIN(CASE WHEN upto >= 0.25 * total THEN bin END) / {BINS}.0 AS q1,
       MIN(CASE WHEN upto >= 0.5 * total THEN bin END) / {BINS}.0 AS med,
       MIN(CASE WHEN upto >= 0.75 * total THEN bin END) / {BINS}.0 AS q3
FROM c GROUP BY code, currency HAVING MAX(total) >= {int(cfg.min_rows)}"""


def outliers_sql(ctx: Context) -> str:
    cfg = ctx.config.unit_value
    code = "hs_code" if cfg.level == "code" else "hs6"
    return f"""WITH o AS (
  SELECT f.reporter, f.partner, f.flow, f.currency, f.{code} AS code, f.period, f.value, f.net_kg,
         f.source_id, f.source_line, LN(f.value / f.net_kg) AS luv, n.n, n.med, n.q1, n.q3
  FROM {FLOWS} f JOIN {NORMS} n ON n.code = f.{code} AND n.currency = f.currency
  WHERE f.net_kg > 0 AND f.value >= {lit(cfg.min_value)}
    AND ABS(LN(f.value / f.net_kg) - n.med) >= LN({lit(cfg.min_ratio)})
)
SELECT o.*, (luv - med) / GREATEST((q3 - q1) / 1.349, 0.05) AS z,
       LEAST(1.0, ABS(luv - med) / LN(50)) AS s_ratio,
       LEAST(1.0, ABS((luv - med) / GREATEST((q3 - q1) / 1.349, 0.05)) / 10) AS s_z,
       LEAST(1.0, LOG10(value / {lit(cfg.min_value)}) / 3) AS s_size
FROM o WHERE ABS((luv - med) / GREATEST((q3 - q1) / 1.349, 0.05)) >= {lit(cfg.min_z)}"""


def run(ctx: Context) -> list[Finding]:
    cfg = ctx.config.unit_value
    year_buckets, _use, _cov = series_buckets(ctx.runner, ctx.prepared, "year")
    ctx.runner.table(NORMS, norms_sql(ctx, year_buckets), "unit value norms")
    ctx.runner.table(OUTLIERS, outliers_sql(ctx), "unit value outliers")
    code = "hs_code" if cfg.level == "code" else "hs6"
    # Each candidate series' prices month by month: its own usual price, and the chart.
    history = ctx.runner.rows(
        "unit value history",
        f"""SELECT f.reporter, f.partner, f.flow, f.currency, f.{code} AS code, f.period,
       SUM(f.value) AS value, SUM(f.net_kg) AS net_kg
FROM {FLOWS} f JOIN (SELECT DISTINCT reporter, partner, flow, currency, code FROM {OUTLIERS}) o
  ON o.reporter = f.reporter AND o.partner = f.partner AND o.flow = f.flow AND o.currency = f.currency
 AND o.code = f.{code}
WHERE f.net_kg > 0 AND f.value > 0
GROUP BY f.reporter, f.partner, f.flow, f.currency, f.{code}, f.period
ORDER BY f.period""",
    )
    by_series: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for h in history:
        by_series.setdefault((h["reporter"], h["partner"], h["flow"], h["currency"], h["code"]), []).append(h)
    candidates = ctx.runner.rows("unit value candidates", f"SELECT * FROM {OUTLIERS}")
    kept = []
    for r in candidates:
        series = by_series.get((r["reporter"], r["partner"], r["flow"], r["currency"], r["code"]), [])
        # the same reporter, partner, flow and code in its other months: a price that is this
        # series' usual price is a different market, not an outlier
        others = [
            math.log(float(h["value"]) / float(h["net_kg"])) for h in series if h["period"] != r["period"]
        ]
        if len(others) >= 2:
            own = sum(others) / len(others)
            if abs(float(r["luv"]) - own) < math.log(cfg.min_ratio) / 2:
                continue
        r["score"] = (
            WEIGHTS["ratio"] * float(r["s_ratio"])
            + WEIGHTS["z"] * float(r["s_z"])
            + WEIGHTS["size"] * max(0.0, float(r["s_size"]))
        )
        kept.append(r)
    kept.sort(key=lambda r: (-r["score"], r["source_id"], r["source_line"]))
    return [
        _finding(
            ctx, r, by_series.get((r["reporter"], r["partner"], r["flow"], r["currency"], r["code"]), [])
        )
        for r in kept[: ctx.config.max_findings]
    ]


def _label(ctx: Context, code: str) -> str:
    level = "code" if len(code) != 6 else "hs6"
    return (
        ctx.products.label(level, code)
        if (level, code) in ctx.products.labels
        else ctx.products.label("code", code)
    )


@dataclass
class _Price:
    """The flagged row's price per kg against the code's norm and the partner's usual price."""

    unit_value: float
    norm: float
    ratio: float
    own: float | None  # the partner's median price of the code (months of the series)
    months: int


def _price(r: dict[str, Any], series: list[dict[str, Any]]) -> _Price:
    unit_value = float(r["value"]) / float(r["net_kg"])
    norm = math.exp(float(r["med"]))
    prices = [float(h["value"]) / float(h["net_kg"]) for h in series]
    own = sorted(prices)[len(prices) // 2] if prices else None
    return _Price(unit_value, norm, unit_value / norm, own, len(prices))


def _headline(r: dict[str, Any], product: str, price: _Price) -> str:
    cur = r["currency"]
    period: date = r["period"]
    verb = "exports" if r["flow"] == "X" else "imports"
    prep = "to" if r["flow"] == "X" else "from"
    against = (
        f"{price.ratio:.1f} times the usual" if price.ratio >= 1 else f"1/{1 / price.ratio:.1f} of the usual"
    )
    return (
        f"{text.possessive(text.country(r['reporter']))} {verb} of {product} {prep} "
        f"{text.country(r['partner'])} in "
        f"{text.month_name(period.month)} {period.year} were declared at {text.money(price.unit_value, cur)}"
        f" per kg ({text.money(float(r['value']), cur)} for {float(r['net_kg']):,.0f} kg), "
        f"{against} {text.money(price.norm, cur)} per kg of this code"
        f" (median of {int(r['n']):,} yearly series)."
    )


def _table(series: list[dict[str, Any]], period: date) -> list[dict[str, Any]]:
    return [
        {
            "period": h["period"].strftime("%Y-%m"),
            "value": float(h["value"]),
            "net_kg": float(h["net_kg"]),
            "unit_value": float(h["value"]) / float(h["net_kg"]),
            "flagged": h["period"] == period,
        }
        for h in series
    ]


def _query(ctx: Context, r: dict[str, Any]) -> str:
    """The series' rows with their price per kg, as anyone can rerun them."""
    pred = "hs_code" if ctx.config.unit_value.level == "code" else "hs6"
    return (
        f"{ctx.prepared.portable()}\n"
        "SELECT period, source_id, source_line, value, net_kg, value / net_kg AS unit_value FROM flows\n"
        f"WHERE reporter = {lit(r['reporter'])} AND partner = {lit(r['partner'])} AND flow = {lit(r['flow'])}"
        f" AND currency = {lit(r['currency'])} AND {pred} = {lit(r['code'])} AND net_kg > 0\n"
        "ORDER BY period"
    )


def _metrics(r: dict[str, Any], product: str, price: _Price) -> dict[str, Any]:
    return {
        "reporter": r["reporter"],
        "partner": r["partner"],
        "flow": r["flow"],
        "currency": r["currency"],
        "code": r["code"],
        "product_label": product,
        "period": r["period"].isoformat()[:7],
        "value": float(r["value"]),
        "net_kg": float(r["net_kg"]),
        "unit_value": price.unit_value,
        "norm_unit_value": price.norm,
        "ratio_to_norm": price.ratio,
        "robust_z": float(r["z"]),
        "norm_rows": int(r["n"]),
        "norm_iqr_log": float(r["q3"]) - float(r["q1"]),
        "partner_median_unit_value": price.own,
        "score_parts": {
            "ratio": float(r["s_ratio"]),
            "z": float(r["s_z"]),
            "size": max(0.0, float(r["s_size"])),
            "weights": WEIGHTS,
        },
        "source_id": int(r["source_id"]),
        "source_line": int(r["source_line"]),
    }


def _notes(ctx: Context, r: dict[str, Any], price: _Price) -> list[str]:
    cfg = ctx.config.unit_value
    cur = r["currency"]
    notes = [
        f"norm: median price per kg of {int(r['n']):,} yearly series sums of code {r['code']} in {cur}"
        " (quartiles from a histogram in 5 % steps), spread: interquartile range / 1.349 on the log scale",
        f"robust z = {float(r['z']):+.1f}; flagged at >= {cfg.min_ratio:g}x or <= 1/{cfg.min_ratio:g}x"
        f" the norm and |z| >= {cfg.min_z:g}",
    ]
    if price.own is not None:
        notes.append(
            f"this partner's usual price for the code: {text.money(price.own, cur)} per kg"
            f" ({price.months} months)"
        )
    return notes


def _chart(r: dict[str, Any], price: _Price) -> dict[str, Any]:
    return {
        "mark": "point",
        "x": "period",
        "x_type": "temporal",
        "y": "unit_value",
        "y_scale": "log",
        "color": "flagged",
        "y_title": f"{r['currency']} per kg",
        "title": f"{r['reporter']} {ARROWS[r['flow']]} {r['partner']}: {r['code']} price per kg",
        "rule_y": price.norm,
    }


def _finding(ctx: Context, r: dict[str, Any], series: list[dict[str, Any]]) -> Finding:
    price = _price(r, series)
    period: date = r["period"]
    product = _label(ctx, r["code"])
    score = (
        WEIGHTS["ratio"] * float(r["s_ratio"])
        + WEIGHTS["z"] * float(r["s_z"])
        + WEIGHTS["size"] * max(0.0, float(r["s_size"]))
    )
    return Finding(
        kind=KIND,
        subject_type="row",
        subject=f"trade_flows {r['source_id']}:{r['source_line']} ({r['reporter']}->{r['partner']} "
        f"{r['code']})",
        headline=_headline(r, product, price),
        score=min(1.0, max(0.0, score)),
        period_start=period,
        period_end=period,
        metrics=_metrics(r, product, price),
        evidence=Evidence(
            query=_query(ctx, r),
            rows=[RowRef("trade_flows", int(r["source_id"]), int(r["source_line"]))],
            table=_table(series, period),
            notes=_notes(ctx, r, price),
            chart=_chart(r, price),
        ),
    )
