"""Partner shares: who supplies (or takes) what part of a category, and how that moved.

Three views of a share, per product (level), measure, currency and bucket:

- ``exports``: a partner's share of a reporter's exports ("Kazakhstan's share of Germany's
  exports of bearings");
- ``imports``: a partner's share of a reporter's own import statistics;
- ``mirror``: a reporter's share of what every reporter exports to one partner, i.e. the
  partner's imports as its suppliers report them ("China's share of Russia's imports of
  integrated circuits": the only view left when the importer stopped publishing).

A share in a bucket is compared with the same bucket of the baseline year (default: the last
full year before the policy date); when the latest year is not complete both years are compared
over the same months. A finding needs a group total of at least ``min_total`` in both buckets,
``min_parties`` parties in the group and a change of ``min_change`` share points. Score: change
(full at 50 points), dominance (the larger share) and size of the group.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from dualtrace.analytics import evidence, text
from dualtrace.analytics.config import ShareConfig
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.series import SeriesTables, bucket_months
from dualtrace.analytics.sql import best_per_series, in_list, lit, weighted_score
from dualtrace.analytics.wide import Wide
from dualtrace.findings import Evidence, Finding

KIND = "share"
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


def run(ctx: Context) -> evidence.Pending:
    cfg = ctx.config.share
    rows: list[dict[str, Any]] = []
    period = cfg.period
    for mode in cfg.modes:
        if period == "year":
            wide = ctx.wide()
            for r in ctx.runner.rows(
                f"share {mode}", yearly_sql(ctx, wide, mode, ctx.config.max_findings * 20 * len(ctx.measures))
            ):
                r.update(mode=mode, group=r["group_key"])
                rows.append(r)
            continue
        t = ctx.series(period)
        for measure in ctx.measures:
            for r in ctx.runner.rows(
                f"share {mode} {measure}", candidates_sql(ctx, t, mode, measure, ctx.config.max_findings * 20)
            ):
                group_col = MODES[mode][1][0]
                r.update(mode=mode, measure=measure, group=r[group_col])
                rows.append(r)
    chosen = _choose(rows, ctx.config.max_findings)
    for fid, c in chosen.items():
        party_key, total_key = _keys(c)
        ytd = int(c["cutoff"]) if c["ytd"] and c["cutoff"] else None
        months = bucket_months(period, int(c["b"]))[: ytd or None]
        window = (date(*months[0], 1), date(*months[-1], 1))
        ctx.evidence.add(f"{fid}:p", party_key, rows=window, limit=ctx.config.evidence_rows)
        ctx.evidence.add(f"{fid}:t", total_key)

    def finish(got: evidence.Fetched) -> list[Finding]:
        return [
            _finding(
                ctx,
                period,
                fid,
                c,
                got.monthly.get(f"{fid}:p", []),
                got.monthly.get(f"{fid}:t", []),
                got.refs.get(f"{fid}:p", []),
                got.totals.get(f"{fid}:p", 0),
            )
            for fid, c in chosen.items()
        ]

    return evidence.Pending(finish)


def _keys(c: dict[str, Any]) -> tuple[SeriesKey, SeriesKey]:
    if c["mode"] == "mirror":
        party = SeriesKey(c["level"], c["product"], c["party"], c["group"], c["flow"], c["currency"])
        total = SeriesKey(c["level"], c["product"], "*", c["group"], c["flow"], c["currency"])
    else:
        party = SeriesKey(c["level"], c["product"], c["group"], c["party"], c["flow"], c["currency"])
        total = SeriesKey(c["level"], c["product"], c["group"], "*", c["flow"], c["currency"])
    return party, total


def _choose(rows: list[dict[str, Any]], n: int) -> dict[str, dict[str, Any]]:
    """One finding per (view, group, party, product, direction): the earliest bucket that scores
    within 3 % of its best; the same shares at several levels count once; at most two products
    per group and party and six groups per party, so one story does not hide the others."""
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[
            (
                r["mode"],
                r["level"],
                r["product"],
                r["group"],
                r["party"],
                r["currency"],
                r["share_change"] > 0,
            )
        ].append(r)
    leads = []
    for items in grouped.values():
        top = max(r["score"] for r in items)
        by_measure = sorted(
            items, key=lambda r: (not (r["measure"] == "value" and r["score"] >= top * 0.97), -r["score"])
        )
        lead_measure = by_measure[0]["measure"]
        near = [r for r in items if r["measure"] == lead_measure and r["score"] >= top * 0.97]
        lead = dict(min(near, key=lambda r: r["b"]))
        lead["score"] = top
        lead["others"] = [r for r in items if r["measure"] != lead_measure and r["b"] == lead["b"]][:1]
        leads.append(lead)
    leads.sort(key=lambda r: (-round(r["score"], 2), {"category": 0, "hs4": 1, "hs6": 2}.get(r["level"], 3)))
    chosen: dict[str, dict[str, Any]] = {}
    seen: set[tuple[Any, ...]] = set()
    per_pair: dict[tuple[Any, ...], int] = defaultdict(int)
    per_party: dict[tuple[Any, ...], int] = defaultdict(int)
    for lead in leads:
        up = lead["share_change"] > 0
        pair = (lead["mode"], lead["group"], lead["party"], up)
        party = (lead["mode"], lead["party"], up)
        if per_pair[pair] >= 2 or per_party[party] >= 6:
            continue
        same = (
            lead["mode"],
            lead["group"],
            lead["party"],
            lead["currency"],
            lead["b"],
            round(lead["share"], 4),
            round(lead["base_share"], 4),
        )
        if same in seen:
            continue
        seen.add(same)
        per_pair[pair] += 1
        per_party[party] += 1
        chosen[f"h{len(chosen):04d}"] = lead
        if len(chosen) >= n:
            break
    return chosen


def _sentence(ctx: Context, c: dict[str, Any]) -> str:
    product = ctx.products.label(c["level"], c["product"])
    party, group = text.country(c["party"]), text.country(c["group"])
    if c["mode"] == "mirror":
        n = int(c["parties"])
        return (
            f"{text.possessive(party)} share of {text.possessive(group)} imports of {product},"
            f" as its {n} suppliers report them in {c['currency']},"
        )
    if c["mode"] == "imports":
        return (
            f"{text.possessive(party)} share of {text.possessive(group)} imports of {product}"
            f" (as {group} reports them)"
        )
    return f"{text.possessive(party)} share of {text.possessive(group)} exports of {product}"


def _unit(c: dict[str, Any]) -> str:
    measure = c["measure"]
    return c["currency"] if measure == "value" else "kg" if measure == "net_kg" else "units"


def _headline(ctx: Context, c: dict[str, Any], labels: tuple[str, str]) -> str:
    """The sentence: the share then and now, the amounts, and the other measure's shares."""
    measure, unit = c["measure"], _unit(c)
    base_label, cur_label = labels
    share, base_share = float(c["share"]), float(c["base_share"])
    verb = "rose" if share > base_share else "fell"
    headline = (
        f"{_sentence(ctx, c)} {verb} from {text.share(base_share)} in {base_label} to {text.share(share)} in "
        f"{cur_label} ({text.amount(float(c['party_amount']), measure, unit)} of"
        f" {text.amount(float(c['group_total']), measure, unit)})"
    )
    for o in c.get("others", []):
        by = "weight" if o["measure"] == "net_kg" else o["measure"]
        headline += f"; by {by}: {text.share(float(o['base_share']))} to {text.share(float(o['share']))}"
    return headline + "."


def _metrics(
    ctx: Context, c: dict[str, Any], labels: tuple[str, str], table: list[dict[str, Any]], total_rows: int
) -> dict[str, Any]:
    base_label, cur_label = labels
    share, base_share = float(c["share"]), float(c["base_share"])
    return {
        "view": c["mode"],
        "group": c["group"],
        "party": c["party"],
        "flow": c["flow"],
        "currency": c["currency"],
        "level": c["level"],
        "product": c["product"],
        "product_label": ctx.products.label(c["level"], c["product"]),
        "measure": c["measure"],
        "unit": _unit(c),
        "period": cur_label,
        "base_period": base_label,
        "same_months_only": bool(c["ytd"]),
        "share": share,
        "base_share": base_share,
        "change_points": (share - base_share) * 100,
        "party_amount": float(c["party_amount"]),
        "group_total": float(c["group_total"]),
        "base_party_amount": float(c["base_party_amount"]),
        "base_group_total": float(c["base_group_total"]),
        "parties": int(c["parties"]),
        "base_parties": int(c["base_parties"]),
        "score_parts": {
            "change": float(c["s_change"]),
            "dominance": float(c["s_dominance"]),
            "size": max(0.0, float(c["s_size"])),
            "weights": WEIGHTS,
        },
        "share_by_year": _period_shares(table, "year"),
        "share_by_quarter": _period_shares(table, "quarter"),
        "rows": total_rows,
    }


def _query(ctx: Context, c: dict[str, Any]) -> str:
    """The party's and the group's monthly sums and the share, as anyone can rerun them."""
    party_key, total_key = _keys(c)
    query = (
        f"{ctx.prepared.portable()},\n"
        f"p AS (SELECT period, SUM(value) AS v FROM flows WHERE freq = 'M' AND "
        f"{evidence.where(ctx.prepared, ctx.products, party_key)} GROUP BY period),\n"
        f"t AS (SELECT period, SUM(value) AS v FROM flows WHERE freq = 'M' AND "
        f"{evidence.where(ctx.prepared, ctx.products, total_key)} GROUP BY period)\n"
        "SELECT t.period, COALESCE(p.v, 0) AS party, t.v AS total, COALESCE(p.v, 0) / t.v AS share\n"
        "FROM t LEFT JOIN p USING (period) ORDER BY t.period"
    )
    if c["measure"] != "value":
        query = query.replace("SUM(value)", f"SUM({c['measure']})")
    return query


def _notes(ctx: Context, c: dict[str, Any], labels: tuple[str, str]) -> list[str]:
    base_label, cur_label = labels
    group_name = text.country(c["group"])
    whole = (
        f"reported exports to {group_name}"
        if c["mode"] == "mirror"
        else f"{text.possessive(group_name)} {'exports' if c['flow'] == 'X' else 'imports'}"
    )
    return [
        f"share of {whole} in {_unit(c)}; statistical areas (World, EU...) left out of the total",
        f"{cur_label} against {base_label}",
        *ctx.prepared.notes,
    ]


def _chart(ctx: Context, c: dict[str, Any]) -> dict[str, Any]:
    group_name = text.country(c["group"])
    title = f"{text.country(c['party'])} in {group_name}: {ctx.products.label(c['level'], c['product'])}"
    return {
        "mark": "line",
        "x": "period",
        "x_type": "temporal",
        "y": "share",
        "y_format": "%",
        "y_title": f"share of {_unit(c)} amounts",
        "title": title,
        "rule": ctx.policy.isoformat(),
    }


def _finding(
    ctx: Context,
    period: str,
    fid: str,
    c: dict[str, Any],
    party_months: list[dict[str, Any]],
    total_months: list[dict[str, Any]],
    refs: list[Any],
    total_rows: int,
) -> Finding:
    ytd = int(c["cutoff"]) if c["ytd"] and c["cutoff"] else None
    labels = (
        text.period_label(int(c["base_bucket"]), period, ytd),
        text.period_label(int(c["b"]), period, ytd),
    )
    table = _monthly_shares(party_months, total_months, c["measure"])
    months = bucket_months(period, int(c["b"]))
    if ytd:
        months = months[:ytd]
    return Finding(
        kind=KIND,
        subject_type="share",
        subject=f"{c['party']} in {c['group']} {c['mode']} {c['level']} {c['product']} [{c['currency']}]",
        headline=_headline(ctx, c, labels),
        score=min(1.0, max(0.0, float(c["score"]))),
        period_start=date(months[0][0], months[0][1], 1),
        period_end=date(months[-1][0], months[-1][1], 1),
        metrics=_metrics(ctx, c, labels, table, total_rows),
        evidence=Evidence(
            query=_query(ctx, c),
            rows=refs,
            table=table,
            notes=_notes(ctx, c, labels),
            chart=_chart(ctx, c),
        ),
    )


def _monthly_shares(
    party: list[dict[str, Any]], total: list[dict[str, Any]], measure: str
) -> list[dict[str, Any]]:
    mine = {r["period"]: r.get(measure) or 0.0 for r in party}
    out = []
    for r in evidence.dense(total):
        whole = r.get(measure)
        if not whole:
            continue
        part = float(mine.get(r["period"], 0.0))
        out.append(
            {"period": r["period"], "party": part, "total": float(whole), "share": part / float(whole)}
        )
    return out


def _period_shares(table: list[dict[str, Any]], period: str) -> dict[str, float]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in table:
        year, month = int(r["period"][:4]), int(r["period"][5:7])
        label = str(year) if period == "year" else f"{year}-Q{(month - 1) // 3 + 1}"
        sums[label][0] += r["party"]
        sums[label][1] += r["total"]
    return {k: v[0] / v[1] for k, v in sorted(sums.items()) if v[1]}
