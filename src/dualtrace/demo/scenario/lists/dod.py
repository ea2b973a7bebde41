"""The US DoD 1260H CSV (OpenSanctions layout with the Parent Name column)."""

from __future__ import annotations

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists.entries import LISTINGS, Filler
from dualtrace.demo.scenario.lists.layouts import DOD_HEADER
from dualtrace.demo.scenario.writer import csv_text


def dod_file(cast: Cast, fillers: list[Filler]) -> tuple[str, dict[str, str]]:
    rows = []
    names: dict[str, str] = {}
    parent = cast["cn_tianyuan"].name_en
    for key, short in (
        ("cn_tianyuan", "Tianyuan Group"),
        ("ty_tech", "Tianyuan Technologies"),
        ("ty_components", "Tianyuan Components"),
        ("ty_hk", "Tianyuan HK"),
    ):
        p = cast[key]
        start = LISTINGS[key]["dod_1260h"].isoformat()
        names[key] = f"{p.name_en} ({short})*"
        rows.append(
            [
                names[key],
                p.name_en,
                short,
                "",
                "" if key == "cn_tianyuan" else parent,
                "",
                start,
                "",
                "",
            ]
        )
    for f in fillers:
        short = f.name.split(" Co.")[0].split(" ", 1)[-1]
        rows.append([f"{f.name} ({short})*", f.name, short, "", f.parent, "", "2022-10-05", "", ""])
    return csv_text(DOD_HEADER, rows), names
