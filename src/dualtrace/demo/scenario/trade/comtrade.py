"""Comtrade flows: China's exports, Germany's from Comext, other exporters to Russia, mirror
imports of Kazakhstan and Kyrgyzstan, and Russia's own imports up to 2021.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from dualtrace.demo.scenario.model import Flow
from dualtrace.demo.scenario.trade.comext_tables import CN8_CONTROL, CN8_CONTROLLED
from dualtrace.demo.scenario.trade.comtrade_tables import (
    CHN_GROUPS,
    H6_TO_H5,
    ISO3,
    MIRROR_CHN,
    MIRROR_CONTROLS,
    MIRROR_DEU,
    MIRROR_RATIO,
    OTHER_RUS_IC,
)
from dualtrace.demo.scenario.trade.files import F_CHN, F_DEU, F_MIRROR, F_RUS, F_WORLD_RUS
from dualtrace.demo.scenario.trade.generator import Generator, calibrate_ratio, rescale, total
from dualtrace.demo.scenario.trade.hs import HS
from dualtrace.demo.scenario.trade.timeline import MONTHS, SEASON, USD_PER_EUR, is_post, post_multiplier, ramp


def _export_series(
    g: Generator,
    file: str,
    reporter: str,
    partner: str,
    post: float,
    code: str,
    value: float,
    tags: tuple[str, ...],
    months: Iterable[tuple[int, int]] = MONTHS,
) -> None:
    """A reporter's Comtrade exports of one code to a partner, with the code's own unit values."""
    hs = HS[code]
    g.series(
        source="comtrade",
        file=file,
        reporter=reporter,
        partner=partner,
        flow="X",
        code=code,
        base=value,
        mult=post_multiplier(post),
        months=months,
        usd_per_kg=hs.usd_per_kg,
        unit=hs.unit,
        per_kg=hs.per_kg,
        tags=tags,
    )


def chn_exports(g: Generator) -> None:
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
                        _export_series(
                            g, F_CHN, "CHN", partner, posts[partner], h5, base * w5, tags, h5_months
                        )
                    _export_series(
                        g, F_CHN, "CHN", partner, posts[partner], code, base * weight, tags, h6_months
                    )
                else:
                    _export_series(g, F_CHN, "CHN", partner, posts[partner], code, base * weight, tags)
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


def deu_from_comext(g: Generator) -> None:
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


def others_to_russia(g: Generator) -> None:
    codes = CHN_GROUPS["ics"][0]
    for reporter, (base, post) in OTHER_RUS_IC.items():
        for code, weight in codes.items():
            _export_series(g, F_WORLD_RUS, reporter, "RUS", post, code, base * weight, ("others_ics_rus",))
    # Calibrate so that China holds 90.0 % of Russia's partner-reported IC imports in 2023
    china = total(g.select(file=F_CHN, partner="RUS", tag="chn_ics"), 2023)
    deu = total([f for f in g.select(file=F_DEU, partner="RUS") if f.hs6.startswith("8542")], 2023)
    others = g.select(file=F_WORLD_RUS)
    target_others = china * (1 / 0.90 - 1) - deu
    now = total(others, 2023)
    after = [f for f in others if is_post(f.year, f.month)]
    pre_2023 = now - total(after, 2023)
    rescale(after, (target_others - pre_2023) / (now - pre_2023))


def mirrors(g: Generator) -> None:
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
