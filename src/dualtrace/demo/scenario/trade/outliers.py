"""Unit-value outliers planted in a few flows (a twentyfold unit value)."""

from __future__ import annotations

import statistics
from typing import Any

from dualtrace.demo.scenario.trade.files import F_CHN
from dualtrace.demo.scenario.trade.generator import Generator

# Unit-value outliers: (file, reporter, partner, code, year, month)
OUTLIERS = [
    (F_CHN, "CHN", "KGZ", "854239", 2023, 3),
    (F_CHN, "CHN", "KAZ", "848210", 2022, 11),
    (F_CHN, "CHN", "ARM", "851762", 2023, 8),
    ("comext", "LT", "KG", None, 2023, 5),
    ("comext", "PL", "KZ", None, 2022, 9),
]


def plant_outliers(g: Generator) -> list[dict[str, Any]]:
    out = []
    for file, reporter, partner, code, year, month in OUTLIERS:
        if file == "comext":
            pool = g.select(source="comext", reporter=reporter, partner=partner, tag="eu_controlled")
            code = sorted({f.code for f in pool})[0]
        else:
            pool = g.select(file=file, reporter=reporter, partner=partner)
        assert code is not None
        cands = sorted(
            (f for f in pool if f.code == code),
            key=lambda f: abs((f.year - year) * 12 + f.month - month),
        )
        target = cands[0]
        others = [
            f.value / f.net_kg
            for f in g.flows
            if f.code == code and f is not target and f.source == target.source
        ]
        norm = statistics.median(others)
        target.net_kg = max(1, round(target.value / (20 * norm)))
        if target.qty_unit == "kg":
            target.qty = target.net_kg
        target.tags = (*target.tags, "unit_value_outlier")
        out.append({"flow": target, "norm": norm})
    return out
