"""Fictional sanctions and ownership files in the real official layouts.

- OFAC legacy CSV: ``sdn.csv``, ``alt.csv``, ``add.csv`` (no header, ``-0- `` for empty, CRLF,
  ASCII, a final Ctrl-Z byte, like the files OFAC publishes).
- EU journal CSV of Regulation 833/2014 (the 45 columns of the OpenSanctions ``eu_journal``
  export, Annex IV entries).
- OpenSanctions FollowTheMoney JSON lines: ``Company``, ``Person``, ``Ownership``, ``Sanction``.
- US DoD "1260H" CSV (OpenSanctions layout, with the ``Parent Name`` column).
- ``ownership.csv``: a user-supplied ownership table.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dualtrace.demo.scenario import ids
from dualtrace.demo.scenario.companies import Cast, ru_to_latin
from dualtrace.demo.scenario.model import GeneratedFile, Party
from dualtrace.demo.scenario.writer import csv_text, write_bytes

D = dt.date
DATASET = "dualtrace_demo"
SOURCE_URL = "https://dualtrace.invalid/demo/"  # .invalid: a reserved, never-resolving domain
SEEN = "2024-07-01T00:00:00"

EU_HEADER = [
    "celex",
    "recordId",
    "programKey",
    "annex",
    "measure",
    "startDate",
    "reason",
    "schema",
    "name",
    "alias",
    "weakAlias",
    "previousName",
    "country",
    "nationality",
    "jurisdiction",
    "birthDate",
    "birthPlace",
    "position",
    "passportNumber",
    "gender",
    "appearance",
    "ethnicity",
    "fatherName",
    "motherName",
    "incorporationDate",
    "legalForm",
    "sector",
    "registrationNumber",
    "taxNumber",
    "idNumber",
    "innCode",
    "ogrnCode",
    "kppCode",
    "okpoCode",
    "leiCode",
    "swiftBic",
    "ticker",
    "imoNumber",
    "mmsi",
    "flag",
    "address",
    "phone",
    "email",
    "website",
    "notes",
]
DOD_HEADER = [
    "Name",
    "Clean Name",
    "Alias",
    "Previous Name",
    "Parent Name",
    "Note",
    "Start date",
    "End date",
    "Source Url",
]
OWNERSHIP_HEADER = [
    "parent_name",
    "parent_id",
    "child_name",
    "child_id",
    "share",
    "start_date",
    "end_date",
    "source",
]

_DATA: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "data" / "lists.yaml").read_text("utf-8"))
LISTINGS: dict[str, dict[str, dt.date]] = _DATA["listings"]  # planted party -> {list: listing date}
OFAC_NAMES: dict[str, str] = _DATA["ofac_names"]
OFAC_ALTS: dict[str, list[str]] = _DATA["ofac_aliases"]
OFAC_LINKS: dict[str, str] = _DATA["ofac_links"]
_AUTH: dict[str, dict[str, str]] = _DATA["authorities"]


@dataclass
class Filler:
    """A fictional list entry that no shipment refers to."""

    key: str
    kind: str  # company | person
    name: str
    country: str
    local: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    dob: str = ""
    parent: str = ""


def _filler(rng: random.Random, rec: dict[str, Any]) -> Filler:
    key, make, name, local = rec["key"], rec["make"], rec["name"], rec.get("local", "")
    if make == "ru":
        region = rec["region"]
        found = {"inn": ids.inn10(rng, region), "ogrn": ids.ogrn(rng, region, 2009)}
        return Filler(key, "company", name, "RU", local, found, parent=rec.get("parent", ""))
    if make == "cn":
        found = {"uscc": ids.uscc(rng, rec["division"])}
        return Filler(key, "company", name, "CN", local, found, parent=rec.get("parent", ""))
    found = {kind: getattr(ids, kind)(rng, *args) for kind, args in rec.get("ids", {}).items()}
    return Filler(key, make, name, rec["country"], local, found, rec.get("dob", ""), rec.get("parent", ""))


def _fillers(rng: random.Random) -> dict[str, list[Filler]]:
    return {file: [_filler(rng, rec) for rec in recs] for file, recs in _DATA["fillers"].items()}


def _ofac(cast: Cast, fillers: list[Filler]) -> tuple[str, str, str, dict[str, int]]:
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
        add.append(",".join([str(n), str(add_num), _EMPTY, _EMPTY, _q(_COUNTRY_EN[f.country]), _EMPTY]))
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
    return f"DOB {f.dob}; nationality {_COUNTRY_EN[f.country]}; Gender {gender}."


_COUNTRY_EN = {
    "RU": "Russia",
    "CN": "China",
    "HK": "Hong Kong",
    "AE": "United Arab Emirates",
    "TR": "Turkey",
    "KG": "Kyrgyzstan",
    "KZ": "Kazakhstan",
    "AM": "Armenia",
}


def _country_name(p: Party) -> str:
    return _COUNTRY_EN[p.country]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ofac_date(d: dt.date) -> str:
    return f"{d.day:02d} {_MONTHS[d.month - 1]} {d.year}"


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


def _eu(cast: Cast, fillers: list[Filler]) -> tuple[str, dict[str, str]]:
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
        row = _eu_row(rec, "23.6.2023", name=f.name, alias=f.local, address=_COUNTRY_EN[f.country])
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


def _dod(cast: Cast, fillers: list[Filler]) -> tuple[str, dict[str, str]]:
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


def _ftm_id(key: str) -> str:
    return f"dtdemo-{key.replace('_', '-')}"


def _entity(eid: str, schema: str, caption: str, props: dict[str, list[str]], target: bool) -> dict[str, Any]:
    return {
        "id": eid,
        "caption": caption,
        "schema": schema,
        "properties": {k: v for k, v in props.items() if v},
        "datasets": [DATASET],
        "referents": [],
        "target": target,
        "first_seen": SEEN,
        "last_seen": SEEN,
        "last_change": SEEN,
    }


def _company_props(p: Party) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {
        "name": [p.name_en] + ([p.name_local] if p.name_local else []),
        "alias": list(p.aliases),
        "country": [p.country.lower()],
        "jurisdiction": [p.country.lower()],
        "address": [a for a in (p.address_en, p.address_local) if a and p.country != "HK"] or [p.address_en],
        "incorporationDate": [p.founded.isoformat()] if p.founded else [],
    }
    if "inn" in p.ids:
        props["innCode"] = [p.ids["inn"]]
        props["ogrnCode"] = [p.ids["ogrn"]]
    if "uscc" in p.ids:
        props["registrationNumber"] = [p.ids["uscc"]]
        props["taxNumber"] = [p.ids["uscc"]]
    if "hk_cr" in p.ids:
        props["registrationNumber"] = [p.ids["hk_cr"]]
    return props


def _sanction_props(lst: str, entity: str) -> dict[str, list[str]]:
    auth = _AUTH[lst]
    return {
        "entity": [entity],
        "authority": [auth["authority"]],
        "program": [auth["program"]],
        "programId": [auth["program_id"]],
        "provisions": [auth["provision"]],
        "country": [auth["country"]],
    }


@dataclass
class ListsResult:
    files: dict[str, GeneratedFile]
    entries: dict[str, list[dict[str, Any]]]  # party key -> list entries
    ownership: list[dict[str, Any]]
    fillers: list[dict[str, str]]
    person_owner: dict[str, Any]


def write(out_dir: Path, seed: int, cast: Cast) -> ListsResult:
    rng = random.Random(f"{seed}:lists")
    fillers = _fillers(rng)
    files: dict[str, GeneratedFile] = {}
    entries: dict[str, list[dict[str, Any]]] = {}

    def entry(key: str, record: dict[str, Any]) -> None:
        entries.setdefault(key, []).append(record)

    ent_nums = _write_ofac(out_dir, cast, fillers["ofac"], files, entry)
    record_ids = _write_eu(out_dir, cast, fillers["eu"], files, entry)
    _write_dod(out_dir, cast, fillers["dod"], files, entry)
    ftm, ownership, person = _ftm(cast, fillers, ent_nums, record_ids)
    rel = "lists/entities.ftm.json"
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ftm)
    files[rel] = write_bytes(
        out_dir,
        rel,
        text.encode("utf-8"),
        layout="ftm_jsonl",
        rows=len(ftm),
        encoding="utf-8",
        delimiter="",
        description="OpenSanctions FollowTheMoney entities, JSON lines",
    )
    for key in LISTINGS:
        entry(key, {"list": "opensanctions_ftm", "file": rel, "id": _ftm_id(key)})
    _write_ownership(out_dir, ownership, files)
    filler_out = [
        {"key": f.key, "list": lst, "name": f.name, "country": f.country}
        for lst, fs in fillers.items()
        for f in fs
    ]
    return ListsResult(files, entries, ownership, filler_out, person)


Entry = Callable[[str, dict[str, Any]], None]


def _write_ofac(
    out_dir: Path, cast: Cast, fillers: list[Filler], files: dict[str, GeneratedFile], entry: Entry
) -> dict[str, int]:
    sdn, alt, add, ent_nums = _ofac(cast, fillers)
    for name, text in (("sdn.csv", sdn), ("alt.csv", alt), ("add.csv", add)):
        files[f"lists/{name}"] = write_bytes(
            out_dir,
            f"lists/{name}",
            text.encode("ascii"),
            layout=f"ofac_legacy_{name[:3]}",
            rows=text.count("\r\n"),
            encoding="ascii",
            delimiter=",",
            description="OFAC legacy CSV layout (no header, '-0- ' = empty, CRLF, final Ctrl-Z)",
        )
    listed = {
        key: {
            "ent_num": n,
            "name": OFAC_NAMES[key],
            "aliases": OFAC_ALTS.get(key, []),
            "program": "RUSSIA-EO14024",
        }
        for key, n in ent_nums.items()
    }
    _record_entries(entry, "ofac_sdn", "lists/sdn.csv", listed)
    return ent_nums


def _write_csv(
    out_dir: Path,
    files: dict[str, GeneratedFile],
    rel: str,
    text: str,
    *,
    layout: str,
    rows: int,
    description: str,
) -> None:
    """A comma-separated UTF-8 list file, recorded in `files`."""
    files[rel] = write_bytes(
        out_dir,
        rel,
        text.encode("utf-8"),
        layout=layout,
        rows=rows,
        encoding="utf-8",
        delimiter=",",
        description=description,
    )


def _write_eu(
    out_dir: Path, cast: Cast, fillers: list[Filler], files: dict[str, GeneratedFile], entry: Entry
) -> dict[str, str]:
    eu_text, record_ids = _eu(cast, fillers)
    rel = "lists/eu__journal_sanctions__32014R0833.csv"
    _write_csv(
        out_dir,
        files,
        rel,
        eu_text,
        layout="eu_journal_csv",
        rows=len(record_ids) + len(fillers),
        description="EU journal CSV layout (45 columns), Regulation 833/2014 Annex IV entries",
    )
    listed = {key: {"recordId": rec, "name": cast[key].name_en} for key, rec in record_ids.items()}
    _record_entries(entry, "eu_833_annex_iv", rel, listed)
    return record_ids


def _write_dod(
    out_dir: Path, cast: Cast, fillers: list[Filler], files: dict[str, GeneratedFile], entry: Entry
) -> None:
    dod_text, dod_names = _dod(cast, fillers)
    rel = "lists/us__dod_chinese_milcorps__sanctions.csv"
    description = "US DoD 1260H list, OpenSanctions CSV layout with Parent Name"
    rows = len(dod_names) + len(fillers)
    _write_csv(out_dir, files, rel, dod_text, layout="dod_1260h_csv", rows=rows, description=description)
    parent = cast["cn_tianyuan"].name_en
    listed = {
        key: {"name": name, "parent_name": "" if key == "cn_tianyuan" else parent}
        for key, name in dod_names.items()
    }
    _record_entries(entry, "dod_1260h", rel, listed)


def _record_entries(entry: Entry, list_name: str, rel: str, listed: dict[str, dict[str, Any]]) -> None:
    """Each listed party's entry in one list file: list and file first, its own fields, listing date last."""
    for key, fields in listed.items():
        listed_on = LISTINGS[key][list_name].isoformat()
        entry(key, {"list": list_name, "file": rel, **fields, "listed_on": listed_on})


def _write_ownership(out_dir: Path, ownership: list[dict[str, Any]], files: dict[str, GeneratedFile]) -> None:
    rows = [[o[column] for column in OWNERSHIP_HEADER] for o in ownership]
    rel = "lists/ownership.csv"
    _write_csv(
        out_dir,
        files,
        rel,
        csv_text(OWNERSHIP_HEADER, rows),
        layout="ownership_csv",
        rows=len(rows),
        description="user-supplied ownership table (share in percent, dates ISO)",
    )


def _ftm(
    cast: Cast,
    fillers: dict[str, list[Filler]],
    ent_nums: dict[str, int],
    record_ids: dict[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    out = _ftm_listed(cast, ent_nums, record_ids) + _ftm_fillers(fillers)
    ownership: list[dict[str, Any]] = []
    for link in cast.group_links:
        parent, child = cast[link.parent], cast[link.child]
        props = {
            "owner": [_ftm_id(link.parent)],
            "asset": [_ftm_id(link.child)],
            "percentage": [f"{link.share:g}"],
            "startDate": [link.start.isoformat()],
            "endDate": [link.end.isoformat()] if link.end else [],
            "role": ["Shareholder"],
        }
        eid = f"dtdemo-own-{link.parent}-{link.child}".replace("_", "-")
        out.append(_entity(eid, "Ownership", "Ownership", props, False))
        ownership.append(
            _ownership_row(
                parent.name_en, parent.main_id, child, link.share, link.start.isoformat(), link.end
            )
        )
    person = _ftm_person_owner(cast, out, ownership)
    # Unrelated ownership among background companies, so the table is not only the stories
    bg = cast.cn_background
    for i in range(0, 10, 2):
        parent, child = cast[bg[i]], cast[bg[i + 1]]
        share = 100 if i % 4 == 0 else 60
        ownership.append(_ownership_row(parent.name_en, parent.main_id, child, share, "2015-01-01", None))
    return out, ownership, person


def _ownership_row(
    parent_name: str, parent_id: str, child: Party, share: float, start: str, end: dt.date | None
) -> dict[str, Any]:
    return {
        "parent_name": parent_name,
        "parent_id": parent_id,
        "child_name": child.name_en,
        "child_id": child.main_id,
        "share": f"{share:g}",
        "start_date": start,
        "end_date": end.isoformat() if end else "",
        "source": "company registry extract (fictional)",
    }


def _ftm_listed(cast: Cast, ent_nums: dict[str, int], record_ids: dict[str, str]) -> list[dict[str, Any]]:
    """The planted parties and the state group as Company entities, with a Sanction per listing."""
    out: list[dict[str, Any]] = []
    group_keys = [link.child for link in cast.group_links]
    for key in [*LISTINGS, *[k for k in group_keys if k not in LISTINGS]]:
        p = cast[key]
        props = _company_props(p)
        lists = LISTINGS.get(key, {})
        props["topics"] = (
            (["sanction"] if "ofac_sdn" in lists else [])
            + (["export.control"] if "eu_833_annex_iv" in lists else [])
            + (["mil"] if "dod_1260h" in lists else [])
        )
        props["programId"] = [_AUTH[lst]["program_id"] for lst in lists]
        out.append(_entity(_ftm_id(key), "Company", p.name_en, props, bool(lists)))
        for lst, date in lists.items():
            sprops = _sanction_props(lst, _ftm_id(key))
            sprops["startDate"] = [date.isoformat()]
            sprops["listingDate"] = [date.isoformat()]
            sprops["sourceUrl"] = [SOURCE_URL + _AUTH[lst]["file"]]
            if lst == "ofac_sdn":
                sprops["authorityId"] = [str(ent_nums[key])]
            if lst == "eu_833_annex_iv":
                sprops["recordId"] = [record_ids[key]]
            eid = f"{_ftm_id(key)}-{lst.replace('_', '-')}"
            out.append(_entity(eid, "Sanction", _AUTH[lst]["program"], sprops, False))
    return out


def _ftm_fillers(fillers: dict[str, list[Filler]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for file, fs in fillers.items():
        lst = {"ofac": "ofac_sdn", "eu": "eu_833_annex_iv", "dod": "dod_1260h"}[file]
        for f in fs:
            schema = "Person" if f.kind == "person" else "Company"
            props = {
                "name": [f.name] + ([f.local] if f.local else []),
                "country": [f.country.lower()],
                "topics": ["sanction"],
            }
            if "inn" in f.ids:
                props["innCode"], props["ogrnCode"] = [f.ids["inn"]], [f.ids["ogrn"]]
            if "uscc" in f.ids:
                props["registrationNumber"] = [f.ids["uscc"]]
            if "hk_cr" in f.ids:
                props["registrationNumber"] = [f.ids["hk_cr"]]
            if f.dob:
                day, mon, year = f.dob.split()
                props["birthDate"] = [f"{year}-{_MONTHS.index(mon) + 1:02d}-{day}"]
            out.append(_entity(_ftm_id(f.key), schema, f.name, props, True))
            sprops = _sanction_props(lst, _ftm_id(f.key))
            sprops["sourceUrl"] = [SOURCE_URL + _AUTH[lst]["file"]]
            out.append(
                _entity(f"{_ftm_id(f.key)}-sanction", "Sanction", _AUTH[lst]["program"], sprops, False)
            )
    return out


def _ftm_person_owner(
    cast: Cast, out: list[dict[str, Any]], ownership: list[dict[str, Any]]
) -> dict[str, Any]:
    """A private owner behind both the HK intermediary and the fast-growing importer."""
    person: dict[str, Any] = {
        "id": "dtdemo-person-garin",
        "name": "Artem Viktorovich Garin",
        "name_ru": "Гарин Артём Викторович",
        "birthDate": "1986-04-19",
        "owns": {"hk_polarlink": 100.0, "ru_nordvektor": 75.0},
        "since": {"hk_polarlink": "2022-04-12", "ru_nordvektor": "2021-03-15"},
    }
    names = [str(person["name"]), str(person["name_ru"]), ru_to_latin("Гарин Артём").title()]
    props = {"name": names, "birthDate": [str(person["birthDate"])], "nationality": ["ru"], "country": ["ru"]}
    out.append(_entity(person["id"], "Person", str(person["name"]), props, False))
    for key in ("hk_polarlink", "ru_nordvektor"):
        p = cast[key]
        out.append(_entity(_ftm_id(key), "Company", p.name_en, _company_props(p), False))
        share, since = person["owns"][key], person["since"][key]
        own = {
            "owner": [str(person["id"])],
            "asset": [_ftm_id(key)],
            "percentage": [f"{share:g}"],
            "startDate": [since],
        }
        out.append(_entity(f"dtdemo-own-garin-{key}".replace("_", "-"), "Ownership", "Ownership", own, False))
        ownership.append(_ownership_row(str(person["name"]), "", p, share, since, None))
    return person
