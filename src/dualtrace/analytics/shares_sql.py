"""The SQL of the share analytic: each party's share of its group per bucket against the same
bucket of the baseline year, the thresholds, the explainable score and the best per series."""

from __future__ import annotations

from dualtrace.analytics.config import ShareConfig
from dualtrace.analytics.context import Context
from dualtrace.analytics.series import SeriesTables
from dualtrace.analytics.sql import best_per_series, in_list, lit, weighted_score
from dualtrace.analytics.wide import Wide

# The parts of a share finding's score and their weights (each part is in the metrics).
WEIGHTS = {"change": 0.5, "dominance": 0.3, "size": 0.2}
MODES = {
    # mode: (flow, group columns, party column)
    "exports": ("X", ("reporter",), "partner"),
    "imports": ("M", ("reporter",), "partner"),
    "mirror": ("X", ("partner",), "reporter"),
}


def _base_bucket(period: str, b: str, base_year: int) -> str:
    if period == "year":
        return str(base_year)
    if period == "quarter":
        return f"({base_year} * 4 + MOD({b}, 4))"
    return f"({base_year} * 12 + MOD({b}, 12))"


_SCORE_PARTS = {"change": "s_change", "dominance": "s_dominance", "size": "GREATEST(0.0, s_size)"}


def _ranked(cfg: ShareConfig, min_total: str, series: str, limit: int) -> str:
    """The tail both candidate queries share: the minimum change, the explainable score (change,
    dominance, size) and the best four comparisons per series and direction."""
    return f"""ok AS (
  SELECT shares.*, share - base_share AS share_change,
         LEAST(1.0, ABS(share - base_share) / 0.5) AS s_change,
         GREATEST(share, base_share) AS s_dominance,
         LEAST(1.0, LOG10(group_total / {min_total}) / 3) AS s_size
  FROM shares WHERE ABS(share - base_share) >= {lit(cfg.min_change)}
),
ranked AS (
  SELECT ok.*, {weighted_score(WEIGHTS, _SCORE_PARTS)} AS score
  FROM ok
)
{best_per_series(f"{series}, SIGN(share_change)", "level, product, party", limit)}"""


def candidates_sql(ctx: Context, t: SeriesTables, mode: str, measure: str, limit: int) -> str:
    """Share candidates of one view and measure over the long series table: each party's amount
    and its group's total per bucket, paired with the same bucket of the baseline year."""
    cfg = ctx.config.share
    flow, group_cols, party = MODES[mode]
    group = group_cols[0]
    areas = in_list(ctx.prepared.areas)
    min_total = lit(cfg.min_total if measure == "value" else ctx.config.surge.floors.of(measure) * 10)
    # completeness of a bucket: the reporter's own coverage, or for mirror shares every reporter's
    cov_reporter = "'*'" if mode == "mirror" else f"totals.{group}"
    cov_join = (
        f"JOIN {t.cov} c ON c.reporter = {cov_reporter} AND c.flow = totals.flow"
        " AND c.currency = totals.currency AND c.b = totals.b"
    )
    gkey = f"level, product, {group}, flow, currency"
    base_bucket = _base_bucket(t.period, "d.b", ctx.baseline)
    return f"""WITH party_rows AS (
  SELECT level, product, {group}, flow, currency, {party} AS party, b, {measure} AS amount,
         {measure}_ytd AS amount_ytd
  FROM {t.series}
  WHERE level IN {in_list(cfg.levels)} AND flow = {lit(flow)} AND reporter <> '*' AND partner <> '*'
    AND {party} NOT IN {areas} AND {group} NOT IN {areas} AND {measure} IS NOT NULL
),
totals AS (
  SELECT {gkey}, b, SUM(amount) AS group_total, SUM(amount_ytd) AS group_total_ytd,
         COUNT(DISTINCT party) AS parties
  FROM party_rows GROUP BY {gkey}, b
),
covered_totals AS (
  SELECT totals.*, c.complete, c.cutoff, c.sig FROM totals {cov_join}
),
covered AS (
  SELECT k.level, k.product, k.{group}, k.flow, k.currency, k.party, tc.b, tc.group_total,
         tc.group_total_ytd, tc.parties, tc.complete, tc.cutoff, tc.sig,
         COALESCE(s.amount, 0) AS amount, COALESCE(s.amount_ytd, 0) AS amount_ytd
  FROM (SELECT DISTINCT {gkey}, party FROM party_rows) k
  JOIN covered_totals tc ON tc.level = k.level AND tc.product = k.product AND tc.{group} = k.{group}
   AND tc.flow = k.flow AND tc.currency = k.currency
  LEFT JOIN party_rows s ON s.level = k.level AND s.product = k.product AND s.{group} = k.{group}
   AND s.flow = k.flow AND s.currency = k.currency AND s.party = k.party AND s.b = tc.b
),
pairs AS (
  SELECT d.*, o.b AS base_bucket, o.amount AS base_amount, o.amount_ytd AS base_amount_ytd,
         o.group_total AS base_total, o.group_total_ytd AS base_total_ytd, o.parties AS base_parties
  FROM covered d JOIN covered o ON o.level = d.level AND o.product = d.product AND o.{group} = d.{group}
   AND o.flow = d.flow AND o.currency = d.currency AND o.party = d.party AND o.b = {base_bucket}
  WHERE d.b > o.b AND d.sig = o.sig AND o.complete
),
comparisons AS (
  SELECT {gkey}, party, b, base_bucket, FALSE AS ytd, cutoff, amount AS party_amount,
         group_total, base_amount AS base_party_amount, base_total AS base_group_total, parties,
         base_parties
  FROM pairs WHERE complete
  UNION ALL
  SELECT {gkey}, party, b, base_bucket, TRUE, cutoff, amount_ytd, group_total_ytd, base_amount_ytd,
         base_total_ytd, parties, base_parties
  FROM pairs WHERE NOT complete AND cutoff IS NOT NULL
),
shares AS (
  SELECT comparisons.*, party_amount / group_total AS share,
         base_party_amount / base_group_total AS base_share
  FROM comparisons WHERE group_total >= {min_total} AND base_group_total >= {min_total}
   AND parties >= {int(cfg.min_parties)} AND base_parties >= {int(cfg.min_parties)}
),
{_ranked(cfg, min_total, f"{gkey}, party", limit)}"""


def _yearly_totals(wide: Wide, kinds: tuple[bool, ...]) -> str:
    """Per group: the total of every (measure, year) column and how many parties had some."""
    totals = [
        f"SUM({wide.col(m, y, ytd)}) AS total_{wide.col(m, y, ytd)}"
        for m in wide.measures
        for y in wide.years
        for ytd in kinds
    ]
    parties = [
        f"COUNT(CASE WHEN {wide.col(m, y)} > 0 THEN 1 END) AS parties_{m}_{y}"
        for m in wide.measures
        for y in wide.years
    ]
    return ", ".join(totals) + ", " + ", ".join(parties)


def _yearly_selects(ctx: Context, wide: Wide, kinds: tuple[bool, ...]) -> list[str]:
    """Every year after the baseline against it, per measure (whole years, or year to date)."""
    cfg = ctx.config.share
    base = ctx.baseline
    if base not in wide.years:
        return []
    selects = []
    for m in wide.measures:
        min_total = lit(cfg.min_total if m == "value" else ctx.config.surge.floors.of(m) * 10)
        for y in wide.years:
            if y <= base:
                continue
            for ytd in kinds:
                cur, old = wide.col(m, y, ytd), wide.col(m, base, ytd)
                when = f"c_{y}" if not ytd else f"a_{y} AND NOT c_{y} AND cutoff IS NOT NULL"
                selects.append(
                    f"SELECT '{m}' AS measure, level, product, group_key, flow, currency, party, {y} AS b,"
                    f" {base} AS base_bucket, {'TRUE' if ytd else 'FALSE'} AS ytd, cutoff,"
                    f" COALESCE({cur}, 0) AS party_amount, total_{cur} AS group_total,"
                    f" COALESCE({old}, 0) AS base_party_amount, total_{old} AS base_group_total,"
                    f" parties_{m}_{y} AS parties, parties_{m}_{base} AS base_parties,"
                    f" {min_total} AS min_total"
                    f" FROM joined WHERE {when} AND c_{base} AND sig_{y} = sig_{base}"
                    f" AND total_{cur} >= {min_total} AND total_{old} >= {min_total}"
                )
    return selects


def yearly_sql(ctx: Context, wide: Wide, mode: str, limit: int) -> str:
    """Share candidates of one view over the wide yearly table, every measure at once."""
    cfg = ctx.config.share
    flow, group_cols, party = MODES[mode]
    group = group_cols[0]
    areas = in_list(ctx.prepared.areas)
    cov_reporter = "'*'" if mode == "mirror" else "p.group_key"
    kinds = (False, True) if wide.ytd else (False,)
    measure_cols = ", ".join(
        f"{wide.col(m, y, ytd)}" for m in wide.measures for y in wide.years for ytd in kinds
    )
    selects = _yearly_selects(ctx, wide, kinds)
    if not selects:
        return "SELECT NULL AS measure WHERE FALSE"
    union = "\n  UNION ALL\n  ".join(selects)
    group_by = "level, product, group_key, flow, currency"
    return f"""WITH party_rows AS (
  SELECT level, product, {group} AS group_key, flow, currency, {party} AS party, {measure_cols}
  FROM {wide.table}
  WHERE level IN {in_list(cfg.levels)} AND flow = {lit(flow)} AND reporter <> '*' AND partner <> '*'
    AND {party} NOT IN {areas} AND {group} NOT IN {areas}
),
totals AS (
  SELECT {group_by}, {_yearly_totals(wide, kinds)}
  FROM party_rows GROUP BY {group_by}
),
joined AS (
  SELECT p.*, t.* EXCLUDE ({group_by}), {wide.cov_columns("c")}
  FROM party_rows p JOIN totals t ON t.level = p.level AND t.product = p.product
   AND t.group_key = p.group_key AND t.flow = p.flow AND t.currency = p.currency
  JOIN {wide.cov} c ON c.reporter = {cov_reporter} AND c.flow = p.flow AND c.currency = p.currency
),
comparisons AS (
  {union}
),
shares AS (
  SELECT comparisons.*, party_amount / group_total AS share,
         base_party_amount / base_group_total AS base_share
  FROM comparisons WHERE parties >= {int(cfg.min_parties)} AND base_parties >= {int(cfg.min_parties)}
),
{_ranked(cfg, "min_total", f"measure, {group_by}, party", limit)}"""
