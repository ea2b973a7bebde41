"""What diversion compares: the windows (before and after the policy date, and a placebo year
before that, chosen per currency from the coverage of the series, so adding files never moves
them), the working tables it builds, the parts of its score and whose exports a series sums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.context import Context
from dualtrace.analytics.products import CHPL_ALL
from dualtrace.analytics.sql import lit

KIND = "diversion"
BASKET = "_an_basket"
WINDOWS = "_an_div"
DKEYS = "_an_dkeys"
WEIGHTS = {"collapse": 0.35, "did": 0.35, "substitution": 0.15, "size": 0.15}


def exporters_of(r: dict[str, Any], eligible: dict[str, list[str]]) -> list[str]:
    return eligible[r["currency"]] if r["exporter"] == "*" else [r["exporter"]]


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


def currencies_of(ctx: Context) -> list[str]:
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


def baskets(ctx: Context) -> tuple[list[tuple[str, str, str, str]], str]:
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
