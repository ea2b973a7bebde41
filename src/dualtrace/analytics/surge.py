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
from collections.abc import Callable
from typing import Any

from dualtrace.analytics import evidence, text
from dualtrace.analytics.config import SurgeConfig
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.products import SENSITIVE, edition_expr
from dualtrace.analytics.series import SeriesTables
from dualtrace.analytics.sql import best_per_series, in_list, lit, weighted_score
from dualtrace.analytics.wide import Wide
from dualtrace.findings import Evidence, Finding

KINDS = ("surge", "collapse")
WEIGHTS = {"magnitude": 0.45, "surprise": 0.25, "size": 0.30}
MEASURE_WORDS = {"value": "value", "net_kg": "net weight", "qty": "quantity"}
ARROWS = {"X": "→", "M": "←"}
LEVEL_ORDER = {"category": 0, "hs6": 1, "hs4": 2, "code": 3, "hs2": 4, "total": 5}
_KEY = "level, product, reporter, partner, flow, currency"


def _window(order: bool = True, frame: str = "") -> str:
    body = f"PARTITION BY {_KEY}" + (" ORDER BY b" if order else "")
    return f"OVER ({body}{(' ' + frame) if frame else ''})"


_SCORE_PARTS = {"magnitude": "s_magnitude", "surprise": "s_surprise", "size": "s_size"}


def _ranked(cfg: SurgeConfig, floor: str, series: str, limit: int) -> str:
    """The tail both candidate queries share: thresholds, the explainable score (magnitude,
    surprise, size) and the best four comparisons per series and direction."""
    return f"""ok AS (
  SELECT scored.*,
         LEAST(1.0, ABS(log_ratio) / LN(10)) AS s_magnitude,
         CASE WHEN z IS NULL THEN 0.4 ELSE LEAST(1.0, ABS(z) / 5) END AS s_surprise,
         LEAST(1.0, LOG10(1 + ABS(change) / {floor}) / 3) AS s_size
  FROM scored
  WHERE (log_ratio >= LN({lit(cfg.ratio)}) OR log_ratio <= LN({lit(cfg.collapse_ratio)}))
    AND ABS(change) >= {lit(cfg.min_change_floors)} * {floor}
    AND (z IS NULL OR (ABS(z) >= {lit(cfg.min_z)} AND z * log_ratio > 0))
),
ranked AS (
  SELECT ok.*, {weighted_score(WEIGHTS, _SCORE_PARTS)} AS score
  FROM ok
)
{best_per_series(f"{series}, SIGN(log_ratio)", "level, product, reporter, partner", limit)}"""


Tail = Callable[[SurgeConfig, str, str, int], str]


def _explain_tail(mode: str) -> Tail:
    """A tail over the same comparisons for ``analyze --explain``: each threshold as
    achieved/required (>= 1 passes), then per mode the filter counts, the windows compared or
    the best comparison of each series that failed."""

    def tail(cfg: SurgeConfig, floor: str, series: str, limit: int) -> str:
        q = f"""q AS (
  SELECT scored.*,
         CASE WHEN log_ratio >= 0 THEN log_ratio / LN({lit(cfg.ratio)})
              ELSE log_ratio / LN({lit(cfg.collapse_ratio)}) END AS q_ratio,
         ABS(change) / ({lit(cfg.min_change_floors)} * {floor}) AS q_size,
         CASE WHEN z IS NULL THEN NULL WHEN z * log_ratio <= 0 THEN 0.0
              ELSE ABS(z) / {lit(cfg.min_z)} END AS q_z
  FROM scored
),
r AS (
  SELECT q.*, LEAST(q_ratio, q_size, COALESCE(q_z, 1e9)) AS closeness FROM q
)
"""
        if mode == "counts":
            return (
                q
                + f"""SELECT COUNT(*) AS comparisons, COUNT(DISTINCT ({series})) AS series,
       COUNT(DISTINCT ({series})) FILTER (WHERE q_ratio >= 1) AS p_ratio,
       COUNT(DISTINCT ({series})) FILTER (WHERE q_ratio >= 1 AND q_size >= 1) AS p_size,
       COUNT(DISTINCT ({series})) FILTER (WHERE closeness >= 1) AS p_z
FROM r"""
            )
        if mode == "windows":
            return (
                q
                + """SELECT b, base_bucket, comparison, ytd, cutoff, COUNT(*) AS n FROM r
GROUP BY ALL ORDER BY b, base_bucket, comparison, ytd, cutoff"""
            )
        return (
            q
            + f"""SELECT * FROM (
  SELECT r.*, ROW_NUMBER() OVER (PARTITION BY {series} ORDER BY closeness DESC, b) AS rn
  FROM r WHERE closeness < 1
) t WHERE rn = 1 ORDER BY closeness DESC, level, product, reporter, partner LIMIT {int(limit)}"""
        )

    return tail


def _aggregate_filter(cfg: SurgeConfig, alias: str = "") -> str:
    """The sums over every partner / reporter ('*') left out unless configured in."""
    star = []
    if not cfg.all_partners:
        star.append(f"{alias}partner <> '*'")
    if not cfg.all_reporters:
        star.append(f"{alias}reporter <> '*'")
    return "".join(f" AND {s}" for s in star)


def _history_columns(floor: str, quarter: bool, base_year: int) -> list[str]:
    """Per bucket: the previous bucket, the same quarter a year before (quarters) or the baseline
    year (years), and the mean / sd of the series' earlier complete buckets (log scale)."""
    prior = _window(frame="ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING")
    log_amount = f"LN(amount + {floor})"
    log_ytd = f"LN(amount_ytd + {floor})"
    columns = [
        f"LAG(b) {_window()} AS previous_b",
        f"LAG(amount) {_window()} AS previous_amount",
        f"LAG(amount_ytd) {_window()} AS previous_ytd",
        f"LAG(complete) {_window()} AS previous_complete",
        f"LAG(sig) {_window()} AS previous_sig",
        f"AVG(CASE WHEN complete THEN {log_amount} END) {prior} AS history_mean",
        f"STDDEV_SAMP(CASE WHEN complete THEN {log_amount} END) {prior} AS history_sd",
        f"COUNT(CASE WHEN complete THEN 1 END) {prior} AS history_n",
        f"AVG(CASE WHEN complete THEN {log_ytd} END) {prior} AS history_ytd_mean",
        f"STDDEV_SAMP(CASE WHEN complete THEN {log_ytd} END) {prior} AS history_ytd_sd",
    ]
    if quarter:
        return [
            *columns,
            f"LAG(b, 4) {_window()} AS year_ago_b",
            f"LAG(amount, 4) {_window()} AS year_ago_amount",
            f"LAG(complete, 4) {_window()} AS year_ago_complete",
            f"LAG(sig, 4) {_window()} AS year_ago_sig",
        ]
    whole = _window(order=False)
    upto_base = f"complete AND b <= {base_year}"
    return [
        *columns,
        f"MAX(CASE WHEN b = {base_year} THEN amount END) {whole} AS baseline_amount",
        f"MAX(CASE WHEN b = {base_year} THEN amount_ytd END) {whole} AS baseline_ytd",
        f"MAX(CASE WHEN b = {base_year} AND complete THEN 1 ELSE 0 END) {whole} AS baseline_complete",
        f"MAX(CASE WHEN b = {base_year} THEN sig END) {whole} AS baseline_sig",
        f"AVG(CASE WHEN {upto_base} THEN {log_amount} END) {whole} AS baseline_history_mean",
        f"STDDEV_SAMP(CASE WHEN {upto_base} THEN {log_amount} END) {whole} AS baseline_history_sd",
        f"COUNT(CASE WHEN {upto_base} THEN 1 END) {whole} AS baseline_history_n",
        f"AVG(CASE WHEN {upto_base} THEN {log_ytd} END) {whole} AS baseline_history_ytd_mean",
        f"STDDEV_SAMP(CASE WHEN {upto_base} THEN {log_ytd} END) {whole} AS baseline_history_ytd_sd",
    ]


def _bucket_comparisons(quarter: bool, base_year: int) -> str:
    """Each bucket against its previous bucket, and against the same quarter a year before
    (quarters) or the baseline year (years; an incomplete year month for month)."""
    cols = f"{_KEY}, unit, b"
    same_previous = "previous_complete AND previous_b = b - 1 AND sig = previous_sig"
    same_baseline = f"baseline_complete = 1 AND sig = baseline_sig AND b > {base_year} + 1"
    ytd = "NOT complete AND cutoff IS NOT NULL"
    comparisons = [
        f"SELECT {cols}, 'previous' AS comparison, previous_b AS base_bucket, amount AS cur,"
        " previous_amount AS base, history_mean, history_sd, history_n, FALSE AS ytd, cutoff"
        f" FROM with_history WHERE complete AND {same_previous}"
    ]
    if quarter:
        comparisons.append(
            f"SELECT {cols}, 'last_year', year_ago_b, amount, year_ago_amount,"
            " history_mean, history_sd, history_n, FALSE, cutoff FROM with_history"
            " WHERE complete AND year_ago_complete AND year_ago_b = b - 4 AND sig = year_ago_sig"
        )
    else:
        comparisons += [
            f"SELECT {cols}, 'baseline', {base_year}, amount, baseline_amount, baseline_history_mean,"
            " baseline_history_sd, baseline_history_n, FALSE, cutoff FROM with_history"
            f" WHERE complete AND {same_baseline}",
            f"SELECT {cols}, 'previous', previous_b, amount_ytd, previous_ytd, history_ytd_mean,"
            f" history_ytd_sd, history_n, TRUE, cutoff FROM with_history WHERE {ytd} AND {same_previous}",
            f"SELECT {cols}, 'baseline', {base_year}, amount_ytd, baseline_ytd, baseline_history_ytd_mean,"
            " baseline_history_ytd_sd, baseline_history_n, TRUE, cutoff FROM with_history"
            f" WHERE {ytd} AND {same_baseline}",
        ]
    return "\n  UNION ALL\n  ".join(comparisons)


def candidates_sql(ctx: Context, t: SeriesTables, measure: str, limit: int, tail: Tail | None = None) -> str:
    """Surge candidates over the long series table of one measure: the buckets of each series
    laid out on its reporter's coverage, windowed for the comparisons."""
    cfg = ctx.config.surge
    floor = lit(cfg.floors.of(measure))
    quarter = t.period == "quarter"
    history = _history_columns(floor, quarter, ctx.baseline)
    return f"""WITH series_rows AS (
  SELECT {_KEY}, b, {measure} AS amount, {measure}_ytd AS amount_ytd, qty_unit, parties
  FROM {t.series} WHERE level IN {in_list(cfg.levels)}{_aggregate_filter(cfg)}
),
kept_series AS (
  -- a sum over every reporter (or partner) that only one of them feeds repeats that one series
  SELECT {_KEY}, MIN(qty_unit) AS unit FROM series_rows WHERE amount IS NOT NULL GROUP BY {_KEY}
  HAVING MAX(parties) > 1 OR (MIN(reporter) <> '*' AND MIN(partner) <> '*')
),
covered AS (
  SELECT k.level, k.product, k.reporter, k.partner, k.flow, k.currency, k.unit, c.b, c.complete,
         c.cutoff, c.sig, COALESCE(s.amount, 0) AS amount, COALESCE(s.amount_ytd, 0) AS amount_ytd
  FROM kept_series k
  JOIN {t.cov} c ON c.reporter = k.reporter AND c.flow = k.flow AND c.currency = k.currency
  LEFT JOIN series_rows s ON s.level = k.level AND s.product = k.product AND s.reporter = k.reporter
   AND s.partner = k.partner AND s.flow = k.flow AND s.currency = k.currency AND s.b = c.b
),
with_history AS MATERIALIZED (
  SELECT covered.*, {", ".join(history)}
  FROM covered
),
comparisons AS (
  {_bucket_comparisons(quarter, ctx.baseline)}
),
scored AS (
  SELECT c.*, LN((cur + {floor}) / (base + {floor})) AS log_ratio,
         CASE WHEN history_n >= 2
              THEN (LN(cur + {floor}) - history_mean) / GREATEST(COALESCE(history_sd, 0), 0.15) END AS z,
         cur - base AS change
  FROM comparisons c LEFT JOIN {SENSITIVE} e ON e.level = c.level AND e.product = c.product
  WHERE e.level IS NULL OR {edition_expr("c.b", t.period)} = {edition_expr("c.base_bucket", t.period)}
),
{(tail or _ranked)(cfg, floor, _KEY, limit)}"""


def _yearly_logs(wide: Wide, measure: str, floor: str) -> list[str]:
    """ln(amount + floor) of every complete year (and its year-to-date amount)."""
    logs = []
    for y in wide.years:
        logs.append(
            f"CASE WHEN c_{y} THEN LN(COALESCE({wide.col(measure, y)}, 0) + {floor}) END AS log_{measure}_{y}"
        )
        if wide.ytd:
            logs.append(
                f"CASE WHEN c_{y} THEN LN(COALESCE({wide.col(measure, y, True)}, 0) + {floor}) END"
                f" AS log_ytd_{measure}_{y}"
            )
    return logs


def _yearly_history(wide: Wide, measure: str, upto: int, ytd: bool) -> tuple[str, str, str]:
    """(mean, sd, n) of the logged complete years up to `upto`, as column arithmetic."""
    prior = [y for y in wide.years if y <= upto]
    if not prior:
        return "NULL", "NULL", "0"
    prefix = f"log_ytd_{measure}" if ytd else f"log_{measure}"
    n = " + ".join(f"(CASE WHEN {prefix}_{y} IS NULL THEN 0 ELSE 1 END)" for y in prior)
    s1 = " + ".join(f"COALESCE({prefix}_{y}, 0)" for y in prior)
    s2 = " + ".join(f"COALESCE({prefix}_{y} * {prefix}_{y}, 0)" for y in prior)
    mean = f"(({s1}) / NULLIF({n}, 0))"
    variance = f"(({s2}) - ({s1}) * ({s1}) / ({n})) / (({n}) - 1)"
    sd = f"(CASE WHEN ({n}) >= 2 THEN SQRT(GREATEST({variance}, 0)) END)"
    return mean, sd, f"({n})"


def _yearly_comparison(
    wide: Wide, measure: str, floor: str, y: int, base: int, comparison: str, ytd: bool, hist_upto: int
) -> str:
    """One year against a base year, for one measure (whole years, or year to date)."""
    cur, old = wide.col(measure, y, ytd), wide.col(measure, base, ytd)
    mean, sd, n = _yearly_history(wide, measure, hist_upto, ytd)
    edition = "" if edition_expr(str(y)) == edition_expr(str(base)) else " AND NOT sens"
    when = f"c_{y}" if not ytd else f"a_{y} AND NOT c_{y} AND cutoff IS NOT NULL"
    if measure != "value":
        # a year with values but no weight (blank weights) is unknown, never 0 kg
        value_cur, value_old = wide.col("value", y, ytd), wide.col("value", base, ytd)
        when += f" AND ({value_cur} IS NULL OR {cur} IS NOT NULL)"
        when += f" AND ({value_old} IS NULL OR {old} IS NOT NULL)"
    return (
        f"SELECT '{measure}' AS measure, level, product, reporter, partner, flow, currency,"
        " qty_unit AS unit,"
        f" {y} AS b, '{comparison}' AS comparison, {base} AS base_bucket,"
        f" {'TRUE' if ytd else 'FALSE'} AS ytd, cutoff,"
        f" COALESCE({cur}, 0) AS cur, COALESCE({old}, 0) AS base,"
        f" {mean} AS history_mean, {sd} AS history_sd, {n} AS history_n, {floor} AS floor"
        f" FROM logs WHERE {when} AND c_{base} AND sig_{y} = sig_{base} AND has_{measure}{edition}"
    )


def _yearly_comparisons(wide: Wide, measure: str, floor: str, base_year: int) -> list[str]:
    """Every year against the previous one and the baseline year (whole and year to date)."""
    years = wide.years
    selects = []
    for y in years:
        pairs = []
        if y - 1 in years:
            pairs.append((y - 1, "previous"))
        if base_year in years and y > base_year + 1:
            pairs.append((base_year, "baseline"))
        for base, comparison in pairs:
            selects.append(_yearly_comparison(wide, measure, floor, y, base, comparison, False, base))
            if wide.ytd:
                selects.append(_yearly_comparison(wide, measure, floor, y, base, comparison, True, base))
    return selects


def yearly_sql(ctx: Context, wide: Wide, limit: int, tail: Tail | None = None) -> str:
    """Surge candidates over the wide yearly table: every comparison is column arithmetic."""
    cfg = ctx.config.surge
    selects = []
    logs = []
    for m in wide.measures:
        floor = lit(cfg.floors.of(m))
        logs += _yearly_logs(wide, m, floor)
        selects += _yearly_comparisons(wide, m, floor, ctx.baseline)
    if not selects:
        return "SELECT NULL AS measure WHERE FALSE"
    has = ", ".join(f"{wide.any_of(m)} AS has_{m}" for m in wide.measures)
    union = "\n  UNION ALL\n  ".join(selects)
    # every comparison reads `logs`: computed once (MATERIALIZED) rather than once per comparison
    return f"""WITH covered AS (
  SELECT t.*, {wide.cov_columns("c")}
  FROM {wide.table} t
  JOIN {wide.cov} c ON c.reporter = t.reporter AND c.flow = t.flow AND c.currency = t.currency
  WHERE t.level IN {in_list(cfg.levels)}{_aggregate_filter(cfg, "t.")}
    -- a sum over every reporter (or partner) that only one of them feeds repeats that one series
    AND (t.parties > 1 OR (t.reporter <> '*' AND t.partner <> '*'))
),
logs AS MATERIALIZED (
  SELECT covered.*, {has}, {", ".join(logs)}
  FROM covered
),
comparisons AS (
  {union}
),
scored AS (
  SELECT c.*, LN((cur + floor) / (base + floor)) AS log_ratio,
         CASE WHEN history_n >= 2
              THEN (LN(cur + floor) - history_mean) / GREATEST(COALESCE(history_sd, 0), 0.15) END AS z,
         cur - base AS change
  FROM comparisons c
),
{(tail or _ranked)(cfg, "floor", f"measure, {_KEY}", limit)}"""


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
            return ctx.runner.rows(f"surge explain {mode}", yearly_sql(ctx, wide, top, _explain_tail(mode)))
        assert t is not None
        out = []
        for measure in ctx.measures:
            sql = candidates_sql(ctx, t, measure, top, _explain_tail(mode))
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


def describe_series(ctx: Context, key: SeriesKey) -> tuple[str, str]:
    """('China's exports of X', 'to Russia') for a series key."""
    product = ctx.products.label(key.level, key.product)
    verb = "exports" if key.flow == "X" else "imports"
    prep = "to" if key.flow == "X" else "from"
    where = f"{prep} {text.country(key.partner)}" if key.partner != "*" else f"{prep} all partners"
    if key.reporter == "*":
        n = ctx.reporters(key.flow, key.currency)
        return f"{verb.capitalize()} of {product}", f"{where} (all {n} reporters in {key.currency})"
    return f"{text.possessive(text.country(key.reporter))} {verb} of {product}", where


def _unit(measure: str, currency: str, row: dict[str, Any]) -> str:
    """The unit a measure is stated in: the currency, the row's quantity unit, or kg."""
    if measure == "value":
        return currency
    return (row.get("unit") or "units") if measure == "qty" else "kg"


def _move(up: bool, measure: str, unit: str, base: float, cur: float, labels: tuple[str, str]) -> str:
    """'rose from X in 2021 to Y in 2023 (x3.1)' or 'fell from ... (-80%)'."""
    base_label, cur_label = labels
    ratio = cur / base if base else math.inf
    verb, change = ("rose", text.times(ratio)) if up else ("fell", text.pct(ratio - 1))
    return (
        f"{verb} from {text.amount(base, measure, unit)} in {base_label} to"
        f" {text.amount(cur, measure, unit)} in {cur_label} ({change})"
    )


def _other_measures_text(c: dict[str, Any], currency: str) -> str:
    """' (by weight: X to Y)' for the other measures that moved the same way, or ''."""
    extras = []
    for other in c.get("others", []):
        o_measure = other["measure"]
        o_unit = _unit(o_measure, currency, other)
        word = "value" if o_measure == "value" else "weight" if o_measure == "net_kg" else "quantity"
        extras.append(
            f"by {word}: "
            f"{text.amount(float(other['base']), o_measure, o_unit)} to"
            f" {text.amount(float(other['cur']), o_measure, o_unit)}"
        )
    return " (" + "; ".join(extras) + ")" if extras else ""


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


def _jump_text(jump: dict[str, Any], c: dict[str, Any], currency: str) -> str:
    """'; in March 2022 alone X, against Y in February'."""
    m = jump["measure"]
    m_unit = _unit(m, currency, c)
    month = text.month_name(int(jump["month"][5:7]))
    prev_month = text.month_name(int(jump["previous_month"][5:7]))
    return (
        f"; in {month} {jump['month'][:4]} alone {text.amount(jump['value'], m, m_unit)},"
        f" against {text.amount(jump['previous'], m, m_unit)} in {prev_month}"
    )


def _headline(
    ctx: Context, c: dict[str, Any], unit: str, labels: tuple[str, str], jump: dict[str, Any] | None
) -> str:
    """The sentence: who, where, the move, the other measures and the month that carries it."""
    key: SeriesKey = c["key"]
    who, where = describe_series(ctx, key)
    move = _move(c["log_ratio"] > 0, c["measure"], unit, float(c["base"]), float(c["cur"]), labels)
    headline = f"{who} {where} {move}" + _other_measures_text(c, key.currency)
    if jump:
        headline += _jump_text(jump, c, key.currency)
    return headline + "."


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


def _notes(ctx: Context, period: str, c: dict[str, Any], unit: str, labels: tuple[str, str]) -> list[str]:
    """How the comparison was made: the periods, the rows listed, the floor and the z-score."""
    base_label, cur_label = labels
    floor = ctx.config.surge.floors.of(c["measure"])
    notes = [
        f"{c['comparison']} comparison: {cur_label} against {base_label}"
        + (" (same months of both years: the latest year is not complete)" if c["ytd"] else ""),
        f"rows listed: the largest of the {cur_label} figure; the query returns every month",
        f"log ratio {float(c['log_ratio']):+.2f} with a floor of {text.amount(floor, c['measure'], unit)}"
        " added to both sides",
    ]
    if c["z"] is not None:
        notes.append(
            f"z = {float(c['z']):+.1f} against {int(c['history_n'])} earlier {period}s of the same series"
            " (log scale)"
        )
    notes.extend(ctx.prepared.notes)
    return notes


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
    unit = _unit(measure, key.currency, c)
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
        headline=_headline(ctx, c, unit, labels, jump),
        score=min(1.0, max(0.0, float(c["score"]))),
        period_start=period_start,
        period_end=period_end,
        metrics=metrics,
        evidence=Evidence(
            query=evidence.series_query(ctx.prepared, ctx.products, key),
            rows=refs,
            table=evidence.dense(monthly),
            notes=_notes(ctx, period, c, unit, labels),
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
