"""Mirror gaps: what an exporter says it shipped to a country against what that country says it
received from the exporter, same product, same year, same currency.

Importers value goods CIF (with freight and insurance), exporters FOB, so imports normally
exceed exports by a few percent (``mirror_gap.cif_fob``, default 1.06). A ratio
imports/exports outside ``cif_fob x (1 +- tolerance)`` is a gap:

- below: goods "lost in transit" (exported to the country, never declared there: re-exported,
  smuggled onwards, or mis-declared), amount = exports x cif_fob - imports;
- above: the importer declares more than the exporter sent (origin mis-declared, or goods
  routed through a third country).

Statistical areas (EU, World...) are left out on both sides. Years are compared only when both
sides cover them fully (monthly files summed to the year,
yearly files as they are). Levels: ``hs6``, ``category``, ``total`` (rows whose code is "TOTAL")
and ``matched`` (every HS6 code both sides report that year). The ratio in the baseline year is
quoted so a gap that opened after the policy date stands out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

from dualtrace.analytics import evidence, text
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.sql import in_list, lit
from dualtrace.analytics.wide import Wide
from dualtrace.findings import Evidence, Finding

KIND = "mirror_gap"
CATEGORY_HS6 = "_an_cat6"
WEIGHTS = {"gap": 0.4, "change": 0.3, "size": 0.3}


def pairs_sql(ctx: Context, wide: Wide) -> str:
    """Both sides per year, matched code by code: a category or the 'matched' level adds up only
    the HS6 codes both sides report that year (a code one side never mirrors is no gap). Only
    years both sides cover fully, and values only (currencies never mixed: same currency)."""
    cfg = ctx.config.mirror_gap
    side_levels = [
        lv
        for lv in ("hs6", "total")
        if lv in cfg.levels or (lv == "hs6" and set(cfg.levels) & {"category", "matched"})
    ]
    areas = in_list(ctx.prepared.areas)  # statistical areas (EU, World) are no mirror partner
    per_year = [
        f"SELECT level, product, exporter, importer, currency, {y} AS year, vx_{y} AS exported,"
        f" vm_{y} AS imported FROM j0"
        f" WHERE cx_c_{y} AND cm_c_{y} AND vx_{y} IS NOT NULL AND vm_{y} IS NOT NULL"
        for y in wide.years
    ]
    parts = []
    for level in ("hs6", "total"):
        if level in cfg.levels:
            parts.append(
                "SELECT level, product, exporter, importer, currency, year, exported, imported, 1 AS codes"
                f" FROM j WHERE level = '{level}'"
            )
    if "category" in cfg.levels:
        parts.append(
            "SELECT 'category' AS level, c.category AS product, exporter, importer, currency, year,"
            " SUM(exported) AS exported, SUM(imported) AS imported, COUNT(*) AS codes"
            f" FROM j JOIN {CATEGORY_HS6} c ON c.hs6 = j.product"
            " WHERE j.level = 'hs6' GROUP BY c.category, exporter, importer, currency, year"
        )
    if "matched" in cfg.levels:
        parts.append(
            "SELECT 'matched' AS level, 'matched' AS product, exporter, importer, currency, year,"
            " SUM(exported) AS exported, SUM(imported) AS imported, COUNT(*) AS codes FROM j"
            " WHERE level = 'hs6' GROUP BY exporter, importer, currency, year"
        )
    if not parts or not per_year:
        return "SELECT NULL AS level WHERE FALSE"
    exported = ", ".join(f"{wide.col('value', y)} AS vx_{y}" for y in wide.years)
    imported = ", ".join(f"{wide.col('value', y)} AS vm_{y}" for y in wide.years)
    cx = ", ".join(f"cx.c_{y} AS cx_c_{y}" for y in wide.years)
    cm = ", ".join(f"cm.c_{y} AS cm_c_{y}" for y in wide.years)
    union = "\nUNION ALL\n".join(parts)
    per_year_sql = "\n  UNION ALL\n  ".join(per_year)
    return f"""WITH x AS (
  SELECT level, product, reporter AS exporter, partner AS importer, currency, {exported} FROM {wide.table}
  WHERE flow = 'X' AND reporter <> '*' AND partner <> '*' AND level IN {in_list(side_levels)}
    AND reporter NOT IN {areas} AND partner NOT IN {areas}
),
m AS (
  SELECT level, product, partner AS exporter, reporter AS importer, currency, {imported} FROM {wide.table}
  WHERE flow = 'M' AND reporter <> '*' AND partner <> '*' AND level IN {in_list(side_levels)}
    AND reporter NOT IN {areas} AND partner NOT IN {areas}
),
j0 AS (
  SELECT x.*, m.* EXCLUDE (level, product, exporter, importer, currency), {cx}, {cm}
  FROM x JOIN m ON m.level = x.level AND m.product = x.product AND m.exporter = x.exporter
   AND m.importer = x.importer AND m.currency = x.currency
  JOIN {wide.cov} cx ON cx.reporter = x.exporter AND cx.flow = 'X' AND cx.currency = x.currency
  JOIN {wide.cov} cm ON cm.reporter = x.importer AND cm.flow = 'M' AND cm.currency = x.currency
),
j AS (
  {per_year_sql}
)
{union}"""


def _category_hs6(ctx: Context) -> None:
    pairs = sorted(
        {
            (code[:6], product)
            for code, _v, level, product in ctx.products.rows
            if level == "category" and len(code) >= 6
        }
    )
    ctx.runner.register(CATEGORY_HS6, ["hs6", "category"], pairs or [("", "")])


# (level, product, exporter, importer, currency), years, baseline ratio, best year
Candidate = tuple[tuple[str, ...], dict[int, dict[str, Any]], float | None, dict[str, Any]]


def _best_year(
    ctx: Context, years: dict[int, dict[str, Any]], base_ratio: float | None
) -> dict[str, Any] | None:
    """The year whose gap scores highest (an earlier one within 3 % wins), outside the CIF/FOB
    tolerance and above the minimum value."""
    cfg = ctx.config.mirror_gap
    low, high = cfg.cif_fob * (1 - cfg.tolerance), cfg.cif_fob * (1 + cfg.tolerance)
    best: dict[str, Any] | None = None
    for year, r in sorted(years.items()):
        ratio = _ratio(r)
        exported, imported = float(r["exported"] or 0), float(r["imported"] or 0)
        if ratio is None or max(exported, imported) < cfg.min_value or low <= ratio <= high:
            continue
        gap = exported * cfg.cif_fob - imported
        parts: dict[str, float] = {
            "gap": min(1.0, abs(math.log(max(ratio, 1e-6) / cfg.cif_fob)) / math.log(4)),
            "change": (
                min(1.0, abs(math.log(max(ratio, 1e-6) / base_ratio)) / math.log(3))
                if base_ratio and year != ctx.baseline
                else 0.0
            ),
            "size": max(0.0, min(1.0, math.log10(abs(gap) / cfg.min_value + 1) / 2)),
        }
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        if best is None or score > best["score"] * 1.03:
            best = {"year": year, "ratio": ratio, "gap": gap, "parts": parts, "score": score, "row": r}
    return best


def _candidates(ctx: Context, rows: list[dict[str, Any]]) -> list[Candidate]:
    """Per pair series, its best year; strongest first, categories before totals and matched codes."""
    series: dict[tuple[str, ...], dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        series[(r["level"], r["product"], r["exporter"], r["importer"], r["currency"])][int(r["year"])] = r
    candidates: list[Candidate] = []
    for key, years in series.items():
        base = years.get(ctx.baseline)
        base_ratio = _ratio(base) if base else None
        best = _best_year(ctx, years, base_ratio)
        if best is not None:
            candidates.append((key, years, base_ratio, best))
    candidates.sort(
        key=lambda c: (-round(c[3]["score"], 2), {"category": 0, "total": 1, "matched": 2}.get(c[0][0], 3))
    )
    return candidates


def _choose(ctx: Context, candidates: list[Candidate]) -> list[Candidate]:
    """The same flows at several levels (same pair, year and amounts) count once."""
    chosen = []
    seen = set()
    for key, years, base_ratio, best in candidates:
        same = (
            key[2],
            key[3],
            key[4],
            best["year"],
            round(float(best["row"]["exported"]), -1),
            round(float(best["row"]["imported"]), -1),
        )
        if same in seen:
            continue
        seen.add(same)
        chosen.append((key, years, base_ratio, best))
        if len(chosen) >= ctx.config.max_findings:
            break
    return chosen


def _ask_evidence(ctx: Context, chosen: list[Candidate]) -> None:
    """The largest rows of both sides of each pair (the exporter's and the importer's) in the
    year stated, from the run's shared evidence pass."""
    for n, (key, _years, _base, best) in enumerate(chosen):
        level, product, exporter, importer, currency = key
        if level == "matched":
            continue
        window = (date(best["year"], 1, 1), date(best["year"], 12, 1))
        limit = ctx.config.evidence_rows // 2
        for side, flow_key in (
            ("x", SeriesKey(level, product, exporter, importer, "X", currency)),
            ("m", SeriesKey(level, product, importer, exporter, "M", currency)),
        ):
            ctx.evidence.add(f"m{n:04d}:{side}", flow_key, series=False, rows=window, limit=limit)


def run(ctx: Context) -> evidence.Pending:
    wide = ctx.wide()
    _category_hs6(ctx)
    chosen = _choose(ctx, _candidates(ctx, ctx.runner.rows("mirror pairs", pairs_sql(ctx, wide))))
    _ask_evidence(ctx, chosen)

    def finish(got: evidence.Fetched) -> list[Finding]:
        return [
            _finding(
                ctx,
                n,
                key,
                years,
                base_ratio,
                best,
                got.refs.get(f"m{n:04d}:x", []) + got.refs.get(f"m{n:04d}:m", []),
                got.totals.get(f"m{n:04d}:x", 0) + got.totals.get(f"m{n:04d}:m", 0),
            )
            for n, (key, years, base_ratio, best) in enumerate(chosen)
        ]

    return evidence.Pending(finish)


def _ratio(r: dict[str, Any] | None) -> float | None:
    if not r or not r["exported"]:
        return None
    return float(r["imported"] or 0) / float(r["exported"])


def _label(ctx: Context, level: str, product: str, row: dict[str, Any]) -> str:
    if level == "matched":
        return f"the {int(row['codes'])} HS6 codes both report"
    return ctx.products.label(level, product)


def _headline(
    ctx: Context, key: tuple[str, ...], label: str, base_ratio: float | None, best: dict[str, Any]
) -> str:
    """The sentence: both sides' figures, the ratio (and the baseline's), the gap in money."""
    cfg = ctx.config.mirror_gap
    _level, _product, exporter, importer, currency = key
    year, ratio, gap = best["year"], best["ratio"], best["gap"]
    r = best["row"]
    exported, imported = float(r["exported"]), float(r["imported"] or 0)

    def money(x: float) -> str:
        return text.money(x, currency)

    ne, ni = text.country(exporter), text.country(importer)
    headline = (
        f"{ni} reported importing {money(imported)} of {label} from {ne} in {year},"
        f" while {ne} reported exporting {money(exported)} to {ni}: imports are {ratio:.2f} times exports"
    )
    if base_ratio is not None and year != ctx.baseline:
        headline += f" ({base_ratio:.2f} in {ctx.baseline})"
    if gap > 0:
        headline += f"; {money(gap)} 'lost in transit' after a {(cfg.cif_fob - 1) * 100:.0f}% CIF/FOB margin"
    else:
        headline += f"; the importer declares {money(-gap)} more than the exporter's figure allows"
    return headline + "."


def _year_table(years: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Both sides' figures and their ratio, one row per year."""
    return [
        {
            "year": str(y),
            "exporter_reported": float(v["exported"] or 0),
            "importer_reported": float(v["imported"] or 0),
            "ratio": _ratio(v),
        }
        for y, v in sorted(years.items())
    ]


def _long_table(table: list[dict[str, Any]], exporter: str, importer: str) -> list[dict[str, Any]]:
    """The year table with one row per side, as the bar chart reads it."""
    return [
        {"year": row["year"], "side": side, "value": row[col], "ratio": row["ratio"]}
        for row in table
        for side, col in (
            (f"{exporter} exports (reported by {exporter})", "exporter_reported"),
            (f"{importer} imports (reported by {importer})", "importer_reported"),
        )
    ]


def _metrics(
    ctx: Context,
    key: tuple[str, ...],
    label: str,
    table: list[dict[str, Any]],
    base_ratio: float | None,
    best: dict[str, Any],
    total_rows: int,
) -> dict[str, Any]:
    cfg = ctx.config.mirror_gap
    level, product, exporter, importer, currency = key
    r = best["row"]
    gap = best["gap"]
    return {
        "exporter": exporter,
        "importer": importer,
        "currency": currency,
        "level": level,
        "product": product,
        "product_label": label,
        "year": best["year"],
        "exporter_reported": float(r["exported"]),
        "importer_reported": float(r["imported"] or 0),
        "ratio": best["ratio"],
        "base_year": ctx.baseline,
        "base_ratio": base_ratio,
        "cif_fob": cfg.cif_fob,
        "tolerance": cfg.tolerance,
        "gap": gap,
        "lost_in_transit": max(0.0, gap),
        "by_year": {
            row["year"]: {k: row[k] for k in ("exporter_reported", "importer_reported", "ratio")}
            for row in table
        },
        "score_parts": {**best["parts"], "weights": WEIGHTS},
        "rows": total_rows,
    }


def _query(ctx: Context, key: tuple[str, ...]) -> str:
    """Both sides' yearly sums, as anyone can rerun them."""
    level, product, exporter_code, importer_code, currency = key
    exporter, importer = lit(exporter_code), lit(importer_code)
    pred = "hs6 IS NOT NULL" if level == "matched" else ctx.products.predicate(level, product)
    return (
        f"{ctx.prepared.portable()}\n"
        "SELECT EXTRACT(YEAR FROM period) AS year,\n"
        f"  SUM(CASE WHEN flow = 'X' AND reporter = {exporter} THEN value ELSE 0 END) AS exporter_reported,\n"
        f"  SUM(CASE WHEN flow = 'M' AND reporter = {importer} THEN value ELSE 0 END) AS importer_reported\n"
        f"FROM flows WHERE currency = {lit(currency)} AND {pred}\n"
        f"  AND ((flow = 'X' AND reporter = {exporter} AND partner = {importer})"
        f" OR (flow = 'M' AND reporter = {importer} AND partner = {exporter}))\n"
        "GROUP BY EXTRACT(YEAR FROM period) ORDER BY year"
    )


def _notes(ctx: Context, level: str, label: str) -> list[str]:
    cfg = ctx.config.mirror_gap
    if level == "matched":
        note = (
            "matched: the sum over the HS6 codes both sides report in a year; the query lists all HS6 codes"
        )
    else:
        note = f"product: {label}"
    return [
        f"expected imports/exports ratio {cfg.cif_fob:.2f} (CIF/FOB), agreement within "
        f"±{cfg.tolerance * 100:.0f}%",
        "only years both sides cover fully",
        note,
        *ctx.prepared.notes,
    ]


def _chart(key: tuple[str, ...], label: str) -> dict[str, Any]:
    _level, _product, exporter, importer, currency = key
    return {
        "mark": "bar",
        "x": "year",
        "x_type": "ordinal",
        "y": "value",
        "color": "side",
        "group": True,
        "y_title": f"value ({currency})",
        "title": f"{exporter} → {importer}: {label}",
    }


def _finding(
    ctx: Context,
    n: int,
    key: tuple[str, ...],
    years: dict[int, dict[str, Any]],
    base_ratio: float | None,
    best: dict[str, Any],
    refs: list[Any],
    total_rows: int,
) -> Finding:
    level, product, exporter, importer, currency = key
    year = best["year"]
    label = _label(ctx, level, product, best["row"])
    table = _year_table(years)
    return Finding(
        kind=KIND,
        subject_type="pair",
        subject=f"{exporter}->{importer} {level} {product} [{currency}]",
        headline=_headline(ctx, key, label, base_ratio, best),
        score=min(1.0, max(0.0, best["score"])),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 1),
        metrics=_metrics(ctx, key, label, table, base_ratio, best, total_rows),
        evidence=Evidence(
            query=_query(ctx, key),
            rows=refs,
            table=_long_table(table, exporter, importer),
            notes=_notes(ctx, level, label),
            chart=_chart(key, label),
        ),
    )
