"""The series generator: monthly flows with growth, seasonality and noise, and their calibration."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from typing import Any

from dualtrace.demo.scenario.model import Flow
from dualtrace.demo.scenario.trade.timeline import MONTHS, SEASON, is_post


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:trade")
        self.flows: list[Flow] = []

    # -- series -------------------------------------------------------------------------------
    def series(
        self,
        *,
        source: str,
        file: str,
        reporter: str,
        partner: str,
        flow: str,
        code: str,
        base: float,
        mult: Callable[[int, int], float],
        months: Iterable[tuple[int, int]] = MONTHS,
        growth: float = 0.05,
        sigma: float = 0.12,
        usd_per_kg: float,
        unit: str = "kg",
        per_kg: float = 1.0,
        tags: tuple[str, ...] = (),
    ) -> None:
        rng = self.rng
        for y, m in months:
            expected = base * (1 + growth) ** (y - 2019 + (m - 1) / 12) * SEASON[m - 1] * mult(y, m)
            s = sigma if expected > 50_000 else sigma * 2.5
            value = expected * math.exp(rng.gauss(0, s))
            if expected < 5_000 and rng.random() < 0.35:
                continue  # small flows are not reported every month
            if value < 50:
                continue
            kg = max(1, round(value / (usd_per_kg * math.exp(rng.gauss(0, 0.08)))))
            qty = max(1, round(kg * per_kg)) if unit != "kg" else kg
            self.flows.append(
                Flow(
                    source=source,  # type: ignore[arg-type]
                    file=file,
                    reporter=reporter,
                    partner=partner,
                    flow=flow,  # type: ignore[arg-type]
                    code=code,
                    year=y,
                    month=m,
                    value=max(1, round(value)),
                    net_kg=kg,
                    qty=qty,
                    qty_unit=unit,
                    tags=tags,
                )
            )

    def select(self, **conds: Any) -> list[Flow]:
        out = []
        for f in self.flows:
            ok = True
            for k, v in conds.items():
                attr = getattr(f, k) if k != "tag" else f.tags
                if k == "tag":
                    ok = v in attr
                elif isinstance(v, (tuple, list, set, frozenset)):
                    ok = attr in v
                else:
                    ok = attr == v
                if not ok:
                    break
            if ok:
                out.append(f)
        return out


def total(flows: Iterable[Flow], year: int | None = None, field: str = "value") -> int:
    return sum(getattr(f, field) for f in flows if year is None or f.year == year)


def rescale(flows: Iterable[Flow], factor: float) -> None:
    for f in flows:
        f.value = max(1, round(f.value * factor))
        f.net_kg = max(1, round(f.net_kg * factor))
        if f.qty is not None:
            f.qty = max(1, round(f.qty * factor))


def calibrate_ratio(flows: list[Flow], target: float, base_year: int = 2021, year: int = 2023) -> None:
    """Scale the post-war part of ``flows`` so that total(year) / total(base_year) == target."""
    base, now = total(flows, base_year), total(flows, year)
    rescale([f for f in flows if is_post(f.year, f.month)], target * base / now)
