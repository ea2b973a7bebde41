"""Diversion through third countries: controlled goods that stop going to a target country and
start going to its neighbours (the "Eurasian roundabout").

For each exporter (every reporter together, per currency, and each reporter on its own) and
target (default Russia), exports are split into

- two baskets: *controlled* goods (default: the CHPL, any tier; or ``diversion.controlled`` HS
  prefixes) and *other* goods (``diversion.other``, default: everything else; a heading that
  may hold controlled codes counts in neither);
- windows around the policy date (default 2022-02-24): *after* is the first full calendar year
  after it when the data covers it, else the months after it up to a year; *before* is the
  baseline year (or the same months a year before the after window); *placebo* is the before
  window moved back by the same distance (before vs placebo = growth with no policy change).

Per destination d the difference-in-differences (a floor is added to every amount) uses the
best control the data allows:

- other goods: DiD_d = ln(controlled after/before) - ln(other after/before), valid when other
  goods to the target did not collapse too (ratio >= 0.5; a file of export-banned goods only,
  like the Eurostat extract of the Reg. 833 annexes, has no untreated goods);
- else the same goods a period earlier: DiD_d = ln(after/before) - ln(before/placebo);
- else none (intermediaries are then named on growth alone, and the notes say so).

Intermediaries are the destinations (other than the targets and ``also_restricted``) with
DiD >= ``min_did`` and a rise of controlled exports >= ``min_rise``. DDD_d = DiD_d minus the
median DiD of the other destinations (when there are some). The substitution ratio is the rise
of controlled exports to the intermediaries over their fall to the target. The products
re-routed are those whose exports to the target fell while those to the intermediaries rose,
largest first.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from dualtrace.analytics.context import Context
from dualtrace.analytics.diversion_finding import build_finding, finding_evidence, products_rerouted
from dualtrace.analytics.diversion_measures import Measures, control, score_parts, strength
from dualtrace.analytics.diversion_plan import (
    BASKET,
    KIND,
    WEIGHTS,
    WINDOWS,
    Window,
    baskets,
    currencies_of,
    windows,
)
from dualtrace.analytics.evidence import Fetched, Pending, SeriesKey
from dualtrace.analytics.flows import FLOWS
from dualtrace.analytics.products import CHPL_ALL
from dualtrace.analytics.sql import in_list, lit
from dualtrace.analytics.trace import Trace
from dualtrace.findings import Finding

# what a series (exporter -> target, currency) must pass, in order (analyze --explain)
FILTERS = (
    "target in the exporter's data",
    "target's controlled exports fell >= min_target_fall",
    "a destination with DiD >= min_did and a rise >= min_rise",
    "kept (max_findings)",
)


def run(ctx: Context) -> Pending | list[Finding]:
    """Per currency, windows from the coverage of that currency's coded exports (a file ending in
    2022-11 is compared Mar-Nov 2022 against Mar-Nov 2021 whatever else is loaded)."""
    cfg = ctx.config.diversion
    if cfg.before:
        groups: list[tuple[tuple[Window, Window, Window], list[str] | None]] = [(windows(ctx), None)]
    else:
        by_windows: dict[tuple[date, date, date, date, date, date], list[str]] = defaultdict(list)
        chosen: dict[tuple[date, date, date, date, date, date], tuple[Window, Window, Window]] = {}
        for currency in currencies_of(ctx):
            w = windows(ctx, currency)
            key = (w[0].first, w[0].last, w[1].first, w[1].last, w[2].first, w[2].last)
            by_windows[key].append(currency)
            chosen[key] = w
        groups = [(chosen[k], by_windows[k]) for k in sorted(by_windows)]
    trace = ctx.trace(KIND)
    trace.instrumented = True
    for name in FILTERS:
        trace.filter(name)
    for (before, after, placebo), currencies in groups:
        trace.windows.append(
            {
                "series": "exports of each exporter (and all together) to " + ", ".join(cfg.targets),
                "currency": ", ".join(currencies) if currencies else "every currency",
                "before": before.label(),
                "after": after.label(),
                "placebo": placebo.label(),
                "chosen": "configured" if cfg.before else "from the coverage of coded monthly exports",
            }
        )
    if not groups:
        trace.notes.append("no monthly exports of product codes: no windows to compare")
        return []  # no monthly flows of product codes: no windows to compare
    rows, controlled_sql = baskets(ctx)
    if not any(r[2] == "controlled" for r in rows):
        trace.notes.append("no product code of the data is in the controlled basket")
        return []
    ctx.runner.register(BASKET, ["hs_code", "hs_version", "basket", "product"], rows)
    parts = [
        part
        for g, (w, currencies) in enumerate(groups)
        if (part := _run_windows(ctx, w, currencies, controlled_sql, f"v{g}")) is not None
    ]
    if not parts:
        return []

    def finish(got: Fetched) -> list[Finding]:
        return [f for part in parts for f in part(got)]

    return Pending(finish)


def _eligible(
    ctx: Context, w: tuple[Window, Window, Window], currencies: list[str] | None
) -> tuple[dict[str, list[str]], dict[str, bool]]:
    """Exporters that report every month of both windows, per currency: only they are compared
    (and the placebo window is used only when every one of them covers it too)."""
    before, after, placebo = w
    areas = set(ctx.prepared.areas)
    needed = set(before.months()) | set(after.months())
    eligible: dict[str, list[str]] = defaultdict(list)
    placebo_ok: dict[str, bool] = {}
    for (reporter, flow, currency), months in sorted(ctx.prepared.coverage.coded_months().items()):
        if currencies is not None and currency not in currencies:
            continue
        if flow == "X" and reporter not in areas and needed <= months:
            eligible[currency].append(reporter)
            placebo_ok[currency] = placebo_ok.get(currency, True) and set(placebo.months()) <= months
    trace = ctx.trace(KIND)
    if not eligible:
        trace.notes.append(
            f"no exporter reports every month of {before.label()} and {after.label()}"
            f" in {', '.join(currencies) if currencies else 'any currency'}: nothing tested"
        )
    for currency, reporters in sorted(eligible.items()):
        trace.notes.append(
            f"{currency}: {len(reporters)} exporters report every month of both windows"
            f" ({', '.join(reporters[:12])}{' ...' if len(reporters) > 12 else ''})"
        )
    return eligible, placebo_ok


def _scan_windows(ctx: Context, w: tuple[Window, Window, Window], exporters: list[str]) -> None:
    """One scan, two groupings: the window sums per product, and the monthly sums per basket
    (the chart of the evidence)."""
    before, after, placebo = w
    areas = sorted(ctx.prepared.areas)

    def window_sum(window: Window, name: str) -> str:
        return (
            f"SUM(CASE WHEN f.period BETWEEN {lit(window.first)} AND {lit(window.last)}"
            f" THEN f.value ELSE 0 END) AS {name}"
        )

    ctx.runner.table(
        WINDOWS,
        f"""SELECT f.reporter, f.partner, f.currency, k.basket, k.product, f.period,
       {window_sum(before, "before_value")},
       {window_sum(after, "after_value")},
       {window_sum(placebo, "placebo_value")},
       SUM(f.value) AS month_value
FROM {FLOWS} f JOIN {BASKET} k ON k.hs_code = f.hs_code AND k.hs_version = f.hs_version
WHERE f.flow = 'X' AND f.freq = 'M'
  AND f.reporter IN {in_list(exporters)} AND f.partner NOT IN {in_list(areas)}
GROUP BY GROUPING SETS ((f.reporter, f.partner, f.currency, k.basket, k.product),
                        (f.reporter, f.partner, f.currency, k.basket, f.period))""",
        "diversion windows",
    )


# (exporter or "*", currency) -> partner -> basket -> [before, after, placebo]
Cube = dict[tuple[str, str], dict[str, dict[str, list[float]]]]


def _cube(ctx: Context, eligible: dict[str, list[str]]) -> Cube:
    """The window totals per exporter (and all exporters together), partner and basket."""
    totals = ctx.runner.rows(
        "diversion totals",
        "SELECT reporter, partner, currency, basket, SUM(before_value) AS before_value,"
        " SUM(after_value) AS after_value, SUM(placebo_value) AS placebo_value"
        f" FROM {WINDOWS} WHERE period IS NULL"
        " GROUP BY reporter, partner, currency, basket",
    )
    cube: Cube = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0.0])))
    for r in totals:
        if r["reporter"] not in eligible.get(r["currency"], []):
            continue
        for exporter in ("*", r["reporter"]) if ctx.config.diversion.per_reporter else ("*",):
            cell = cube[(exporter, r["currency"])][r["partner"]][r["basket"]]
            cell[0] += float(r["before_value"])
            cell[1] += float(r["after_value"])
            cell[2] += float(r["placebo_value"])
    return cube


def _kept_results(ctx: Context, cube: Cube, placebo_ok: dict[str, bool]) -> list[dict[str, Any]]:
    """Every (exporter, target) analysed; the all-reporters findings first, then the strongest
    single reporters up to max_findings."""
    results = []
    for (exporter, currency), by_partner in cube.items():
        for target in ctx.config.diversion.targets:
            found = _analyse(ctx, exporter, currency, target, by_partner, placebo_ok.get(currency, False))
            if found is not None:
                results.append(found)
    results.sort(key=lambda r: -r["score"])
    keep = [r for r in results if r["exporter"] == "*"]
    keep += [r for r in results if r["exporter"] != "*"][: max(0, ctx.config.max_findings - len(keep))]
    ctx.trace(KIND).passed(FILTERS[3], len(keep))
    return keep


def _evidence_key(tag: str, i: int, partner: str) -> str:
    return f"{tag}{i:04d}:{partner}"


def _ask_shared_evidence(ctx: Context, keep: list[dict[str, Any]], after: Window, tag: str) -> None:
    """The CHPL basket is a product category: the run's shared evidence pass finds its rows."""
    for i, r in enumerate(keep):
        for partner in [r["target"], *r["intermediaries"]]:
            ctx.evidence.add(
                _evidence_key(tag, i, partner),
                SeriesKey("category", CHPL_ALL, r["exporter"], partner, "X", r["currency"]),
                series=False,
                rows=(after.first, after.last),
                limit=max(10, ctx.config.evidence_rows // (1 + len(r["intermediaries"]))),
            )


def _run_windows(
    ctx: Context,
    w: tuple[Window, Window, Window],
    currencies: list[str] | None,
    controlled_sql: str,
    tag: str,
) -> Callable[[Fetched], list[Finding]] | None:
    """The diversion findings of one set of windows (for the given currencies, or all)."""
    before, after, placebo = w
    eligible, placebo_ok = _eligible(ctx, w, currencies)
    if not eligible:
        return None
    _scan_windows(ctx, w, sorted({r for rs in eligible.values() for r in rs}))
    keep = _kept_results(ctx, _cube(ctx, eligible), placebo_ok)
    if not keep:
        return None
    products = products_rerouted(ctx, keep, eligible)
    monthly, refs, counts = finding_evidence(ctx, keep, eligible, before, after)
    shared = not ctx.config.diversion.controlled
    if shared:
        _ask_shared_evidence(ctx, keep, after, tag)

    def finish(got: Fetched) -> list[Finding]:
        out = []
        for i, r in enumerate(keep):
            rows, total = refs.get(i, []), counts.get(i, 0)
            if shared:
                for partner in [r["target"], *r["intermediaries"]]:
                    rows = rows + got.refs.get(_evidence_key(tag, i, partner), [])
                    total += got.totals.get(_evidence_key(tag, i, partner), 0)
            out.append(
                build_finding(
                    ctx,
                    r,
                    before,
                    after,
                    placebo,
                    controlled_sql,
                    eligible,
                    products.get(i, []),
                    monthly.get(i, []),
                    rows,
                    total,
                )
            )
        return out

    return finish


def _collapsed(ctx: Context, series: str, controlled_before: float, controlled_after: float) -> bool:
    """Whether controlled exports to the target fell enough (else the series' miss is traced):
    without a collapse of direct exports nothing is being diverted away from the target."""
    cfg = ctx.config.diversion
    floor = ctx.config.surge.floors.value
    trace = ctx.trace(KIND)
    fall_share = 1 - controlled_after / controlled_before if controlled_before > 0 else 0.0
    if controlled_before >= 10 * floor and controlled_after <= controlled_before * (1 - cfg.min_target_fall):
        return True
    figures = {
        "target_controlled_before": controlled_before,
        "target_controlled_after": controlled_after,
        "target_change_pct": -fall_share * 100 if controlled_before > 0 else None,
    }
    if controlled_before < 10 * floor:
        trace.miss(
            series,
            f"controlled exports before >= 10 floors ({10 * floor:,.0f})",
            controlled_before / (10 * floor),
            figures,
        )
    else:
        trace.miss(
            series, f"min_target_fall {cfg.min_target_fall}", fall_share / cfg.min_target_fall, figures
        )
    return False


def _destinations(
    ctx: Context, by_partner: dict[str, dict[str, list[float]]], measures: Measures
) -> list[dict[str, Any]]:
    """The figures of every destination that may be an intermediary."""
    cfg = ctx.config.diversion
    skip = set(cfg.targets) | set(cfg.also_restricted)
    candidates = [
        p for p in by_partner if p not in skip and (not cfg.intermediaries or p in cfg.intermediaries)
    ]
    destinations: list[dict[str, Any]] = []
    for p in candidates:
        cell = by_partner[p]
        before, after, placebo = cell["controlled"]
        other_before, other_after = cell["other"][0], cell["other"][1]
        if max(before, after) < measures.floor:
            continue
        destinations.append(
            {
                "partner": p,
                "controlled_placebo": placebo,
                "controlled_before": before,
                "controlled_after": after,
                "other_before": other_before,
                "other_after": other_after,
                "controlled_ratio": after / before if before else None,
                "other_ratio": other_after / other_before if other_before else None,
                "did": measures.did(cell),
                "growth_log": measures.log_ratio(after, before),
            }
        )
    return destinations


def _analyse(
    ctx: Context,
    exporter: str,
    currency: str,
    target: str,
    by_partner: dict[str, dict[str, list[float]]],
    placebo_ok: bool,
) -> dict[str, Any] | None:
    cfg = ctx.config.diversion
    floor = ctx.config.surge.floors.value
    trace = ctx.trace(KIND)
    trace.tested += 1
    series = f"{exporter if exporter != '*' else 'all reporters'}->{target} [{currency}]"
    to_target = by_partner.get(target)
    if not to_target:
        return None
    controlled_before, controlled_after, _ = to_target["controlled"]
    other_before, other_after, _ = to_target["other"]
    trace.passed(FILTERS[0])
    if not _collapsed(ctx, series, controlled_before, controlled_after):
        return None
    trace.passed(FILTERS[1])
    measures = Measures(floor, control(other_before, other_after, floor, placebo_ok))
    destinations = _destinations(ctx, by_partner, measures)
    min_growth = cfg.min_did if measures.control == "none" else 0.0
    flagged = [
        d
        for d in destinations
        if strength(d) >= cfg.min_did
        and d["growth_log"] >= min_growth
        and d["controlled_after"] - d["controlled_before"] >= cfg.min_rise
    ]
    if not flagged:
        _near_destination(
            trace,
            series,
            destinations,
            cfg.min_did,
            cfg.min_rise,
            min_growth,
            controlled_before,
            controlled_after,
        )
        return None
    trace.passed(FILTERS[2])
    reference = [d["did"] for d in destinations if d not in flagged and d["did"] is not None]
    ref_median = statistics.median(reference) if reference else None
    for d in destinations:
        d["ddd"] = d["did"] - ref_median if ref_median is not None and d["did"] is not None else None
        d["intermediary"] = d in flagged
    flagged.sort(key=lambda d: -strength(d))
    rise = sum(d["controlled_after"] - d["controlled_before"] for d in flagged)
    fall = controlled_before - controlled_after
    parts = score_parts(flagged, measures, controlled_before, controlled_after)
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    if exporter != "*":
        score *= 0.9  # the all-reporters view states the pattern; single reporters detail it
    if measures.control == "none":
        score *= 0.8
    return {
        "exporter": exporter,
        "currency": currency,
        "target": target,
        "control": measures.control,
        "target_controlled_placebo": to_target["controlled"][2],
        "target_controlled_before": controlled_before,
        "target_controlled_after": controlled_after,
        "target_other_before": other_before,
        "target_other_after": other_after,
        "target_did": measures.did(to_target),
        "destinations": sorted(destinations, key=lambda d: -strength(d)),
        "intermediaries": [d["partner"] for d in flagged],
        "rise_to_intermediaries": rise,
        "fall_to_target": fall,
        "substitution_ratio": rise / fall if fall > 0 else None,
        "reference_median_did": ref_median,
        "score_parts": parts,
        "score": score,
    }


def _near_destination(
    trace: Trace,
    series: str,
    destinations: list[dict[str, Any]],
    min_did: float,
    min_rise: float,
    min_growth: float,
    target_before: float,
    target_after: float,
) -> None:
    """The destination that came closest to being an intermediary, as the series' miss."""
    best: tuple[float, str, dict[str, Any]] | None = None
    for d in destinations:
        strength = d["did"] if d["did"] is not None else d["growth_log"]
        rise = d["controlled_after"] - d["controlled_before"]
        checks = {
            f"min_did {min_did}": strength / min_did,
            f"min_rise {min_rise:,.0f}": rise / min_rise,
        }
        if min_growth > 0:
            checks[f"growth >= {min_growth} log points"] = d["growth_log"] / min_growth
        stop = min(checks, key=lambda k: checks[k])
        if best is None or checks[stop] > best[0]:
            figures = {
                "destination": d["partner"],
                "did": d["did"],
                "growth_log": d["growth_log"],
                "rise": rise,
                "target_controlled_before": target_before,
                "target_controlled_after": target_after,
            }
            best = (checks[stop], stop, figures)
    if best is None:
        trace.miss(series, "a destination with controlled exports", 0.0, {"destinations": 0})
    else:
        trace.miss(series, best[1], best[0], best[2])
