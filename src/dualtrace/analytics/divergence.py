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
from datetime import date
from typing import Any

from dualtrace.analytics import evidence, text
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.products import SENSITIVE, edition_expr
from dualtrace.analytics.series import SeriesTables
from dualtrace.analytics.sql import in_list, lit
from dualtrace.findings import Evidence, Finding

KIND = "divergence"
WEIGHTS = {"divergence": 0.45, "ratio": 0.35, "size": 0.20}


def candidates_sql(ctx: Context, t: SeriesTables, measure: str, a: str, b: str, limit: int) -> str:
    cfg = ctx.config.divergence
    f = lit(cfg.floors.of(measure))
    base = ctx.baseline
    key = "level, product, reporter, flow, currency"
    return f"""WITH s AS (
  SELECT {key}, partner, b, {measure} AS x
  FROM {t.series}
  WHERE level IN {in_list(cfg.levels)} AND flow = 'X' AND partner IN ({lit(a)}, {lit(b)})
    AND {measure} IS NOT NULL
),
c AS (
  SELECT {key}, b,
         SUM(CASE WHEN partner = {lit(a)} THEN x ELSE 0 END) AS xa,
         SUM(CASE WHEN partner = {lit(b)} THEN x ELSE 0 END) AS xb
  FROM s GROUP BY {key}, b
),
cc AS (
  SELECT c.*, v.complete FROM c JOIN {t.cov} v ON v.reporter = c.reporter AND v.flow = c.flow
   AND v.currency = c.currency AND v.b = c.b
),
p AS (
  SELECT n.level, n.product, n.reporter, n.flow, n.currency, n.b, n.xa, n.xb, o.xa AS xa0, o.xb AS xb0
  FROM cc n LEFT JOIN cc o ON o.level = n.level AND o.product = n.product AND o.reporter = n.reporter
   AND o.flow = n.flow AND o.currency = n.currency AND o.b = {base} AND o.complete
  LEFT JOIN {SENSITIVE} e ON e.level = n.level AND e.product = n.product
  WHERE n.complete AND n.b > {base}
    AND (e.level IS NULL OR {edition_expr("n.b")} = {edition_expr(str(base))} OR o.b IS NULL)
),
q AS (
  -- both destinations must be in this exporter's figures for the product at some point: a
  -- destination a file never covers is unknown, not zero
  SELECT p.*, MAX(xa) OVER (PARTITION BY level, product, reporter, flow, currency) AS ever_a,
         MAX(xb) OVER (PARTITION BY level, product, reporter, flow, currency) AS ever_b
  FROM p
),
m AS (
  SELECT q.*,
         CASE WHEN xa0 IS NOT NULL THEN LN((xa + {f}) / (xa0 + {f})) END AS ga,
         CASE WHEN xb0 IS NOT NULL THEN LN((xb + {f}) / (xb0 + {f})) END AS gb,
         LN((xa + {f}) / (xb + {f})) AS lratio,
         CASE WHEN xa0 IS NOT NULL THEN LN((xa0 + {f}) / (xb0 + {f})) END AS lratio0
  FROM q WHERE GREATEST(xa, xb) >= 10 * {f} AND ever_a > 0 AND ever_b > 0
),
ok AS (
  SELECT m.*, ga - gb AS div,
         CASE WHEN ga IS NOT NULL AND gb IS NOT NULL AND ABS(ga - gb) >= {lit(cfg.min_divergence)}
               AND ((ga >= LN(1 + {lit(cfg.min_growth)}) AND gb <= LN(1 - {lit(cfg.min_growth)}))
                 OR (gb >= LN(1 + {lit(cfg.min_growth)}) AND ga <= LN(1 - {lit(cfg.min_growth)})))
              THEN TRUE ELSE FALSE END AS opposite,
         CASE WHEN ABS(lratio) >= LN({lit(cfg.min_ratio)})
               AND (lratio0 IS NULL OR ABS(lratio - lratio0) >= LN(2))
              THEN TRUE ELSE FALSE END AS lopsided
  FROM m
),
sc AS (
  SELECT ok.*,
         LEAST(1.0, COALESCE(ABS(div), 0) / LN(10)) AS s_divergence,
         LEAST(1.0, ABS(lratio) / LN(100)) AS s_ratio,
         LEAST(1.0, LOG10(GREATEST(xa, xb) / {f}) / 4) AS s_size
  FROM ok WHERE opposite OR lopsided
)
SELECT * FROM (
  SELECT sc.*, {WEIGHTS["divergence"]} * s_divergence + {WEIGHTS["ratio"]} * s_ratio
         + {WEIGHTS["size"]} * s_size AS score,
         ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY {WEIGHTS["divergence"]} * s_divergence
           + {WEIGHTS["ratio"]} * s_ratio + {WEIGHTS["size"]} * s_size DESC, b) AS rn
  FROM sc
) r WHERE rn <= 4
ORDER BY score DESC, level, product, reporter
LIMIT {int(limit)}"""


def run(ctx: Context) -> list[Finding]:
    cfg = ctx.config.divergence
    t = ctx.series("year")
    rows: list[dict[str, Any]] = []
    for a, b in cfg.pairs:
        for measure in ctx.measures:
            for r in ctx.runner.rows(
                f"divergence {a}/{b} {measure}",
                candidates_sql(ctx, t, measure, a, b, ctx.config.max_findings * 20),
            ):
                r.update(a=a, b_partner=b, measure=measure)
                rows.append(r)
    chosen = _choose(rows, ctx.config.max_findings)
    keys: dict[str, SeriesKey] = {}
    for fid, c in chosen.items():
        keys[f"{fid}:a"] = SeriesKey(
            c["level"], c["product"], c["reporter"], c["a"], c["flow"], c["currency"]
        )
        keys[f"{fid}:b"] = SeriesKey(
            c["level"], c["product"], c["reporter"], c["b_partner"], c["flow"], c["currency"]
        )
    monthly = evidence.monthly(ctx.runner, ctx.prepared, keys)
    refs, totals = evidence.row_refs(ctx.runner, ctx.prepared, keys, ctx.config.evidence_rows // 2)
    yearly = _yearly(ctx, t, keys)
    return [
        _finding(
            ctx,
            fid,
            c,
            monthly,
            refs.get(f"{fid}:a", []) + refs.get(f"{fid}:b", []),
            totals.get(f"{fid}:a", 0) + totals.get(f"{fid}:b", 0),
            yearly,
        )
        for fid, c in chosen.items()
    ]


def _choose(rows: list[dict[str, Any]], n: int) -> dict[str, dict[str, Any]]:
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[(r["level"], r["product"], r["reporter"], r["currency"], r["a"], r["b_partner"])].append(r)
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
        lead = dict(min(near, key=lambda r: r["b"]))
        lead["score"] = top
        lead["others"] = [r for r in items if r["measure"] != lead_measure and r["b"] == lead["b"]][:1]
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
            lead["a"],
            lead["b_partner"],
            lead["currency"],
            lead["b"],
            round(float(lead["xa"]), -1),
            round(float(lead["xb"]), -1),
        )
        if same in seen:
            continue
        seen.add(same)
        chosen[f"d{len(chosen):04d}"] = lead
        if len(chosen) >= n:
            break
    return chosen


def _yearly(ctx: Context, t: SeriesTables, keys: dict[str, SeriesKey]) -> dict[str, dict[str, float]]:
    if not keys:
        return {}
    rows = ctx.runner.rows(
        "divergence years",
        f"""SELECT k.fid, s.b, s.value, s.net_kg, s.qty FROM {t.series} s
JOIN {evidence.KEYS} k ON k.level = s.level AND k.product = s.product AND k.reporter = s.reporter
 AND k.partner = s.partner AND k.flow = s.flow AND k.currency = s.currency ORDER BY k.fid, s.b""",
    )
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in rows:
        out[r["fid"]][str(r["b"])] = {"value": r["value"], "net_kg": r["net_kg"], "qty": r["qty"]}
    return dict(out)


def _finding(
    ctx: Context,
    fid: str,
    c: dict[str, Any],
    monthly: dict[str, list[dict[str, Any]]],
    refs: list[Any],
    total_rows: int,
    yearly: dict[str, dict[str, Any]],
) -> Finding:
    measure = c["measure"]
    unit = c["currency"] if measure == "value" else "kg" if measure == "net_kg" else "units"
    a, b = c["a"], c["b_partner"]
    na, nb = text.country(a), text.country(b)
    product = ctx.products.label(c["level"], c["product"])
    year, base = int(c["b"]), ctx.baseline
    xa, xb = float(c["xa"]), float(c["xb"])
    who = (
        f"{text.possessive(text.country(c['reporter']))} exports of {product}"
        if c["reporter"] != "*"
        else f"Exports of {product} (all {ctx.reporters('X', c['currency'])} reporters in {c['currency']})"
    )
    def amount(x: float) -> str:
        return text.amount(x, measure, unit)

    if c["opposite"]:
        ga, gb = math.exp(float(c["ga"])), math.exp(float(c["gb"]))
        pa = (xa / float(c["xa0"]) - 1) if c["xa0"] else None
        pb = (xb / float(c["xb0"]) - 1) if c["xb0"] else None
        headline = (
            f"{who} to {na} {text.change(pa + 1 if pa is not None else ga)} while those to {nb} "
            f"{text.change(pb + 1 if pb is not None else gb)} "
            f"({year} vs {base}: {amount(float(c['xa0']))} to {amount(xa)} and {amount(float(c['xb0']))} to "
            f"{amount(xb)})"
        )
        if xb and xa / xb >= 2:
            headline += f"; {na} now takes {xa / xb:.1f} times as much"
    else:
        big, small, nbig, nsmall = (xa, xb, na, nb) if xa >= xb else (xb, xa, nb, na)
        ratio = big / small if small else math.inf
        headline = (
            f"{who} to {nbig} were worth {ratio:,.1f} times those to {nsmall} in {year}"
            f" ({amount(big)} vs {amount(small)})"
            if math.isfinite(ratio)
            else f"{who} went to {nbig} only in {year} ({amount(big)}, none to {nsmall})"
        )
        if c["lratio0"] is not None and c["xa0"] is not None and c["xb0"]:
            r0 = (
                float(c["xa0"]) / float(c["xb0"])
                if xa >= xb
                else float(c["xb0"]) / max(float(c["xa0"]), 1e-9)
            )
            headline += f", against {r0:,.1f} times in {base}"
    headline += "."
    ka = f"{fid}:a"
    kb = f"{fid}:b"
    table = _table(monthly.get(ka, []), monthly.get(kb, []), a, b, measure)
    metrics = {
        "reporter": c["reporter"],
        "a": a,
        "b": b,
        "flow": c["flow"],
        "currency": c["currency"],
        "level": c["level"],
        "product": c["product"],
        "product_label": product,
        "measure": measure,
        "unit": unit,
        "year": year,
        "base_year": base,
        "a_current": xa,
        "b_current": xb,
        "a_base": None if c["xa0"] is None else float(c["xa0"]),
        "b_base": None if c["xb0"] is None else float(c["xb0"]),
        "a_growth_pct": _growth(xa, c["xa0"]),
        "b_growth_pct": _growth(xb, c["xb0"]),
        "ratio": xa / xb if xb else None,
        "base_ratio": (float(c["xa0"]) / float(c["xb0"])) if c["xa0"] is not None and c["xb0"] else None,
        "divergence": None if c["div"] is None else float(c["div"]),
        "opposite_growth": bool(c["opposite"]),
        "lopsided": bool(c["lopsided"]),
        "by_year": {
            "a": {y: v.get(measure) for y, v in yearly.get(ka, {}).items()},
            "b": {y: v.get(measure) for y, v in yearly.get(kb, {}).items()},
        },
        "by_year_all_measures": {
            m: {
                "a": {y: v.get(m) for y, v in yearly.get(ka, {}).items()},
                "b": {y: v.get(m) for y, v in yearly.get(kb, {}).items()},
            }
            for m in ("value", "net_kg", "qty")
        },
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
            "a_current": float(o["xa"]),
            "b_current": float(o["xb"]),
        }
    key_a = SeriesKey(c["level"], c["product"], c["reporter"], a, c["flow"], c["currency"])
    key_b = SeriesKey(c["level"], c["product"], c["reporter"], b, c["flow"], c["currency"])
    query = (
        f"{ctx.prepared.portable()}\n"
        f"SELECT period, partner, SUM({measure}) AS {measure}, COUNT(*) AS rows FROM flows\n"
        f"WHERE freq = 'M' AND (({evidence.where(ctx.prepared, ctx.products, key_a)})\n"
        f"   OR ({evidence.where(ctx.prepared, ctx.products, key_b)}))\n"
        "GROUP BY period, partner ORDER BY period, partner"
    )
    return Finding(
        kind=KIND,
        subject_type="pair",
        subject=f"{c['reporter']}->{a}/{b} {c['level']} {c['product']} [{c['currency']}]",
        headline=headline,
        score=min(1.0, max(0.0, float(c["score"]))),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 1),
        metrics=metrics,
        evidence=Evidence(
            query=query,
            rows=refs,
            table=table,
            notes=[
                f"{year} against {base} (full years), {unit}; floor "
                f"{text.amount(ctx.config.divergence.floors.of(measure), measure, unit)} in growth rates",
                "opposite growth"
                if c["opposite"]
                else f"level ratio of at least {ctx.config.divergence.min_ratio:g}",
                *ctx.prepared.notes,
            ],
            chart={
                "mark": "line",
                "x": "period",
                "x_type": "temporal",
                "y": measure,
                "color": "partner",
                "y_title": f"{measure} ({unit})",
                "title": f"{c['reporter']}: {product} to {na} and {nb}",
                "rule": ctx.policy.isoformat(),
            },
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
