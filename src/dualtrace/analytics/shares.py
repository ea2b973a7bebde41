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
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey
from dualtrace.analytics.series import bucket_months
from dualtrace.analytics.shares_sql import MODES, WEIGHTS, candidates_sql, yearly_sql
from dualtrace.findings import Evidence, Finding

KIND = "share"


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


def _headline(ctx: Context, c: dict[str, Any], labels: tuple[str, str]) -> str:
    """The sentence: the share then and now, the amounts, and the other measure's shares."""
    measure, unit = c["measure"], text.unit(c["measure"], c["currency"])
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
        "unit": text.unit(c["measure"], c["currency"]),
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
    unit = text.unit(c["measure"], c["currency"])
    group_name = text.country(c["group"])
    whole = (
        f"reported exports to {group_name}"
        if c["mode"] == "mirror"
        else f"{text.possessive(group_name)} {'exports' if c['flow'] == 'X' else 'imports'}"
    )
    return [
        f"share of {whole} in {unit}; statistical areas (World, EU...) left out of the total",
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
        "y_title": f"share of {text.unit(c['measure'], c['currency'])} amounts",
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
