"""Monthly trade flows 2019-01..2024-12 with planted patterns, and the exact planted figures.

Generation works on :class:`Flow` records: each series (reporter, partner, product) is a base level
with growth, seasonality and noise, times a multiplier after the invasion (from 2022-03). Headline
patterns are then *calibrated*: the post-invasion part of a group of series is scaled so that the
figure the brief asks for (a -90 % collapse, a 30x ratio, a 90 % share...) holds on the data.
:func:`patterns` recomputes every figure from the final records, which are exactly what is written.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dualtrace.demo.scenario.model import Flow

YEARS = range(2019, 2025)
MONTHS = [(y, m) for y in YEARS for m in range(1, 13)]
SEASON = (0.86, 0.80, 1.00, 0.98, 1.00, 1.03, 0.98, 0.95, 1.02, 1.06, 1.10, 1.22)
POST = (2022, 3)  # first month after the invasion of 2022-02-24
# USD per EUR, annual averages (approximate), used to derive Comtrade rows of EU reporters
USD_PER_EUR = {2019: 1.1195, 2020: 1.1422, 2021: 1.1827, 2022: 1.0530, 2023: 1.0813, 2024: 1.0824}

F_CHN = "trade/comtrade_CHN_X_2019-2024.csv"
F_WORLD_RUS = "trade/comtrade_partners_X_RUS_2019-2024.csv"
F_DEU = "trade/comtrade_DEU_X_2019-2024.csv"
F_MIRROR = "trade/comtrade_KAZ_KGZ_M_2019-2024.csv"
F_RUS = "trade/comtrade_RUS_M_2019-2021.csv"


def comext_file(year: int) -> str:
    return f"trade/comext_{year}.csv"


@dataclass(frozen=True)
class HS6:
    code: str
    desc: str
    usd_per_kg: float
    unit: str = "kg"  # Comtrade quantity unit: kg or u (number of items)
    per_kg: float = 1.0  # items per kg when unit is u


_RC = (
    "Unmanned aircraft; for remote-controlled flight only, for other than for carriage of "
    "passengers, with the maximum take-off weight of "
)
_AUTO = (
    "Unmanned aircraft; for other than remote-controlled flight and other than for carriage of "
    "passengers with a maximum take-off weight "
)

HS = {
    h.code: h
    for h in [
        HS6(
            "854231",
            "Electronic integrated circuits; processors and controllers, whether or not "
            "combined with memories, converters, logic circuits, amplifiers, clock and timing "
            "circuits, or other circuits",
            2600,
            "u",
            450,
        ),
        HS6("854232", "Electronic integrated circuits; memories", 1900, "u", 300),
        HS6("854233", "Electronic integrated circuits; amplifiers", 1500, "u", 700),
        HS6("854239", "Electronic integrated circuits; n.e.c. in heading no. 8542", 1300, "u", 600),
        HS6(
            "880220",
            "Aeroplanes and other aircraft; of an unladen weight not exceeding 2000kg",
            260,
            "u",
            0.8,
        ),
        HS6("880330", "Aircraft; parts of aeroplanes or helicopters n.e.c. in heading no. 8803", 120),
        HS6(
            "880621",
            _RC + "not more than 250g",
            900,
            "u",
            5,
        ),
        HS6(
            "880622",
            _RC + "more than 250g but not more than 7kg",
            420,
            "u",
            0.6,
        ),
        HS6(
            "880623",
            _RC + "more than 7kg but not more than 25kg",
            380,
            "u",
            0.08,
        ),
        HS6(
            "880624",
            _RC + "more than 25kg but not more than 150kg",
            300,
            "u",
            0.015,
        ),
        HS6(
            "880629",
            _RC + "more than 150kg",
            250,
            "u",
            0.004,
        ),
        HS6(
            "880691",
            _AUTO + "not more than 250g",
            800,
            "u",
            5,
        ),
        HS6(
            "880692",
            _AUTO + "more than 250g but not more than 7kg",
            400,
            "u",
            0.6,
        ),
        HS6(
            "880693",
            _AUTO + "more than 7kg but not more than 25kg",
            350,
            "u",
            0.08,
        ),
        HS6(
            "880694",
            _AUTO + "more than 25kg but not more than 150kg",
            300,
            "u",
            0.015,
        ),
        HS6(
            "880699",
            _AUTO + "more than 150kg",
            250,
            "u",
            0.004,
        ),
        HS6(
            "880730",
            "Aircraft and spacecraft; parts of aeroplanes, helicopters or unmanned aircraft "
            "n.e.c. in heading no. 8807",
            130,
        ),
        HS6("281820", "Aluminium oxide; other than artificial corundum", 0.45),
        HS6(
            "690912",
            "Ceramic wares; for laboratory, chemical or other technical uses, articles "
            "having a hardness equivalent to 9 or more on the Mohs scale",
            7.5,
        ),
        HS6("691490", "Ceramic articles n.e.c. in chapter 69; other than of porcelain or china", 1.9),
        HS6("845710", "Machining centres; for working metal", 16, "u", 0.0002),
        HS6(
            "845811",
            "Lathes; for removing metal, horizontal, numerically controlled",
            12,
            "u",
            0.0003,
        ),
        HS6(
            "845961",
            "Machine-tools; for milling by removing metal, (not knee-type), numerically controlled",
            14,
            "u",
            0.0003,
        ),
        HS6(
            "846693",
            "Parts & accessories suited for use solely/principally with machines of "
            "headings 8456-8465; n.e.c. in heading no. 8466",
            22,
        ),
        HS6("848210", "Ball bearings", 6.5, "u", 8),
        HS6(
            "848220",
            "Bearings; tapered roller bearings, including cone and tapered roller assemblies",
            5.5,
            "u",
            2,
        ),
        HS6(
            "851762",
            "Communication apparatus (excluding telephone sets or base stations); machines "
            "for the reception, conversion and transmission or regeneration of voice, images or "
            "other "
            "data, including switching and routing apparatus",
            70,
            "u",
            2,
        ),
        HS6("852580", "Television cameras, digital cameras and video camera recorders", 140, "u", 3),
        HS6("852589", "Television cameras; n.e.c. in item no 8525.8", 150, "u", 3),
        HS6("901380", "Optical devices, appliances and instruments; n.e.c. in heading no. 9013", 90),
        HS6(
            "901310",
            "Optical appliances and instruments; telescopic sights for fitting to arms; "
            "periscopes; telescopes designed to form parts of machines, appliances, instruments or "
            "apparatus of this chapter",
            160,
            "u",
            1.5,
        ),
        HS6(
            "900580",
            "Monoculars; other optical telescopes and astronomical instruments, excluding "
            "instruments for radio-astronomy",
            110,
            "u",
            2,
        ),
        HS6("080810", "Fruit, edible; apples, fresh", 0.95),
        HS6(
            "300490",
            "Medicaments; consisting of mixed or unmixed products n.e.c. in heading no. "
            "3004, for therapeutic or prophylactic uses, packaged for retail sale",
            38,
        ),
        HS6(
            "940360",
            "Furniture; wooden, other than for office, kitchen or bedroom use",
            2.6,
            "u",
            0.05,
        ),
        HS6(
            "847150",
            "Units of automatic data processing machines; processing units other than those "
            "of item no. 8471.41 or 8471.49",
            75,
            "u",
            0.08,
        ),
        HS6(
            "847180",
            "Units of automatic data processing machines; n.e.c. in item no. 8471.50, 8471.60 or 8471.70",
            85,
            "u",
            0.5,
        ),
        HS6(
            "854110",
            "Electrical apparatus; diodes, other than photosensitive or light-emitting diodes (LED)",
            420,
            "u",
            2000,
        ),
        HS6("090121", "Coffee; roasted, not decaffeinated", 9.5),
        HS6("210690", "Food preparations; n.e.c. in item no. 2106.10", 4.2),
    ]
}

# Comext products: CN8 -> (HS6, share of the basket, EUR per kg, supplementary unit)
CN8_CONTROLLED: dict[str, tuple[str, float, float, str]] = {
    "85423190": ("854231", 0.14, 2700, "p/st"),
    "85423290": ("854232", 0.05, 2000, "p/st"),
    "85423990": ("854239", 0.08, 1300, "p/st"),
    "85176200": ("851762", 0.18, 80, "p/st"),
    "84715000": ("847150", 0.10, 70, "p/st"),
    "84718000": ("847180", 0.05, 80, "p/st"),
    "84822000": ("848220", 0.07, 11, "p/st"),
    "84821010": ("848210", 0.04, 24, "p/st"),
    "85411000": ("854110", 0.03, 380, "p/st"),
    "90138090": ("901380", 0.06, 140, ""),
    "88073000": ("880730", 0.04, 190, ""),
    "84571010": ("845710", 0.12, 28, "p/st"),
    "90058000": ("900580", 0.04, 110, "p/st"),
}
CN8_CONTROL: dict[str, tuple[str, float, float, str]] = {
    "30049000": ("300490", 0.6, 55, ""),
    "09012100": ("090121", 0.3, 8.5, ""),
    "21069098": ("210690", 0.1, 3.8, ""),
}
CN8_META = {  # SITC rev.4, CPA 2002, CPA 2008, CPA 2.1, BEC, BEC5, HS section (plausible codes)
    "854231": ("77641", "3210", "2611", "2611", "42", "4210", "16"),
    "854232": ("77643", "3210", "2611", "2611", "42", "4210", "16"),
    "854239": ("77649", "3210", "2611", "2611", "42", "4210", "16"),
    "851762": ("76432", "3220", "2630", "2630", "41", "3110", "16"),
    "847150": ("75260", "3002", "2620", "2620", "41", "3110", "16"),
    "847180": ("75270", "3002", "2620", "2620", "42", "4210", "16"),
    "848220": ("74620", "2914", "2815", "2815", "42", "4210", "16"),
    "848210": ("74610", "2914", "2815", "2815", "42", "4210", "16"),
    "854110": ("77631", "3210", "2611", "2611", "42", "4210", "16"),
    "901380": ("87119", "3340", "2670", "2670", "42", "4210", "18"),
    "880730": ("79295", "3530", "3030", "3030", "42", "4210", "17"),
    "845710": ("73111", "2942", "2841", "2841", "41", "3110", "16"),
    "900580": ("87113", "3340", "2670", "2670", "63", "6120", "18"),
    "300490": ("54293", "2442", "2120", "2120", "63", "6130", "06"),
    "090121": ("07121", "1586", "1083", "1083", "122", "1220", "02"),
    "210690": ("09899", "1589", "1089", "1089", "122", "1220", "04"),
}
EU_DECLARANTS = {  # ISO2 -> (Eurostat numeric code, scale, number of controlled products, partners)
    "DE": ("004", 1.00, 10, ("RU", "UA", "KZ", "TR", "AE", "GE", "UZ", "AM", "KG")),
    "IT": ("005", 0.50, 6, ("RU", "UA", "KZ", "TR", "AE", "GE", "UZ", "AM", "KG")),
    "FR": ("001", 0.45, 6, ("RU", "UA", "KZ", "TR", "AE", "GE", "UZ", "AM", "KG")),
    "NL": ("003", 0.40, 5, ("RU", "UA", "KZ", "TR", "AE")),
    "PL": ("060", 0.35, 5, ("RU", "UA", "KZ", "TR", "GE")),
    "CZ": ("061", 0.25, 4, ("RU", "UA", "KZ", "TR")),
    "LT": ("055", 0.15, 4, ("RU", "UA", "KZ", "AM", "KG", "GE", "UZ")),
    "FI": ("032", 0.15, 4, ("RU", "KZ", "TR")),
}
EU_PARTNERS = {
    "RU": "0075",
    "UA": "0072",
    "KZ": "0079",
    "AM": "0077",
    "KG": "0083",
    "GE": "0076",
    "UZ": "0081",
    "TR": "0052",
    "AE": "0647",
}
SMALL_PARTNERS = ("GE", "UZ", "AM", "KG")
# Monthly EUR of the controlled basket for a declarant of scale 1.0, and its post-war multiplier
EU_BASE = {
    "RU": 20e6,
    "UA": 5e6,
    "KZ": 3e6,
    "TR": 12e6,
    "AE": 5e6,
    "GE": 0.6e6,
    "UZ": 1.2e6,
    "AM": 0.5e6,
    "KG": 0.25e6,
}
EU_POST = {
    "RU": 0.1,
    "UA": 0.9,
    "KZ": 3.5,
    "TR": 1.5,
    "AE": 1.6,
    "GE": 1.8,
    "UZ": 2.0,
    "AM": 5.0,
    "KG": 7.0,
}
EU_CONTROL_BASE = {
    "RU": 15e6,
    "UA": 6e6,
    "KZ": 2e6,
    "TR": 4e6,
    "AE": 3e6,
    "GE": 0.8e6,
    "UZ": 1e6,
    "AM": 0.5e6,
    "KG": 0.4e6,
}
EU_TARGETS = {"RU": 0.10, "KZ": 3.5, "AM": 5.0, "KG": 7.0}  # 2023 / 2021, controlled basket

ISO3 = {
    "RU": "RUS",
    "UA": "UKR",
    "KZ": "KAZ",
    "KG": "KGZ",
    "AM": "ARM",
    "HK": "HKG",
    "TR": "TUR",
    "AE": "ARE",
    "DE": "DEU",
    "CN": "CHN",
}
COMTRADE_CODE = {
    "CHN": 156,
    "RUS": 643,
    "UKR": 804,
    "KAZ": 398,
    "KGZ": 417,
    "ARM": 51,
    "HKG": 344,
    "TUR": 792,
    "ARE": 784,
    "DEU": 276,
    "KOR": 410,
    "MYS": 458,
    "USA": 842,
    "JPN": 392,
}
COMTRADE_DESC = {
    "CHN": "China",
    "RUS": "Russian Federation",
    "UKR": "Ukraine",
    "KAZ": "Kazakhstan",
    "KGZ": "Kyrgyzstan",
    "ARM": "Armenia",
    "HKG": "China, Hong Kong SAR",
    "TUR": "Turkey",
    "ARE": "United Arab Emirates",
    "DEU": "Germany",
    "KOR": "Rep. of Korea",
    "MYS": "Malaysia",
    "USA": "USA",
    "JPN": "Japan",
}

# China's exports: group -> (codes with weights, monthly USD base per partner in 2019, post mult)
CHN_PARTNERS = ("RUS", "UKR", "KAZ", "KGZ", "ARM", "HKG", "TUR", "ARE", "DEU")
CHN_GROUPS: dict[str, tuple[dict[str, float], dict[str, float], dict[str, float]]] = {
    "ics": (
        {"854231": 0.45, "854232": 0.25, "854233": 0.08, "854239": 0.22},
        {
            "RUS": 22e6,
            "UKR": 3e6,
            "KAZ": 1.2e6,
            "KGZ": 0.15e6,
            "ARM": 0.1e6,
            "HKG": 900e6,
            "TUR": 15e6,
            "ARE": 12e6,
            "DEU": 120e6,
        },
        {
            "RUS": 2.3,
            "UKR": 0.5,
            "KAZ": 2.5,
            "KGZ": 6,
            "ARM": 3,
            "HKG": 1,
            "TUR": 1.3,
            "ARE": 1.4,
            "DEU": 0.95,
        },
    ),
    "ceramics": (
        {"690912": 0.35, "691490": 0.65},
        {
            "RUS": 4e6,
            "UKR": 1.5e6,
            "KAZ": 0.8e6,
            "KGZ": 0.2e6,
            "ARM": 0.1e6,
            "HKG": 2e6,
            "TUR": 1.5e6,
            "ARE": 2e6,
            "DEU": 6e6,
        },
        {
            "RUS": 1.7,
            "UKR": 0.4,
            "KAZ": 1.3,
            "KGZ": 1.5,
            "ARM": 1.2,
            "HKG": 1,
            "TUR": 1.1,
            "ARE": 1.1,
            "DEU": 1,
        },
    ),
    "machine_tools": (
        {"845710": 0.4, "845811": 0.3, "845961": 0.1, "846693": 0.2},
        {
            "RUS": 25e6,
            "UKR": 4e6,
            "KAZ": 2e6,
            "KGZ": 0.3e6,
            "HKG": 3e6,
            "TUR": 10e6,
            "ARE": 3e6,
            "DEU": 15e6,
        },
        {"RUS": 2.2, "UKR": 0.6, "KAZ": 2, "KGZ": 4, "HKG": 1, "TUR": 1.2, "ARE": 1.2, "DEU": 1},
    ),
    "bearings": (
        {"848210": 0.6, "848220": 0.4},
        {
            "RUS": 8e6,
            "UKR": 2e6,
            "KAZ": 1.5e6,
            "KGZ": 0.2e6,
            "ARM": 0.05e6,
            "HKG": 2e6,
            "TUR": 6e6,
            "ARE": 2e6,
            "DEU": 20e6,
        },
        {
            "RUS": 1.8,
            "UKR": 0.6,
            "KAZ": 2.2,
            "KGZ": 4,
            "ARM": 2,
            "HKG": 1,
            "TUR": 1.1,
            "ARE": 1.2,
            "DEU": 0.95,
        },
    ),
    "telecom": (
        {"851762": 1.0},
        {
            "RUS": 35e6,
            "UKR": 8e6,
            "KAZ": 6e6,
            "KGZ": 1e6,
            "ARM": 0.8e6,
            "HKG": 400e6,
            "TUR": 25e6,
            "ARE": 40e6,
            "DEU": 180e6,
        },
        {
            "RUS": 1.5,
            "UKR": 0.7,
            "KAZ": 1.8,
            "KGZ": 5,
            "ARM": 3,
            "HKG": 1,
            "TUR": 1.1,
            "ARE": 1.2,
            "DEU": 0.95,
        },
    ),
    "optics": (
        {"852589": 0.7, "901380": 0.15, "901310": 0.05, "900580": 0.1},
        {
            "RUS": 6e6,
            "UKR": 2e6,
            "KAZ": 1e6,
            "KGZ": 0.15e6,
            "HKG": 8e6,
            "TUR": 3e6,
            "ARE": 3e6,
            "DEU": 25e6,
        },
        {"RUS": 2.5, "UKR": 0.5, "KAZ": 2, "KGZ": 4, "HKG": 1, "TUR": 1.2, "ARE": 1.3, "DEU": 1},
    ),
    "drones": (
        {
            "880622": 0.40,
            "880621": 0.10,
            "880623": 0.12,
            "880624": 0.05,
            "880629": 0.01,
            "880691": 0.03,
            "880692": 0.08,
            "880693": 0.02,
            "880694": 0.01,
            "880699": 0.005,
            "880730": 0.175,
        },
        {
            "RUS": 1.2e6,
            "UKR": 0.9e6,
            "KAZ": 0.2e6,
            "KGZ": 0.03e6,
            "HKG": 4e6,
            "TUR": 0.8e6,
            "ARE": 0.6e6,
            "DEU": 6e6,
        },
        {"RUS": 6, "UKR": 0.25, "KAZ": 3, "KGZ": 8, "HKG": 1, "TUR": 1.2, "ARE": 1.5, "DEU": 0.9},
    ),
    "controls": (
        {"080810": 0.35, "300490": 0.1, "940360": 0.55},
        {
            "RUS": 20e6,
            "UKR": 3e6,
            "KAZ": 6e6,
            "KGZ": 2e6,
            "ARM": 0.6e6,
            "HKG": 14e6,
            "TUR": 4e6,
            "ARE": 22e6,
            "DEU": 40e6,
        },
        {
            "RUS": 1.0,
            "UKR": 0.7,
            "KAZ": 1.05,
            "KGZ": 1.05,
            "ARM": 1.0,
            "HKG": 1,
            "TUR": 1,
            "ARE": 1,
            "DEU": 1,
        },
    ),
}
H6_TO_H5 = {"852589": "852580", "880730": "880330"}  # other drone codes -> 880220 before 2022
OTHER_RUS_IC = {
    "HKG": (4e6, 1.2),
    "KOR": (5e6, 0.04),
    "MYS": (4e6, 0.04),
    "USA": (3e6, 0.03),
    "JPN": (1.5e6, 0.04),
    "TUR": (0.3e6, 3.0),
    "ARE": (0.4e6, 3.0),
    "KAZ": (0.2e6, 4.0),
}
MIRROR_CHN = ("854231", "854239", "851762", "848210", "845811", "852589", "940360", "080810")
MIRROR_DEU = ("854231", "854239", "851762", "847150", "848220", "901380", "300490", "090121")
MIRROR_CONTROLS = ("940360", "080810", "300490", "090121")
MIRROR_RATIO = {
    ("KAZ", "CHN"): 0.62,
    ("KGZ", "CHN"): 0.30,
    ("KAZ", "DEU"): 0.45,
    ("KGZ", "DEU"): 0.35,
}


def is_post(y: int, m: int) -> bool:
    return (y, m) >= POST


def ramp(y: int, m: int) -> float:
    """Share of the post-war multiplier reached: diversion builds up over 2022-03..2022-06."""
    if not is_post(y, m):
        return 0.0
    months = (y - 2022) * 12 + m - 3
    return min(1.0, (months + 1) / 4)


def _mult(post: float) -> Callable[[int, int], float]:
    def f(y: int, m: int) -> float:
        r = ramp(y, m)
        return 1.0 + (post - 1.0) * r

    return f


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


# --------------------------------------------------------------------------------------------
# Comext (EU member states' exports)
# --------------------------------------------------------------------------------------------


def _comext(g: Generator) -> None:
    rng = g.rng
    products = sorted(CN8_CONTROLLED.items(), key=lambda kv: -kv[1][1])
    for decl, (_code, scale, n_products, partners) in EU_DECLARANTS.items():
        mine = products[:1] + rng.sample(products[1:], n_products - 1)
        for partner in partners:
            chosen = mine if partner not in SMALL_PARTNERS else mine[:3]
            weight_sum = sum(p[1][1] for p in chosen)
            for cn8, (hs6, share, eur_kg, supp) in chosen:
                g.series(
                    source="comext",
                    file="",
                    reporter=decl,
                    partner=partner,
                    flow="X",
                    code=cn8,
                    base=EU_BASE[partner] * scale * share / weight_sum,
                    mult=_mult(EU_POST[partner]),
                    usd_per_kg=eur_kg,
                    unit="p/st" if supp else "kg",
                    per_kg=HS[hs6].per_kg,
                    tags=("eu_controlled",),
                )
        if decl in ("DE", "IT", "NL"):
            for partner in EU_PARTNERS:
                for cn8, (_hs6, share, eur_kg, _su) in CN8_CONTROL.items():
                    if cn8 == "21069098" and decl != "DE":
                        continue
                    post = {"RU": 0.97, "UA": 0.9}.get(partner, 1.0)
                    g.series(
                        source="comext",
                        file="",
                        reporter=decl,
                        partner=partner,
                        flow="X",
                        code=cn8,
                        base=EU_CONTROL_BASE[partner] * scale * share,
                        mult=_mult(post),
                        usd_per_kg=eur_kg,
                        growth=0.03,
                        tags=("eu_control",),
                    )
    for partner, target in EU_TARGETS.items():
        calibrate_ratio(g.select(source="comext", partner=partner, tag="eu_controlled"), target)
    for f in g.select(source="comext"):
        f.file = comext_file(f.year)


# --------------------------------------------------------------------------------------------
# Comtrade
# --------------------------------------------------------------------------------------------


def _chn_series(
    g: Generator,
    partner: str,
    post: float,
    code: str,
    value: float,
    tags: tuple[str, ...],
    months: Iterable[tuple[int, int]] = MONTHS,
) -> None:
    """China's exports of one code to a partner, with the code's own unit values."""
    hs = HS[code]
    g.series(
        source="comtrade",
        file=F_CHN,
        reporter="CHN",
        partner=partner,
        flow="X",
        code=code,
        base=value,
        mult=_mult(post),
        months=months,
        usd_per_kg=hs.usd_per_kg,
        unit=hs.unit,
        per_kg=hs.per_kg,
        tags=tags,
    )


def _chn_exports(g: Generator) -> None:
    for group, (codes, bases, posts) in CHN_GROUPS.items():
        for partner, base in bases.items():
            for code, weight in codes.items():
                if group == "drones" and weight <= 0.02 and partner not in ("RUS", "HKG", "DEU", "TUR"):
                    continue
                tags = (f"chn_{group}",)
                if group in ("drones", "optics") or code in H6_TO_H5:
                    h5 = H6_TO_H5.get(code, "880220" if group == "drones" else code)
                    h5_months = [(y, m) for y, m in MONTHS if y < 2022]
                    h6_months = [(y, m) for y, m in MONTHS if y >= 2022]
                    # before 2022 (HS 2017) the drone codes collapse into 880220 / 880330
                    if group != "drones" or code in ("880622", "880730"):
                        w5 = weight if group != "drones" else (0.7 if code == "880622" else 0.3)
                        _chn_series(g, partner, posts[partner], h5, base * w5, tags, h5_months)
                    _chn_series(g, partner, posts[partner], code, base * weight, tags, h6_months)
                else:
                    _chn_series(g, partner, posts[partner], code, base * weight, tags)
    _alumina(g)
    sel = g.select
    calibrate_ratio(sel(file=F_CHN, partner="RUS", tag="chn_ics"), 2.40)
    calibrate_ratio(sel(file=F_CHN, partner="RUS", tag="chn_ceramics"), 1.69)
    calibrate_ratio(sel(file=F_CHN, partner="UKR", tag="chn_ceramics"), 0.39)
    drones_rus = [f for f in sel(file=F_CHN, partner="RUS", tag="chn_drones") if f.year >= 2022]
    drones_ukr = [f for f in sel(file=F_CHN, partner="UKR", tag="chn_drones") if f.year >= 2022]
    k = 30.0 * total(drones_ukr, 2023) / total(drones_rus, 2023)
    rescale([f for f in drones_rus if is_post(f.year, f.month)], k)


def _alumina_flow(partner: str, y: int, m: int, kg: int, value: int) -> Flow:
    """China's exports of aluminium oxide (2818.20) to a partner in one month."""
    return Flow("comtrade", F_CHN, "CHN", partner, "X", "281820", y, m, value, kg, kg, "kg", ("chn_alumina",))


def _alumina(g: Generator) -> None:
    rng = g.rng
    levels = {
        "KAZ": (700e3, 1.0),
        "TUR": (3.5e6, 1.0),
        "ARE": (2e6, 1.0),
        "DEU": (4.5e6, 1.0),
        "HKG": (150e3, 1.0),
        "UKR": (50e3, 0.05),
    }
    for partner, (kg_base, post) in levels.items():
        for y, m in MONTHS:
            kg = kg_base * SEASON[m - 1] * (post if is_post(y, m) else 1.0) * math.exp(rng.gauss(0, 0.2))
            if kg < 1000 and rng.random() < 0.5:
                continue
            price = 0.45 if y < 2022 else 0.52 if y == 2022 else 0.42
            kg_i = max(1, round(kg))
            value = max(1, round(kg_i * price * math.exp(rng.gauss(0, 0.05))))
            g.flows.append(_alumina_flow(partner, y, m, kg_i, value))
    for y, m in MONTHS:
        if (y, m) < (2022, 5):
            kg = rng.uniform(150e3, 350e3)
        elif (y, m) == (2022, 5):
            kg = 152_400e3 * math.exp(rng.gauss(0, 0.01))
        elif (y, m) < (2023, 1):
            kg = rng.uniform(60e6, 110e6)
        else:
            kg = rng.uniform(80e6, 120e6)
        price = 0.45 if y < 2022 else 0.52 if y == 2022 else 0.42
        kg_i = round(kg)
        value = round(kg_i * price * math.exp(rng.gauss(0, 0.04)))
        g.flows.append(_alumina_flow("RUS", y, m, kg_i, value))


def _deu_from_comext(g: Generator) -> None:
    """Germany's Comtrade rows: Comext DE rows aggregated to HS6, EUR converted to USD."""
    agg: dict[tuple[str, str, int, int], list[int]] = {}
    for f in g.select(source="comext", reporter="DE", partner=("KZ", "KG", "AM", "RU")):
        hs6 = (CN8_CONTROLLED.get(f.code) or CN8_CONTROL[f.code])[0]
        if f.partner == "RU" and not hs6.startswith("8542"):
            continue
        key = (ISO3[f.partner], hs6, f.year, f.month)
        cur = agg.setdefault(key, [0, 0])
        cur[0] += f.value
        cur[1] += f.net_kg
    for (partner, hs6, y, m), (eur, kg) in sorted(agg.items()):
        hs = HS[hs6]
        usd = round(eur * USD_PER_EUR[y])
        qty = max(1, round(kg * hs.per_kg)) if hs.unit != "kg" else kg
        g.flows.append(
            Flow(
                "comtrade",
                F_DEU,
                "DEU",
                partner,
                "X",
                hs6,
                y,
                m,
                usd,
                kg,
                qty,
                hs.unit,
                ("deu_from_comext",),
            )
        )


def _others_to_russia(g: Generator) -> None:
    codes = CHN_GROUPS["ics"][0]
    for reporter, (base, post) in OTHER_RUS_IC.items():
        for code, weight in codes.items():
            hs = HS[code]
            g.series(
                source="comtrade",
                file=F_WORLD_RUS,
                reporter=reporter,
                partner="RUS",
                flow="X",
                code=code,
                base=base * weight,
                mult=_mult(post),
                usd_per_kg=hs.usd_per_kg,
                unit=hs.unit,
                per_kg=hs.per_kg,
                tags=("others_ics_rus",),
            )
    # Calibrate so that China holds 90.0 % of Russia's partner-reported IC imports in 2023
    china = total(g.select(file=F_CHN, partner="RUS", tag="chn_ics"), 2023)
    deu = total([f for f in g.select(file=F_DEU, partner="RUS") if f.hs6.startswith("8542")], 2023)
    others = g.select(file=F_WORLD_RUS)
    target_others = china * (1 / 0.90 - 1) - deu
    now = total(others, 2023)
    after = [f for f in others if is_post(f.year, f.month)]
    pre_2023 = now - total(after, 2023)
    rescale(after, (target_others - pre_2023) / (now - pre_2023))


def _mirrors(g: Generator) -> None:
    rng = g.rng
    for (importer, exporter), post_ratio in MIRROR_RATIO.items():
        file_x = F_CHN if exporter == "CHN" else F_DEU
        codes = MIRROR_CHN if exporter == "CHN" else MIRROR_DEU
        for f in g.select(file=file_x, partner=importer):
            h6 = f.code
            if h6 not in codes and not (h6 == "852580" and "852589" in codes):
                continue
            control = h6 in MIRROR_CONTROLS
            ratio = (
                1.06
                if control or not is_post(f.year, f.month)
                else 1.06 + (post_ratio - 1.06) * ramp(f.year, f.month)
            )
            value = round(f.value * ratio * math.exp(rng.gauss(0, 0.05)))
            kg = max(1, round(f.net_kg * ratio * math.exp(rng.gauss(0, 0.05))))
            qty = kg if f.qty_unit == "kg" else max(1, round(kg * HS[h6].per_kg))
            g.flows.append(
                Flow(
                    "comtrade",
                    F_MIRROR,
                    importer,
                    exporter,
                    "M",
                    h6,
                    f.year,
                    f.month,
                    max(1, value),
                    kg,
                    qty,
                    f.qty_unit,
                    ("mirror",),
                )
            )
    for f in g.select(file=F_CHN, partner="RUS"):
        if f.year > 2021:
            continue  # Russia stopped publishing its trade statistics in 2022
        g.flows.append(
            Flow(
                "comtrade",
                F_RUS,
                "RUS",
                "CHN",
                "M",
                f.code,
                f.year,
                f.month,
                round(f.value * 1.07 * math.exp(rng.gauss(0, 0.05))),
                max(1, round(f.net_kg * math.exp(rng.gauss(0, 0.04)))),
                f.qty,
                f.qty_unit,
                ("rus_imports",),
            )
        )


# Unit-value outliers: (file, reporter, partner, code, year, month)
OUTLIERS = [
    (F_CHN, "CHN", "KGZ", "854239", 2023, 3),
    (F_CHN, "CHN", "KAZ", "848210", 2022, 11),
    (F_CHN, "CHN", "ARM", "851762", 2023, 8),
    ("comext", "LT", "KG", None, 2023, 5),
    ("comext", "PL", "KZ", None, 2022, 9),
]


def _plant_outliers(g: Generator) -> list[dict[str, Any]]:
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


def generate(seed: int) -> tuple[list[Flow], list[dict[str, Any]]]:
    g = Generator(seed)
    _comext(g)
    _chn_exports(g)
    _deu_from_comext(g)
    _others_to_russia(g)
    _mirrors(g)
    outliers = _plant_outliers(g)
    order = {F_CHN: 0, F_WORLD_RUS: 1, F_DEU: 2, F_MIRROR: 3, F_RUS: 4}
    g.flows.sort(key=lambda f: (order.get(f.file, 9), f.file, f.year, f.month, f.reporter, f.partner, f.code))
    return g.flows, outliers
