"""Monthly trade flows 2019-01..2024-12 with planted patterns, and the exact planted figures.

Generation works on :class:`Flow` records: each series (reporter, partner, product) is a base level
with growth, seasonality and noise, times a multiplier after the invasion (from 2022-03). Headline
patterns are then *calibrated*: the post-invasion part of a group of series is scaled so that the
figure the brief asks for (a -90 % collapse, a 30x ratio, a 90 % share...) holds on the data.
:func:`patterns` recomputes every figure from the final records, which are exactly what is written.

timeline, files, hs, comext_tables, comtrade_tables: what the data covers; generator: one series
and its calibration; comext, comtrade: the flows of each source; outliers: planted unit values.
"""

from __future__ import annotations

from typing import Any

from dualtrace.demo.scenario.model import Flow
from dualtrace.demo.scenario.trade.comext import comext_exports
from dualtrace.demo.scenario.trade.comext_tables import (
    CN8_CONTROL,
    CN8_CONTROLLED,
    CN8_META,
    EU_DECLARANTS,
    EU_PARTNERS,
    EU_TARGETS,
)
from dualtrace.demo.scenario.trade.comtrade import chn_exports, deu_from_comext, mirrors, others_to_russia
from dualtrace.demo.scenario.trade.comtrade_tables import (
    COMTRADE_CODE,
    COMTRADE_DESC,
    MIRROR_CHN,
    MIRROR_CONTROLS,
    MIRROR_DEU,
    MIRROR_RATIO,
)
from dualtrace.demo.scenario.trade.files import F_CHN, F_DEU, F_MIRROR, F_RUS, F_WORLD_RUS, comext_file
from dualtrace.demo.scenario.trade.generator import Generator
from dualtrace.demo.scenario.trade.hs import HS
from dualtrace.demo.scenario.trade.outliers import plant_outliers
from dualtrace.demo.scenario.trade.timeline import MONTHS, USD_PER_EUR, YEARS

__all__ = [
    "CN8_CONTROL",
    "CN8_CONTROLLED",
    "CN8_META",
    "COMTRADE_CODE",
    "COMTRADE_DESC",
    "EU_DECLARANTS",
    "EU_PARTNERS",
    "EU_TARGETS",
    "F_CHN",
    "F_DEU",
    "F_MIRROR",
    "F_RUS",
    "F_WORLD_RUS",
    "HS",
    "MIRROR_CHN",
    "MIRROR_CONTROLS",
    "MIRROR_DEU",
    "MIRROR_RATIO",
    "MONTHS",
    "USD_PER_EUR",
    "YEARS",
    "comext_file",
    "generate",
]


def generate(seed: int) -> tuple[list[Flow], list[dict[str, Any]]]:
    g = Generator(seed)
    comext_exports(g)
    chn_exports(g)
    deu_from_comext(g)
    others_to_russia(g)
    mirrors(g)
    outliers = plant_outliers(g)
    order = {F_CHN: 0, F_WORLD_RUS: 1, F_DEU: 2, F_MIRROR: 3, F_RUS: 4}
    g.flows.sort(key=lambda f: (order.get(f.file, 9), f.file, f.year, f.month, f.reporter, f.partner, f.code))
    return g.flows, outliers
