"""The planted trade patterns, each with the filter that defines it and the exact figures."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from dualtrace.demo.scenario import trade
from dualtrace.demo.scenario.model import Flow
from dualtrace.demo.scenario.trade.generator import total


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else math.nan


def _eu_diversion(flows: list[Flow]) -> dict[str, Any]:
    comext = [f for f in flows if f.source == "comext"]
    eu: dict[str, Any] = {}
    for partner in trade.EU_PARTNERS:
        row: dict[str, Any] = {}
        for basket, codes in (("controlled", trade.CN8_CONTROLLED), ("control", trade.CN8_CONTROL)):
            sel = [f for f in comext if f.partner == partner and f.code in codes]
            y21, y23 = total(sel, 2021), total(sel, 2023)
            row[basket] = {
                "eur_2021": y21,
                "eur_2023": y23,
                "ratio_2023_2021": _ratio(y23, y21),
                "change_pct": round((y23 / y21 - 1) * 100, 1),
                "monthly": {
                    f"{y}-{m:02d}": total(x for x in sel if (x.year, x.month) == (y, m))
                    for y, m in trade.MONTHS
                },
            }
        row["did_log_points"] = round(
            math.log(row["controlled"]["ratio_2023_2021"]) - math.log(row["control"]["ratio_2023_2021"]),
            4,
        )
        eu[partner] = row
    return {
        "description": "EU member states' exports (Comext, FLOW 2, EUR) of a basket of "
        "controlled CN8 codes collapse to Russia after 2022-02-24 while exports "
        "of the same basket to Kazakhstan, Armenia and Kyrgyzstan jump; a control "
        "basket (medicines, coffee, food preparations) stays roughly flat. "
        "did_log_points = ln(ratio controlled) - ln(ratio control), 2023 vs 2021.",
        "files": [trade.comext_file(y) for y in trade.YEARS],
        "declarants": sorted(trade.EU_DECLARANTS),
        "controlled_cn8": sorted(trade.CN8_CONTROLLED),
        "control_cn8": sorted(trade.CN8_CONTROL),
        "planted_targets_2023_vs_2021": trade.EU_TARGETS,
        "by_partner": eu,
    }


def _china_ics_to_russia(chn: list[Flow]) -> dict[str, Any]:
    ics = [f for f in chn if f.partner == "RUS" and f.code.startswith("8542")]
    by_year = {str(y): total(ics, y) for y in trade.YEARS}
    return {
        "description": "China-reported exports to Russia of integrated circuits (HS 8542.31, "
        ".32, .33, .39), USD.",
        "file": trade.F_CHN,
        "reporter": "CHN",
        "partner": "RUS",
        "flow": "X",
        "codes": ["854231", "854232", "854233", "854239"],
        "usd_by_year": by_year,
        "ratio_2023_2021": _ratio(by_year["2023"], by_year["2021"]),
    }


def _china_share_of_russia_ics(flows: list[Flow]) -> dict[str, Any]:
    to_rus = [
        f
        for f in flows
        if f.flow == "X" and f.partner == "RUS" and f.code.startswith("8542") and f.source == "comtrade"
    ]
    share: dict[str, Any] = {}
    for y in trade.YEARS:
        reporters = Counter[str]()
        for f in to_rus:
            if f.year == y:
                reporters[f.reporter] += f.value
        tot = sum(reporters.values())
        share[str(y)] = {
            "total_usd": tot,
            "china_usd": reporters["CHN"],
            "china_share": _ratio(reporters["CHN"], tot),
            "by_reporter": dict(sorted(reporters.items())),
        }
    return {
        "description": "Russia's partner-reported imports of HS 8542 = every Comtrade reporter's "
        "exports to RUS (flow X) of 854231/32/33/39 in the Comtrade files (DEU's "
        "rows are derived from Comext). China's share by year.",
        "files": [trade.F_CHN, trade.F_WORLD_RUS, trade.F_DEU],
        "by_year": share,
    }


def _drones_russia_vs_ukraine(chn: list[Flow]) -> dict[str, Any]:
    drones = [f for f in chn if f.code.startswith("8806") or f.code == "880730"]
    d23 = {ptn: total((f for f in drones if f.partner == ptn), 2023) for ptn in ("RUS", "UKR")}
    return {
        "description": "China-reported exports of unmanned aircraft (8806.21-.24, .29, .91-.99) "
        "and their parts (8807.30), 2023, Russia vs Ukraine. Before 2022 (HS "
        "2017) drones are under 880220 and parts under 880330.",
        "file": trade.F_CHN,
        "codes": sorted({f.code for f in drones}),
        "usd_2023": d23,
        "ratio_rus_ukr_2023": _ratio(d23["RUS"], d23["UKR"]),
        "usd_by_year": {
            ptn: {str(y): total((f for f in drones if f.partner == ptn), y) for y in (2022, 2023, 2024)}
            for ptn in ("RUS", "UKR")
        },
    }


def _aluminum_oxide_surge(chn: list[Flow]) -> dict[str, Any]:
    alu = sorted((f for f in chn if f.code == "281820" and f.partner == "RUS"), key=lambda f: f.period)
    monthly = {f"{f.year}-{f.month:02d}": {"net_kg": f.net_kg, "usd": f.value, "line": f.line} for f in alu}
    return {
        "description": "China-reported exports of aluminium oxide (2818.20) to Russia: a few "
        "hundred tonnes a month until April 2022, ~150,000 t in May 2022, then "
        "tens of thousands of tonnes a month.",
        "file": trade.F_CHN,
        "reporter": "CHN",
        "partner": "RUS",
        "code": "281820",
        "april_2022_t": round(monthly["2022-04"]["net_kg"] / 1000, 3),
        "may_2022_t": round(monthly["2022-05"]["net_kg"] / 1000, 3),
        "jump_factor_may_vs_april": _ratio(monthly["2022-05"]["net_kg"], monthly["2022-04"]["net_kg"]),
        "max_monthly_t_before_2022_05": round(
            max(v["net_kg"] for k, v in monthly.items() if k < "2022-05") / 1000, 3
        ),
        "monthly": monthly,
    }


def _ceramics_divergence(chn: list[Flow]) -> dict[str, Any]:
    cer = [f for f in chn if f.code in ("690912", "691490")]
    cer_out = {}
    for ptn in ("RUS", "UKR"):
        a, b = (
            total((f for f in cer if f.partner == ptn), 2021),
            total((f for f in cer if f.partner == ptn), 2023),
        )
        cer_out[ptn] = {"usd_2021": a, "usd_2023": b, "change_pct": round((b / a - 1) * 100, 1)}
    return {
        "description": "China-reported exports of ceramics 6909.12 + 6914.90, 2023 vs 2021.",
        "file": trade.F_CHN,
        "codes": ["690912", "691490"],
        "by_partner": cer_out,
    }


def _unit_value_outliers(outliers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "file": o["flow"].file,
            "line": o["flow"].line,
            "source": o["flow"].source,
            "reporter": o["flow"].reporter,
            "partner": o["flow"].partner,
            "code": o["flow"].code,
            "period": o["flow"].period,
            "value": o["flow"].value,
            "net_kg": o["flow"].net_kg,
            "unit_value_per_kg": round(o["flow"].value / o["flow"].net_kg, 2),
            "norm_unit_value_per_kg": round(o["norm"], 2),
            "ratio_to_norm": round(o["flow"].value / o["flow"].net_kg / o["norm"], 2),
        }
        for o in outliers
    ]


def patterns(flows: list[Flow], outliers: list[dict[str, Any]]) -> dict[str, Any]:
    """Every planted trade pattern, with the figures the analytics should find."""
    chn = [f for f in flows if f.file == trade.F_CHN]
    return {
        "eu_diversion": _eu_diversion(flows),
        "china_ics_to_russia": _china_ics_to_russia(chn),
        "china_share_of_russia_ics": _china_share_of_russia_ics(flows),
        "drones_russia_vs_ukraine": _drones_russia_vs_ukraine(chn),
        "aluminum_oxide_surge": _aluminum_oxide_surge(chn),
        "ceramics_divergence": _ceramics_divergence(chn),
        "mirror_gaps": _mirror(flows),
        "unit_value_outliers": _unit_value_outliers(outliers),
        "unit_value_outliers_note": (
            "norm = median value/net_kg of every other row of the same "
            "code and source (Comtrade or Comext). Value unchanged; "
            "net weight set so the price per kg is ~20x the norm."
        ),
    }


def _mirror(flows: list[Flow]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": "Importer-reported imports (Comtrade, flow M, CIF) vs exporter-reported "
        "exports (flow X, FOB) of the same HS6 codes. Before 2022-03 imports are "
        "~6 % above exports (CIF/FOB); afterwards the controlled codes fall well "
        "short: goods 'lost in transit'. Control codes stay matched.",
        "fx_usd_per_eur": trade.USD_PER_EUR,
        "pairs": [],
    }
    mirror = [f for f in flows if f.file == trade.F_MIRROR]
    for (importer, exporter), planted in trade.MIRROR_RATIO.items():
        file_x = trade.F_CHN if exporter == "CHN" else trade.F_DEU
        codes = set(trade.MIRROR_CHN if exporter == "CHN" else trade.MIRROR_DEU) | (
            {"852580"} if exporter == "CHN" else set()
        )
        exp = [f for f in flows if f.file == file_x and f.partner == importer and f.code in codes]
        imp = [f for f in mirror if f.reporter == importer and f.partner == exporter]
        years: dict[str, Any] = {}
        for basket in ("controlled", "control"):
            want_control = basket == "control"

            def pick(c: str, want: bool = want_control) -> bool:
                return (c in trade.MIRROR_CONTROLS) == want

            for y in trade.YEARS:
                x = total((f for f in exp if pick(f.code)), y)
                m = total((f for f in imp if pick(f.code)), y)
                years.setdefault(basket, {})[str(y)] = {
                    "exporter_reported_usd": x,
                    "importer_reported_usd": m,
                    "import_export_ratio": _ratio(m, x),
                }
        out["pairs"].append(
            {
                "importer": importer,
                "exporter": exporter,
                "import_file": trade.F_MIRROR,
                "export_file": file_x,
                "codes": sorted(codes),
                "control_codes": sorted(codes & set(trade.MIRROR_CONTROLS)),
                "planted_post_invasion_ratio": planted,
                "by_year": years,
            }
        )
    rus = [f for f in flows if f.file == trade.F_RUS]
    chn_rus = [f for f in flows if f.file == trade.F_CHN and f.partner == "RUS" and f.year <= 2021]
    out["russia_china_2019_2021"] = {
        "description": "Russia-reported imports from China (published until 2021) vs China-"
        "reported exports to Russia, all codes of the China file.",
        "import_file": trade.F_RUS,
        "export_file": trade.F_CHN,
        "by_year": {
            str(y): {
                "exporter_reported_usd": total(chn_rus, y),
                "importer_reported_usd": total(rus, y),
                "import_export_ratio": _ratio(total(rus, y), total(chn_rus, y)),
            }
            for y in (2019, 2020, 2021)
        },
    }
    return out
