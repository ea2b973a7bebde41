"""Surges and collapses: a series that rises or falls far beyond its own history.

For every series (product at each level, reporter, partner, flow, currency) and measure, each
bucket (year, or quarter with ``surge.period: quarter``) is compared with

- the previous bucket (for years: same period last year; the latest year when it is not complete
  is compared month for month with the same months a year before: "Jan-Nov 2022 vs Jan-Nov 2021"),
- the baseline year (default: the last full year before the policy date, 2021), and for
  quarters the same quarter a year before.

Robust to tiny baselines: a floor (``surge.floors``) is added to both sides before the log ratio,
the change must be at least ``min_change_floors`` floors, and the current level must stand
``min_z`` standard deviations away from the series' own earlier levels (log scale) when there
are at least two of them. The score adds magnitude (log ratio, full at x10), surprise (z, full at
5) and size (change in floors, full at 1000 floors); each part is in the metrics.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from dualtrace.analytics import evidence, text
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.series import SeriesTables
from dualtrace.analytics.surge_sql import WEIGHTS, candidates_sql, explain_tail, yearly_sql
from dualtrace.analytics.surge_text import headline_of, measure_unit, notes_of
from dualtrace.analytics.wide import Wide
from dualtrace.findings import Evidence, Finding

KINDS = ("surge", "collapse")
MEASURE_WORDS = {"value": "value", "net_kg": "net weight", "qty": "quantity"}
ARROWS = {"X": "→", "M": "←"}
LEVEL_ORDER = {"category": 0, "hs6": 1, "hs4": 2, "code": 3, "hs2": 4, "total": 5}


def run(ctx: Context) -> evidence.Pending:
    cfg = ctx.config.surge
    limit = ctx.config.max_findings * 30
    found: list[dict[str, Any]] = []
    wide: Wide | None = None
    t: SeriesTables | None = None
    if cfg.period == "year":
        wide = ctx.wide()
        found = ctx.runner.rows("surge", yearly_sql(ctx, wide, limit * len(ctx.measures)))
    else:
        t = ctx.series(cfg.period)
        for measure in ctx.measures:
            for row in ctx.runner.rows(f"surge {measure}", candidates_sql(ctx, t, measure, limit)):
                row["measure"] = measure
                found.append(row)
    chosen = _choose(found, ctx.config.max_findings, cfg.max_per_partner, ctx.products.members)
    if ctx.explain:
        _explain(ctx, wide, t, len(chosen))
    keys = {fid: c["key"] for fid, c in chosen.items()}
    for fid, c in chosen.items():
        ytd = int(c["cutoff"]) if c["ytd"] and c["cutoff"] else None
        ctx.evidence.add(
            fid, c["key"], rows=_bounds(cfg.period, int(c["b"]), ytd), limit=ctx.config.evidence_rows
        )
    by_bucket = wide.series_rows(ctx.runner, keys) if wide is not None else _by_bucket(ctx, t, keys)

    def finish(got: evidence.Fetched) -> list[Finding]:
        return [
            _finding(
                ctx,
                cfg.period,
                c,
                got.monthly.get(fid, []),
                got.refs.get(fid, []),
                got.totals.get(fid, 0),
                by_bucket.get(fid),
            )
            for fid, c in chosen.items()
        ]

    return evidence.Pending(finish)


def _explain(ctx: Context, wide: Wide | None, t: SeriesTables | None, kept: int) -> None:
    """Record what surge tested: the same comparisons, counted per threshold."""
    cfg = ctx.config.surge
    trace = ctx.trace("surge")
    trace.instrumented = True
    top = 20

    def run_mode(mode: str) -> list[dict[str, Any]]:
        if wide is not None:
            return ctx.runner.rows(f"surge explain {mode}", yearly_sql(ctx, wide, top, explain_tail(mode)))
        assert t is not None
        out = []
        for measure in ctx.measures:
            sql = candidates_sql(ctx, t, measure, top, explain_tail(mode))
            for row in ctx.runner.rows(f"surge explain {mode} {measure}", sql):
                row.setdefault("measure", measure)
                out.append(row)
        return out

    names = (
        f"ratio >= {cfg.ratio} (surge) or <= {cfg.collapse_ratio} (collapse), after floors",
        f"change >= {cfg.min_change_floors} floors",
        f"|z| >= {cfg.min_z} against the series' history (when it has 2+ years)",
    )
    for row in run_mode("counts"):
        trace.tested += int(row["series"] or 0)
        trace.passed(names[0], int(row["p_ratio"] or 0))
        trace.passed(names[1], int(row["p_size"] or 0))
        trace.passed(names[2], int(row["p_z"] or 0))
    for name in names:
        trace.filter(name)
    trace.passed("kept (one per series and direction, max_per_partner, max_findings)", kept)
    windows: dict[str, int] = defaultdict(int)
    for row in run_mode("windows"):
        label = f"{row['b']} vs {row['base_bucket']} ({row['comparison']})"
        if row["ytd"] and row["cutoff"]:
            month = text.month_name(int(row["cutoff"]))
            label = f"Jan-{month} {row['b']} vs the same months of {row['base_bucket']}"
        windows[label] += int(row["n"])
    for label, n in windows.items():
        trace.windows.append({"series": f"{cfg.period} buckets", "compared": label, "comparisons": n})
    for row in run_mode("misses"):
        checks = {
            names[0]: float(row["q_ratio"]),
            names[1]: float(row["q_size"]),
            names[2]: float(row["q_z"]) if row["q_z"] is not None else 1e9,
        }
        stop = min(checks, key=lambda k: checks[k])
        series = (
            f"{row['measure']} {row['level']} {row['product']} {row['reporter']}"
            f"{ARROWS.get(row['flow'], row['flow'])}{row['partner']} [{row['currency']}]"
        )
        figures = {
            "period": row["b"],
            "base_period": row["base_bucket"],
            "current": float(row["cur"]),
            "base": float(row["base"]),
            "ratio": _ratio(row),
            "z": float(row["z"]) if row["z"] is not None else None,
            "change": float(row["change"]),
        }
        trace.miss(series, stop, checks[stop], figures)


# Which comparison is stated when several describe the same change equally well.
CMP_ORDER = {"baseline": 0, "previous": 1, "last_year": 2}


def _best_comparison(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One comparison per series, direction and measure: of the years that score within 3 % of
    the best, the earliest (when it happened), stated with the best score."""
    by_year: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in found:
        key = SeriesKey(
            row["level"], row["product"], row["reporter"], row["partner"], row["flow"], row["currency"]
        )
        row["key"] = key
        by_year[(key, row["log_ratio"] > 0, row["measure"])].append(row)
    best_rows = []
    for rows in by_year.values():
        top = max(r["score"] for r in rows)
        near = [r for r in rows if r["score"] >= top * 0.97]
        # Ties go to the earliest period, then baseline, previous period, same period last year:
        # the choice must not depend on the order rows come back in.
        pick = min(
            near, key=lambda r: (r["b"], CMP_ORDER.get(r["comparison"], 9), r["ytd"], r["base_bucket"])
        )
        pick["score"] = top
        best_rows.append(pick)
    return best_rows


def _leads(best_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One lead per series and direction, its other measures quoted, strongest first."""
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in best_rows:
        grouped[(row["key"], row["log_ratio"] > 0)].append(row)
    leads = []
    for rows in grouped.values():
        # money leads unless another measure scores clearly higher (headlines quote money first)
        best = max(r["score"] for r in rows)
        rows.sort(key=lambda r: (not (r["measure"] == "value" and r["score"] >= best * 0.97), -r["score"]))
        lead = dict(rows[0])
        lead["others"] = [
            r for r in rows[1:] if r["b"] == lead["b"] and r["comparison"] == lead["comparison"]
        ]
        leads.append(lead)
    leads.sort(
        key=lambda r: (
            -round(r["score"], 2),
            LEVEL_ORDER.get(r["level"], 9),
            r["partner"] == "*",
            r["reporter"] != "*",
            r["product"],
        )
    )
    return leads


class _Stated:
    """What is already stated, so that the same rows, the same flow in another currency or a
    narrower product with about the same change count once, within the per-partner caps."""

    def __init__(self, n: int, per_partner: int, members: dict[tuple[str, str], set[tuple[str, str]]]):
        self.n, self.per_partner, self.members = n, per_partner, members
        self.seen: set[tuple[Any, ...]] = set()
        self.wider: dict[tuple[Any, ...], list[tuple[set[str], float]]] = defaultdict(list)
        self.per_kind: dict[bool, int] = defaultdict(int)
        self.per_story: dict[tuple[Any, ...], int] = defaultdict(int)

    def add(self, lead: dict[str, Any]) -> bool:
        """State the lead unless a cap is reached or it repeats what is stated."""
        up = lead["log_ratio"] > 0
        k: SeriesKey = lead["key"]
        story = (k.partner, k.flow, up)
        if self.per_kind[up] >= self.n or self.per_story[story] >= self.per_partner:
            return False
        same = (
            k.flow,
            k.currency,
            lead["measure"],
            lead["b"],
            lead["comparison"],
            round(float(lead["cur"]), -1),
            round(float(lead["base"]), -1),
        )
        across = ("x", k.reporter, k.partner, k.flow, k.level, k.product, up)
        if same in self.seen or across in self.seen:
            return False
        codes = {c for c, _ in self.members.get((k.level, k.product), set())}
        flow_key = (k.reporter, k.partner, k.flow, k.currency, up)
        if any(
            codes <= wider and abs(lead["log_ratio"] - log_ratio) < 0.3
            for wider, log_ratio in self.wider[flow_key]
        ):
            return False
        self.seen.update((same, across))
        self.wider[flow_key].append((codes, float(lead["log_ratio"])))
        self.per_story[story] += 1
        self.per_kind[up] += 1
        return True


def _choose(
    found: list[dict[str, Any]],
    n: int,
    per_partner: int,
    members: dict[tuple[str, str], set[tuple[str, str]]],
) -> dict[str, dict[str, Any]]:
    """Pick the findings worth stating.

    - one per series and direction: its best measure leads, the other measures are quoted; of
      the years that score within 3 % of the best, the earliest is stated (when it happened);
    - the same rows found at several levels (a category that is one heading) count once, and a
      code whose heading or category is already stated with about the same change is left out;
    - the same flow in two currencies (two sources of one flow) counts once;
    - each partner gets at most `per_partner` findings per flow and direction, so that one big
      story does not hide the others.
    """
    stated = _Stated(n, per_partner, members)
    chosen: dict[str, dict[str, Any]] = {}
    for lead in _leads(_best_comparison(found)):
        if stated.add(lead):
            chosen[f"s{len(chosen):04d}"] = lead
    return chosen


def _by_bucket(
    ctx: Context, t: SeriesTables | None, keys: dict[str, SeriesKey]
) -> dict[str, list[dict[str, Any]]]:
    if not keys or t is None:
        return {}
    ctx.runner.register(
        evidence.KEYS,
        ["fid", "level", "product", "reporter", "partner", "flow", "currency"],
        [(fid, k.level, k.product, k.reporter, k.partner, k.flow, k.currency) for fid, k in keys.items()],
    )
    rows = ctx.runner.rows(
        "surge buckets",
        f"""SELECT k.fid, s.b, s.value, s.net_kg, s.qty, s.value_ytd, s.net_kg_ytd, s.qty_ytd
FROM {t.series} s JOIN {evidence.KEYS} k ON k.level = s.level AND k.product = s.product
 AND k.reporter = s.reporter AND k.partner = s.partner AND k.flow = s.flow AND k.currency = s.currency
ORDER BY k.fid, s.b""",
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r.pop("fid")].append(r)
    return dict(out)


def _month_jump(
    ctx: Context, period: str, c: dict[str, Any], monthly: list[dict[str, Any]], up: bool
) -> dict[str, Any] | None:
    """The month that carries the change (yearly findings only), by weight when weight shows it
    (tonnes read the same in any currency), else by the lead measure; None when no month does."""
    if period != "year" or not monthly:
        return None
    surge = ctx.config.surge
    measures = sorted(
        {c["measure"], *(o["measure"] for o in c.get("others", []))}, key=lambda x: x != "net_kg"
    )
    for m in measures:
        found = evidence.month_jump(monthly, m, surge.floors.of(m), int(c["b"]))
        if (
            found
            and found["strength"] >= max(3.0, surge.ratio)
            and (found["value"] > found["previous"]) == up
        ):
            return dict(found, measure=m)
    return None


def _by_bucket_values(period: str, measure: str, buckets: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Period label -> the measure, for the buckets that have a row of the series."""
    out = {}
    for r in buckets or []:
        if r.get(measure) is not None:  # years with no row of the series are left out
            out[text.period_label(int(r["b"]), period)] = r[measure]
    return out


def _score_parts(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "magnitude": float(c["s_magnitude"]),
        "surprise": float(c["s_surprise"]),
        "size": float(c["s_size"]),
        "weights": WEIGHTS,
    }


def _metrics(
    ctx: Context,
    period: str,
    c: dict[str, Any],
    unit: str,
    labels: tuple[str, str],
    by_bucket: dict[str, Any],
    jump: dict[str, Any] | None,
    total_rows: int,
) -> dict[str, Any]:
    key: SeriesKey = c["key"]
    measure = c["measure"]
    cur, base = float(c["cur"]), float(c["base"])
    ratio = cur / base if base else math.inf
    base_label, cur_label = labels
    return {
        "reporter": key.reporter,
        "partner": key.partner,
        "flow": key.flow,
        "currency": key.currency,
        "level": key.level,
        "product": key.product,
        "product_label": ctx.products.label(key.level, key.product),
        "measure": measure,
        "unit": unit,
        "comparison": c["comparison"],
        "same_months_only": bool(c["ytd"]),
        "period": cur_label,
        "base_period": base_label,
        "current": cur,
        "base": base,
        "ratio": ratio if math.isfinite(ratio) else None,
        "change_pct": (ratio - 1) * 100 if math.isfinite(ratio) else None,
        "log_ratio": float(c["log_ratio"]),
        "z": None if c["z"] is None else float(c["z"]),
        "history_points": int(c["history_n"] or 0),
        "floor": ctx.config.surge.floors.of(measure),
        "score_parts": _score_parts(c),
        f"by_{period}": by_bucket,
        "other_measures": [
            {
                "measure": o["measure"],
                "current": float(o["cur"]),
                "base": float(o["base"]),
                "ratio": _ratio(o),
            }
            for o in c.get("others", [])
        ],
        "month_jump": jump,
        "rows": total_rows,
    }


def _chart(ctx: Context, key: SeriesKey, measure: str, unit: str, product_label: str) -> dict[str, Any]:
    return {
        "mark": "line",
        "x": "period",
        "x_type": "temporal",
        "y": measure,
        "y_title": f"{MEASURE_WORDS[measure]} ({unit})",
        "title": f"{key.reporter} {ARROWS[key.flow]} {key.partner}: {product_label}",
        "rule": ctx.policy.isoformat(),
    }


def _finding(
    ctx: Context,
    period: str,
    c: dict[str, Any],
    monthly: list[dict[str, Any]],
    refs: list[Any],
    total_rows: int,
    buckets: list[dict[str, Any]] | None,
) -> Finding:
    key: SeriesKey = c["key"]
    measure = c["measure"]
    unit = measure_unit(measure, key.currency, c)
    up = c["log_ratio"] > 0
    ytd_months = int(c["cutoff"]) if c["ytd"] and c["cutoff"] else None
    labels = (
        text.period_label(int(c["base_bucket"]), period, ytd_months),
        text.period_label(int(c["b"]), period, ytd_months),
    )
    jump = _month_jump(ctx, period, c, monthly, up)
    by_bucket = _by_bucket_values(period, measure, buckets)
    metrics = _metrics(ctx, period, c, unit, labels, by_bucket, jump, total_rows)
    period_start, period_end = _bounds(period, int(c["b"]), ytd_months)
    return Finding(
        kind="surge" if up else "collapse",
        subject_type="flow",
        subject=f"{key.reporter}->{key.partner} {key.flow} {key.level} {key.product} [{key.currency}]",
        headline=headline_of(ctx, c, unit, labels, jump),
        score=min(1.0, max(0.0, float(c["score"]))),
        period_start=period_start,
        period_end=period_end,
        metrics=metrics,
        evidence=Evidence(
            query=evidence.series_query(ctx.prepared, ctx.products, key),
            rows=refs,
            table=evidence.dense(monthly),
            notes=notes_of(ctx, period, c, unit, labels),
            chart=_chart(ctx, key, measure, unit, metrics["product_label"]),
        ),
    )


def _ratio(row: dict[str, Any]) -> float | None:
    base = float(row["base"])
    return float(row["cur"]) / base if base else None


def _bounds(period: str, b: int, ytd_months: int | None) -> tuple[Any, Any]:
    from datetime import date

    from dualtrace.analytics.series import bucket_months

    months = bucket_months(period, b)
    if ytd_months:
        months = months[:ytd_months]
    (y0, m0), (y1, m1) = months[0], months[-1]
    return date(y0, m0, 1), date(y1, m1, 1)
