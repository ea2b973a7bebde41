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

import math
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import Fetched, Pending, SeriesKey
from dualtrace.analytics.flows import FLOWS
from dualtrace.analytics.products import CHPL_ALL
from dualtrace.analytics.sql import in_list, lit
from dualtrace.analytics.trace import Trace
from dualtrace.findings import Evidence, Finding, RowRef

KIND = "diversion"
BASKET = "_an_basket"
WINDOWS = "_an_div"
DKEYS = "_an_dkeys"
# what a series (exporter -> target, currency) must pass, in order (analyze --explain)
FILTERS = (
    "target in the exporter's data",
    "target's controlled exports fell >= min_target_fall",
    "a destination with DiD >= min_did and a rise >= min_rise",
    "kept (max_findings)",
)
WEIGHTS = {"collapse": 0.35, "did": 0.35, "substitution": 0.15, "size": 0.15}


@dataclass
class Window:
    first: date
    last: date

    def months(self) -> list[tuple[int, int]]:
        out, (y, m) = [], (self.first.year, self.first.month)
        while (y, m) <= (self.last.year, self.last.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def label(self) -> str:
        if self.first.month == 1 and self.last.month == 12 and self.first.year == self.last.year:
            return str(self.first.year)
        if self.first.year == self.last.year:
            return f"{text.month_name(self.first.month)}-{text.month_name(self.last.month)} {self.first.year}"
        return f"{self.first:%Y-%m} to {self.last:%Y-%m}"


def _month(text_month: str) -> date:
    return date(int(text_month[:4]), int(text_month[5:7]), 1)


def _shift(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def windows(ctx: Context, currency: str | None = None) -> tuple[Window, Window, Window]:
    """(before, after, placebo) windows: the configured ones, else chosen from the coverage of
    the series tested (the exporters reporting product codes in ``currency``)."""
    cfg = ctx.config.diversion
    if cfg.before:
        before = Window(_month(cfg.before[0]), _month(cfg.before[1]))
        after = Window(_month(cfg.after[0]), _month(cfg.after[1]))
    else:
        before, after = _auto_windows(ctx, _last_month(ctx, currency))
    gap = (after.first.year - before.first.year) * 12 + after.first.month - before.first.month
    placebo = Window(_shift(before.first, gap), _shift(before.last, gap))
    return before, after, placebo


def _last_month(ctx: Context, currency: str | None) -> tuple[int, int] | None:
    """The last month the exporters of product codes cover (in one currency): a file of totals
    that runs longer does not move the windows of the goods it has no codes for."""
    areas = set(ctx.prepared.areas)
    found = [
        max(months)
        for (reporter, flow, cur), months in ctx.prepared.coverage.coded_months().items()
        if months and flow == "X" and reporter not in areas and (currency is None or cur == currency)
    ]
    return max(found) if found else None


def _currencies(ctx: Context) -> list[str]:
    areas = set(ctx.prepared.areas)
    return sorted(
        {
            cur
            for (reporter, flow, cur), months in ctx.prepared.coverage.coded_months().items()
            if months and flow == "X" and reporter not in areas
        }
    )


def _auto_windows(ctx: Context, last: tuple[int, int] | None) -> tuple[Window, Window]:
    policy = ctx.policy
    if last is None:
        raise ValueError("no monthly trade flows")
    next_year = policy.year + 1
    if last >= (next_year, 12):
        base = ctx.baseline
        return Window(date(base, 1, 1), date(base, 12, 1)), Window(
            date(next_year, 1, 1), date(next_year, 12, 1)
        )
    first = policy.replace(day=1) if policy.day == 1 else _shift(policy.replace(day=1), -1)
    months = 0
    end = first
    while (end.year, end.month) < last and months < 11:
        end = _shift(end, -1)
        months += 1
    after = Window(first, end)
    shift = 12
    while _shift(end, shift) >= policy.replace(day=1):
        shift += 12
    return Window(_shift(first, shift), _shift(end, shift)), after


def _baskets(ctx: Context) -> tuple[list[tuple[str, str, str, str]], str]:
    """(hs_code, hs_version, basket, product) for every numeric code, and the controlled predicate."""
    cfg = ctx.config.diversion
    level = cfg.product_level
    codes = sorted({(c, v) for c, v, lv, _ in ctx.products.rows if lv == "code"})
    by_level: dict[tuple[str, str], str] = {(c, v): p for c, v, lv, p in ctx.products.rows if lv == level}
    chpl = ctx.products.members.get(("category", CHPL_ALL), set())
    if cfg.controlled:
        controlled = {(c, v) for c, v in codes if any(c.startswith(p) for p in cfg.controlled)}
        predicate = "(" + " OR ".join(f"LEFT(hs_code, {len(p)}) = {lit(p)}" for p in cfg.controlled) + ")"
        wide = list(cfg.controlled)
    else:
        controlled = set(chpl)
        predicate = ctx.products.predicate("category", CHPL_ALL)
        wide = sorted({c[:6] for c, _ in chpl})
    rows = []
    for code, version in codes:
        product = by_level.get((code, version), code[:4])
        if (code, version) in controlled:
            rows.append((code, version, "controlled", product))
        elif cfg.other:
            if any(code.startswith(p) for p in cfg.other):
                rows.append((code, version, "other", product))
        elif not any(w.startswith(code) for w in wide):
            rows.append((code, version, "other", product))
    return rows, predicate


def run(ctx: Context) -> Pending | list[Finding]:
    """Per currency, windows from the coverage of that currency's coded exports (a file ending in
    2022-11 is compared Mar-Nov 2022 against Mar-Nov 2021 whatever else is loaded)."""
    cfg = ctx.config.diversion
    if cfg.before:
        groups: list[tuple[tuple[Window, Window, Window], list[str] | None]] = [(windows(ctx), None)]
    else:
        by_windows: dict[tuple[date, date, date, date, date, date], list[str]] = defaultdict(list)
        chosen: dict[tuple[date, date, date, date, date, date], tuple[Window, Window, Window]] = {}
        for currency in _currencies(ctx):
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
    rows, controlled_sql = _baskets(ctx)
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
    products = _products(ctx, keep, eligible)
    monthly, refs, counts = _evidence(ctx, keep, eligible, before, after)
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
                _finding(
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


def _control(other_before: float, other_after: float, floor: float, placebo_ok: bool) -> str:
    """The control: other goods, unless they collapsed to the target too (then they are treated,
    not a control), else the same goods one period earlier, else none."""
    if other_before >= 10 * floor and other_after >= 0.5 * other_before:
        return "other goods"
    if placebo_ok:
        return "the same goods a period earlier"
    return "none"


class _Measures:
    """Log growth and difference-in-differences of one basket cell, under one control."""

    def __init__(self, floor: float, control: str) -> None:
        self.floor = floor
        self.control = control

    def log_ratio(self, a: float, b: float) -> float:
        return math.log((a + self.floor) / (b + self.floor))

    def did(self, cell: dict[str, list[float]]) -> float | None:
        (before, after, placebo), (other_before, other_after, _) = cell["controlled"], cell["other"]
        if self.control == "other goods":
            return self.log_ratio(after, before) - self.log_ratio(other_after, other_before)
        if self.control == "none":
            return None
        return self.log_ratio(after, before) - self.log_ratio(before, placebo)


def _destinations(
    ctx: Context, by_partner: dict[str, dict[str, list[float]]], measures: _Measures
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


def _strength(d: dict[str, Any]) -> float:
    return float(d["did"] if d["did"] is not None else d["growth_log"])


def _score_parts(
    flagged: list[dict[str, Any]], measures: _Measures, controlled_before: float, controlled_after: float
) -> dict[str, float]:
    rise = sum(d["controlled_after"] - d["controlled_before"] for d in flagged)
    fall = controlled_before - controlled_after
    floor = measures.floor
    return {
        "collapse": min(1.0, abs(measures.log_ratio(controlled_after, controlled_before)) / math.log(10)),
        "did": min(1.0, max(_strength(d) for d in flagged) / math.log(10)),
        "substitution": min(1.0, rise / fall) if fall > 0 else 0.0,
        "size": max(0.0, min(1.0, math.log10(max(fall, floor) / floor) / 4)),
    }


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
    measures = _Measures(floor, _control(other_before, other_after, floor, placebo_ok))
    destinations = _destinations(ctx, by_partner, measures)
    min_growth = cfg.min_did if measures.control == "none" else 0.0
    flagged = [
        d
        for d in destinations
        if _strength(d) >= cfg.min_did
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
    flagged.sort(key=lambda d: -_strength(d))
    rise = sum(d["controlled_after"] - d["controlled_before"] for d in flagged)
    fall = controlled_before - controlled_after
    parts = _score_parts(flagged, measures, controlled_before, controlled_after)
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
        "destinations": sorted(destinations, key=lambda d: -_strength(d)),
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


def _members(r: dict[str, Any], eligible: dict[str, list[str]]) -> list[str]:
    return eligible[r["currency"]] if r["exporter"] == "*" else [r["exporter"]]


def _products(
    ctx: Context, keep: list[dict[str, Any]], eligible: dict[str, list[str]]
) -> dict[int, list[dict[str, Any]]]:
    """Per finding, the controlled products whose exports to the target fell while those to the
    intermediaries rose, largest re-routing first."""
    keys = []
    for i, r in enumerate(keep):
        for reporter in _members(r, eligible):
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


def _evidence(
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
        for reporter in _members(r, eligible):
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
        "exporters": _members(r, eligible),
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


def _finding(
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
    members = _members(r, eligible)
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
