"""A diversion finding: its products, evidence, headline, metrics, query, notes and chart."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.context import Context
from dualtrace.analytics.diversion_plan import BASKET, DKEYS, KIND, WEIGHTS, WINDOWS, Window, exporters_of
from dualtrace.analytics.flows import FLOWS
from dualtrace.analytics.products import CHPL_ALL
from dualtrace.analytics.sql import in_list, lit
from dualtrace.findings import Evidence, Finding, RowRef


def products_rerouted(
    ctx: Context, keep: list[dict[str, Any]], eligible: dict[str, list[str]]
) -> dict[int, list[dict[str, Any]]]:
    """Per finding, the controlled products whose exports to the target fell while those to the
    intermediaries rose, largest re-routing first."""
    keys = []
    for i, r in enumerate(keep):
        for reporter in exporters_of(r, eligible):
            keys.append((str(i), reporter, r["currency"], r["target"], "T"))
            keys.extend((str(i), reporter, r["currency"], p, "I") for p in r["intermediaries"])
    ctx.runner.register(DKEYS, ["finding", "reporter", "currency", "partner", "role"], keys)
    rows = ctx.runner.rows(
        "diversion products",
        f"""SELECT k.finding, w.product, k.role, SUM(w.before_value) AS before_value,
       SUM(w.after_value) AS after_value
FROM {WINDOWS} w JOIN {DKEYS} k ON k.reporter = w.reporter AND k.currency = w.currency AND k.partner =
w.partner
WHERE w.basket = 'controlled' AND w.period IS NULL
GROUP BY k.finding, w.product, k.role""",
    )
    per: dict[int, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: {"T": [0.0, 0.0], "I": [0.0, 0.0]})
    )
    for r in rows:
        cell = per[int(r["finding"])][r["product"]][r["role"]]
        cell[0] += float(r["before_value"])
        cell[1] += float(r["after_value"])
    level = ctx.config.diversion.product_level
    out: dict[int, list[dict[str, Any]]] = {}
    for i, by_product in per.items():
        items: list[dict[str, Any]] = []
        for product, sides in by_product.items():
            fall = sides["T"][0] - sides["T"][1]
            rise = sides["I"][1] - sides["I"][0]
            if fall > 0 and rise > 0:
                items.append(
                    {
                        "product": product,
                        "label": ctx.products.label(level, product),
                        "fall_to_target": fall,
                        "rise_to_intermediaries": rise,
                        "intermediaries_before": sides["I"][0],
                        "intermediaries_after": sides["I"][1],
                        "target_before": sides["T"][0],
                        "target_after": sides["T"][1],
                        "rerouted": min(fall, rise),
                    }
                )
        items.sort(key=lambda x: -x["rerouted"])
        out[i] = items
    return out


def finding_evidence(
    ctx: Context,
    keep: list[dict[str, Any]],
    eligible: dict[str, list[str]],
    before: Window,
    after: Window,
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[RowRef]], dict[int, int]]:
    """Monthly controlled exports to the target and intermediaries (from the grouped scan), and
    the largest rows behind them: with the CHPL basket they join the run's shared evidence pass
    (returned empty here), with a user basket they are read now."""
    keys = []
    for i, r in enumerate(keep):
        for reporter in exporters_of(r, eligible):
            for partner in [r["target"], *r["intermediaries"]]:
                keys.append((str(i), reporter, r["currency"], partner, ""))
    ctx.runner.register(DKEYS, ["finding", "reporter", "currency", "partner", "role"], keys)
    series = ctx.runner.rows(
        "diversion series",
        f"""SELECT k.finding, w.period, w.partner, SUM(w.month_value) AS value
FROM {WINDOWS} w JOIN {DKEYS} k ON k.reporter = w.reporter AND k.currency = w.currency AND k.partner =
w.partner
WHERE w.basket = 'controlled' AND w.period IS NOT NULL
GROUP BY k.finding, w.period, w.partner ORDER BY k.finding, w.period, w.partner""",
    )
    monthly: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in series:
        monthly[int(r["finding"])].append(
            {"period": r["period"].strftime("%Y-%m"), "partner": r["partner"], "value": float(r["value"])}
        )
    refs: dict[int, list[RowRef]] = defaultdict(list)
    counts: dict[int, int] = {}
    if not ctx.config.diversion.controlled:
        return dict(monthly), refs, counts
    joined = f"""FROM {FLOWS} f JOIN {BASKET} b ON b.hs_code = f.hs_code AND b.hs_version = f.hs_version
JOIN {DKEYS} k ON k.reporter = f.reporter AND k.currency = f.currency AND k.partner = f.partner
WHERE f.flow = 'X' AND f.freq = 'M' AND b.basket = 'controlled'"""
    window = (
        f" AND (f.period BETWEEN {lit(before.first)} AND {lit(before.last)}"
        f" OR f.period BETWEEN {lit(after.first)} AND {lit(after.last)})"
    )
    rows = ctx.runner.rows(
        "diversion rows",
        f"""SELECT finding, source_id, source_line, total FROM (
  SELECT k.finding, f.source_id, f.source_line, COUNT(*) OVER (PARTITION BY k.finding) AS total,
         ROW_NUMBER() OVER (PARTITION BY k.finding
                            ORDER BY f.value DESC, f.source_id, f.source_line) AS row_rank
  {joined}{window}
) t WHERE row_rank <= {int(ctx.config.evidence_rows)} ORDER BY finding, source_id, source_line""",
    )
    for r in rows:
        refs[int(r["finding"])].append(RowRef("trade_flows", int(r["source_id"]), int(r["source_line"])))
        counts[int(r["finding"])] = int(r["total"])
    return dict(monthly), dict(refs), counts


def _exporter_label(r: dict[str, Any], eligible: dict[str, list[str]]) -> str:
    if r["exporter"] != "*":
        return text.possessive(text.country(r["exporter"]))
    members = eligible[r["currency"]]
    if set(members) <= text.EU27:
        return f"EU member states' ({len(members)} reporting)"
    return f"the {len(members)} reporters'"


def _headline(
    ctx: Context,
    r: dict[str, Any],
    before: Window,
    after: Window,
    placebo: Window,
    eligible: dict[str, list[str]],
    top: list[dict[str, Any]],
) -> str:
    """The sentence: the fall to the target, the rise to the intermediaries named with their
    ratios, against what control, the share of the fall it makes up and the products."""
    cfg = ctx.config.diversion
    currency = r["currency"]
    basket = "controlled goods" if cfg.controlled else "CHPL goods"
    controlled_before, controlled_after = r["target_controlled_before"], r["target_controlled_after"]
    dests = {d["partner"]: d for d in r["destinations"]}
    named = [
        f"{text.country(p)} "
        f"({text.times(dests[p]['controlled_ratio']) if dests[p]['controlled_ratio'] else 'from nothing'})"
        for p in r["intermediaries"][:6]
    ]
    more = len(r["intermediaries"]) - 6
    dids = ", ".join(
        f"{dests[p]['did']:+.2f}" for p in r["intermediaries"][:6] if dests[p]["did"] is not None
    )
    control = {
        "other goods": "rose far faster than other goods",
        "the same goods a period earlier": (
            f"rose far faster than in {before.label()} against {placebo.label()}"
        ),
        "none": "rose",
    }[r["control"]]
    headline = (
        f"After {ctx.policy.isoformat()}, {_exporter_label(r, eligible)} exports ({currency}) of {basket}"
        f" to {text.country(r['target'])} fell "
        f"{(1 - controlled_after / controlled_before) * 100:.1f}%"
        f" ({text.money(controlled_before, currency)} in {before.label()},"
        f" {text.money(controlled_after, currency)} in {after.label()}) "
        f"while those to "
        f"{text.join_names(named)}{f' and {more} more' if more > 0 else ''} {control}"
        + (f" (difference-in-differences {dids})" if dids else "")
    )
    if r["substitution_ratio"] is not None:
        headline += f"; the rise to these countries makes up {r['substitution_ratio'] * 100:.0f}% of the fall"
    if top:
        headline += "; products re-routed most: " + ", ".join(p["label"] for p in top[:3])
    return headline + "."


def _metrics(
    ctx: Context,
    r: dict[str, Any],
    windows: tuple[Window, Window, Window],
    eligible: dict[str, list[str]],
    top: list[dict[str, Any]],
    total_rows: int,
) -> dict[str, Any]:
    cfg = ctx.config.diversion
    before, after, placebo = windows
    controlled_before, controlled_after = r["target_controlled_before"], r["target_controlled_after"]
    return {
        "exporter": r["exporter"],
        "exporters": exporters_of(r, eligible),
        "currency": r["currency"],
        "target": r["target"],
        "basket": {"controlled": cfg.controlled or [CHPL_ALL], "other": cfg.other or ["everything else"]},
        "control": r["control"],
        "placebo": [placebo.first.isoformat()[:7], placebo.last.isoformat()[:7]],
        "target_controlled_placebo": r["target_controlled_placebo"],
        "before": [before.first.isoformat()[:7], before.last.isoformat()[:7]],
        "after": [after.first.isoformat()[:7], after.last.isoformat()[:7]],
        "policy_date": ctx.policy.isoformat(),
        "target_controlled_before": controlled_before,
        "target_controlled_after": controlled_after,
        "target_change_pct": (controlled_after / controlled_before - 1) * 100,
        "target_other_before": r["target_other_before"],
        "target_other_after": r["target_other_after"],
        "target_did": r["target_did"],
        "intermediaries": r["intermediaries"],
        "destinations": r["destinations"],
        "reference_median_did": r["reference_median_did"],
        "rise_to_intermediaries": r["rise_to_intermediaries"],
        "fall_to_target": r["fall_to_target"],
        "substitution_ratio": r["substitution_ratio"],
        "products": top,
        "product_level": cfg.product_level,
        "score_parts": {**r["score_parts"], "weights": WEIGHTS},
        "rows": total_rows,
    }


def _query(ctx: Context, r: dict[str, Any], members: list[str], controlled_sql: str) -> str:
    """The monthly exports to the target and the intermediaries, as anyone can rerun them."""
    partners = [r["target"], *r["intermediaries"]]
    currency = lit(r["currency"])
    return (
        f"{ctx.prepared.portable()}\n"
        "SELECT period, partner, SUM(value) AS value, COUNT(*) AS rows FROM flows\n"
        f"WHERE flow = 'X' AND freq = 'M' AND currency = {currency} AND reporter IN {in_list(members)}\n"
        f"  AND partner IN {in_list(partners)} AND {controlled_sql}\n"
        "GROUP BY period, partner ORDER BY period, partner"
    )


def _control_note(r: dict[str, Any], placebo: Window) -> str:
    """How the difference-in-differences was controlled, in words."""
    return {
        "other goods": ("DiD = ln(controlled after/before) - ln(other goods after/before), per destination"),
        "the same goods a period earlier": (
            f"other goods to {text.country(r['target'])} fell "
            f"{(1 - r['target_other_after'] / max(r['target_other_before'], 1)) * 100:.0f}% too,"
            f" so they are no control: DiD = ln(after/before) - ln(before/placebo), placebo "
            f"{placebo.label()}"
        ),
        "none": (
            "no control available (other goods collapsed too and no placebo period): named on growth alone"
        ),
    }[r["control"]]


def _notes(
    ctx: Context, r: dict[str, Any], windows: tuple[Window, Window, Window], members: list[str]
) -> list[str]:
    cfg = ctx.config.diversion
    before, after, placebo = windows
    return [
        f"before: {before.label()}, after: {after.label()} (policy date {ctx.policy.isoformat()})",
        f"controlled: "
        f"{', '.join(cfg.controlled) if cfg.controlled else 'CHPL codes (any tier, any HS edition)'};"
        f" other goods: "
        + (
            ", ".join(cfg.other)
            if cfg.other
            else "every other code (headings that may hold controlled codes left out)"
        ),
        f"only exporters that report every month of both windows: {', '.join(members)}",
        _control_note(r, placebo),
        f"intermediary when DiD >= {cfg.min_did} and controlled exports rose by"
        f" >= {text.money(cfg.min_rise, r['currency'])}",
        *ctx.prepared.notes,
    ]


def _chart(ctx: Context, r: dict[str, Any], before: Window) -> dict[str, Any]:
    exporter_title = r["exporter"] if r["exporter"] != "*" else "all reporters"
    return {
        "mark": "line",
        "x": "period",
        "x_type": "temporal",
        "y": "index",
        "color": "partner",
        "y_title": f"controlled exports, index ({before.label()} average = 100)",
        "title": f"{exporter_title} → {r['target']} and intermediaries ({r['currency']})",
        "rule": ctx.policy.isoformat(),
    }


def build_finding(
    ctx: Context,
    r: dict[str, Any],
    before: Window,
    after: Window,
    placebo: Window,
    controlled_sql: str,
    eligible: dict[str, list[str]],
    products: list[dict[str, Any]],
    monthly: list[dict[str, Any]],
    refs: list[RowRef],
    total_rows: int,
) -> Finding:
    windows = (before, after, placebo)
    top = products[: ctx.config.diversion.top_products]
    members = exporters_of(r, eligible)
    return Finding(
        kind=KIND,
        subject_type="route",
        subject=f"{r['exporter']}->{r['target']} via {'/'.join(r['intermediaries'])} [{r['currency']}]",
        headline=_headline(ctx, r, before, after, placebo, eligible, top),
        score=min(1.0, max(0.0, r["score"])),
        period_start=after.first,
        period_end=after.last,
        metrics=_metrics(ctx, r, windows, eligible, top, total_rows),
        evidence=Evidence(
            query=_query(ctx, r, members, controlled_sql),
            rows=refs,
            table=_index(monthly, before),
            notes=_notes(ctx, r, windows, members),
            chart=_chart(ctx, r, before),
        ),
    )


def _index(monthly: list[dict[str, Any]], before: Window) -> list[dict[str, Any]]:
    """Monthly controlled exports per destination, and as an index (before-window average = 100)
    so that a small neighbour and a large target fit on one chart."""
    months = {f"{y}-{m:02d}" for y, m in before.months()}
    base: dict[str, float] = defaultdict(float)
    for row in monthly:
        if row["period"] in months:
            base[row["partner"]] += row["value"] / len(months)
    out = []
    for row in monthly:
        b = base.get(row["partner"])
        out.append({**row, "index": round(row["value"] / b * 100, 2) if b else None})
    return out
