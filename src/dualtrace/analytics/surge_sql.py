"""The SQL of the surge analytic: each series' comparisons (previous bucket, baseline, the same
months a year before), their thresholds and explainable score, and the best comparisons per
series; also the variants ``analyze --explain`` counts with."""

from __future__ import annotations

from collections.abc import Callable

from dualtrace.analytics.config import SurgeConfig
from dualtrace.analytics.context import Context
from dualtrace.analytics.products import SENSITIVE, edition_expr
from dualtrace.analytics.series import SeriesTables
from dualtrace.analytics.sql import best_per_series, in_list, lit, weighted_score
from dualtrace.analytics.wide import Wide

# The parts of a surge's score and their weights (each part is in the finding's metrics).
WEIGHTS = {"magnitude": 0.45, "surprise": 0.25, "size": 0.30}
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


def explain_tail(mode: str) -> Tail:
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
