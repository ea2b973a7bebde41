"""The OFAC legacy CSV files (sdn, alt, add): quoted fields, '-0- ' for empty, CRLF, a final Ctrl-Z."""

from __future__ import annotations

import datetime as dt

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists.entries import OFAC_ALTS, OFAC_LINKS, OFAC_NAMES, Filler
from dualtrace.demo.scenario.lists.layouts import COUNTRY_EN, OFAC_MONTHS
from dualtrace.demo.scenario.model import Party


def ofac_files(cast: Cast, fillers: list[Filler]) -> tuple[str, str, str, dict[str, int]]:
    """The three OFAC files (sdn, alt, add) and the ent_num of each planted party."""
    sdn, alt, add = [], [], []
    ent = 90_211
    alt_num, add_num = 71_402, 58_630
    ent_nums: dict[str, int] = {}
    for key in OFAC_NAMES:
        ent_nums[key] = ent
        ent += 7
    for key, name in OFAC_NAMES.items():
        p = cast[key]
        n = ent_nums[key]
        sdn.append(_sdn_row(n, name, _EMPTY, _q("; ".join(_planted_remarks(key, p)) + ".")))
        for a in OFAC_ALTS.get(key, []):
            alt.append(",".join([str(n), str(alt_num), _q("aka"), _q(a), _EMPTY]))
            alt_num += 1
        city = _city_line(p)
        add.append(",".join([str(n), str(add_num), _q(_street(p)), _q(city), _q(_country_name(p)), _EMPTY]))
        add_num += 1
    for f in fillers:
        n = ent
        ent += 7
        if f.kind == "person":
            sdn.append(_sdn_row(n, f.name, _q("individual"), _q(_person_remarks(f))))
        else:
            parts = _id_remarks(f.ids)
            sdn.append(_sdn_row(n, f.name, _EMPTY, _q("; ".join(parts) + ".") if parts else _EMPTY))
        add.append(",".join([str(n), str(add_num), _EMPTY, _EMPTY, _q(COUNTRY_EN[f.country]), _EMPTY]))
        add_num += 1
    end = "\r\n"
    return (
        end.join(sdn) + end + "\x1a",
        end.join(alt) + end + "\x1a",
        end.join(add) + end + "\x1a",
        ent_nums,
    )


_EMPTY = "-0- "  # OFAC's empty field


def _q(s: str) -> str:
    """An OFAC quoted field: double quotes inside become single ones."""
    return '"' + s.replace('"', "'") + '"'


def _sdn_row(n: int, name: str, sdn_type: str, remarks: str) -> str:
    """One sdn.csv row: ent_num, name, type, program, 7 empty, remarks (type and remarks come quoted)."""
    return ",".join([str(n), _q(name), sdn_type, _q("RUSSIA-EO14024"), *[_EMPTY] * 7, remarks])


def _id_remarks(party_ids: dict[str, str]) -> list[str]:
    """The registry numbers OFAC quotes in its remarks, Russian ones first."""
    parts = []
    if "inn" in party_ids:
        parts.append(f"Tax ID No. {party_ids['inn']} (Russia)")
        parts.append(f"Registration Number {party_ids['ogrn']} (Russia)")
    if "uscc" in party_ids:
        parts.append(f"Unified Social Credit Code (USCC) {party_ids['uscc']} (China)")
    if "hk_cr" in party_ids:
        parts.append(f"Registration Number {party_ids['hk_cr']} (Hong Kong)")
    return parts


def _planted_remarks(key: str, p: Party) -> list[str]:
    """A planted party's remarks: secondary sanctions risk, founding date, ids, the party it is linked to."""
    remarks = []
    if p.country == "RU":
        remarks.append("Secondary sanctions risk: See Section 11 of Executive Order 14024.")
    if p.founded:
        remarks.append(f"Organization Established Date {_ofac_date(p.founded)}")
    remarks += _id_remarks(p.ids)
    if key in OFAC_LINKS:
        remarks.append(f"Linked To: {OFAC_NAMES[OFAC_LINKS[key]]}")
    return remarks


def _person_remarks(f: Filler) -> str:
    gender = "Female" if f.name.split(",")[0].endswith("A") else "Male"
    return f"DOB {f.dob}; nationality {COUNTRY_EN[f.country]}; Gender {gender}."


def _country_name(p: Party) -> str:
    return COUNTRY_EN[p.country]


def _ofac_date(d: dt.date) -> str:
    return f"{d.day:02d} {OFAC_MONTHS[d.month - 1]} {d.year}"


def _street(p: Party) -> str:
    parts = p.address_en.split(", ")
    if p.country == "RU":
        return ", ".join(parts[2:])
    if p.country == "HK":
        return ", ".join(parts[:-1])
    return ", ".join(parts[:-3])


def _city_line(p: Party) -> str:
    parts = p.address_en.split(", ")
    if p.country == "RU":
        return f"{parts[1].replace('G. ', '').title()} {parts[0]}"
    if p.country == "HK":
        return "Hong Kong"
    return parts[-3]
