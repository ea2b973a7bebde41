"""The EU journal CSV of Regulation 833/2014: Annex IV rows of the planted parties and fillers."""

from __future__ import annotations

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists.entries import LISTINGS, Filler
from dualtrace.demo.scenario.lists.layouts import COUNTRY_EN, EU_HEADER
from dualtrace.demo.scenario.model import Party
from dualtrace.demo.scenario.writer import csv_text


def eu_file(cast: Cast, fillers: list[Filler]) -> tuple[str, dict[str, str]]:
    rows = []
    record_ids: dict[str, str] = {}
    rec = 9_101
    planted = [k for k, v in LISTINGS.items() if "eu_833_annex_iv" in v]
    for key in planted:
        p = cast[key]
        record_ids[key] = str(rec)
        start = LISTINGS[key]["eu_833_annex_iv"]
        address = p.address_en if p.country != "RU" else _ru_eu_address(p)
        row = _eu_row(rec, f"{start.day}.{start.month}.{start.year}", address=address)
        if p.country == "RU":
            full, short = p.aliases[0], p.name_local
            row["name"] = p.name_en
            row["alias"] = f"{full} ({short}); " + "; ".join(p.aliases[1:3])
            row["registrationNumber"] = f"{p.ids['inn']} (Tax ID/INN)"
            row["innCode"] = p.ids["inn"]
            row["ogrnCode"] = p.ids["ogrn"]
        elif p.country == "HK":
            row["name"] = p.name_en
            row["alias"] = f"{p.name_local}; " + "; ".join(p.aliases[:1])
            row["registrationNumber"] = f"{p.ids['hk_cr']} (CR No.)"
        else:
            row["name"] = p.name_en
            row["alias"] = f"{p.name_local}; " + "; ".join(p.aliases[:2])
            row["registrationNumber"] = f"{p.ids['uscc']} (USCC)"
        rows.append([row[h] for h in EU_HEADER])
        rec += 3
    for f in fillers:
        row = _eu_row(rec, "23.6.2023", name=f.name, alias=f.local, address=COUNTRY_EN[f.country])
        if "inn" in f.ids:
            row["registrationNumber"] = f"{f.ids['inn']} (Tax ID/INN)"
            row["innCode"], row["ogrnCode"] = f.ids["inn"], f.ids["ogrn"]
        elif "uscc" in f.ids:
            row["registrationNumber"] = f"{f.ids['uscc']} (USCC)"
        elif "hk_cr" in f.ids:
            row["registrationNumber"] = f"{f.ids['hk_cr']} (CR No.)"
        elif "kz_bin" in f.ids:
            row["registrationNumber"] = f"{f.ids['kz_bin']} (BIN)"
        rows.append([row[h] for h in EU_HEADER])
        rec += 3
    return csv_text(EU_HEADER, rows, terminator="\r\n"), record_ids


def _eu_row(rec: int, start: str, **fields: str) -> dict[str, str]:
    """An Annex IV row of the EU journal CSV: the measure's fields, the record's own, the rest empty."""
    row = dict.fromkeys(EU_HEADER, "")
    row.update(
        celex="32014R0833",
        recordId=str(rec),
        programKey="EU-RUS",
        annex="IV",
        measure="Export control",
        startDate=start,
        schema="LegalEntity",
        **fields,
    )
    return row


def _ru_eu_address(p: Party) -> str:
    parts = p.address_en.split(", ")
    city = parts[1].replace("G. ", "").title()
    return f"{parts[0]}, {city}, {', '.join(s.title() for s in parts[2:])}, Russian Federation"
