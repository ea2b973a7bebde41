"""OpenSanctions FollowTheMoney entities: Company, Person, Ownership and Sanction, and the
ownership rows they imply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrace.demo.scenario.companies import Cast, ru_to_latin
from dualtrace.demo.scenario.lists.entries import AUTHORITIES, LISTINGS, Filler
from dualtrace.demo.scenario.lists.layouts import DATASET, OFAC_MONTHS, SEEN, SOURCE_URL
from dualtrace.demo.scenario.model import Party


def ftm_id(key: str) -> str:
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
    auth = AUTHORITIES[lst]
    return {
        "entity": [entity],
        "authority": [auth["authority"]],
        "program": [auth["program"]],
        "programId": [auth["program_id"]],
        "provisions": [auth["provision"]],
        "country": [auth["country"]],
    }


def ftm_entities(
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
            "owner": [ftm_id(link.parent)],
            "asset": [ftm_id(link.child)],
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
        props["programId"] = [AUTHORITIES[lst]["program_id"] for lst in lists]
        out.append(_entity(ftm_id(key), "Company", p.name_en, props, bool(lists)))
        for lst, date in lists.items():
            sprops = _sanction_props(lst, ftm_id(key))
            sprops["startDate"] = [date.isoformat()]
            sprops["listingDate"] = [date.isoformat()]
            sprops["sourceUrl"] = [SOURCE_URL + AUTHORITIES[lst]["file"]]
            if lst == "ofac_sdn":
                sprops["authorityId"] = [str(ent_nums[key])]
            if lst == "eu_833_annex_iv":
                sprops["recordId"] = [record_ids[key]]
            eid = f"{ftm_id(key)}-{lst.replace('_', '-')}"
            out.append(_entity(eid, "Sanction", AUTHORITIES[lst]["program"], sprops, False))
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
                props["birthDate"] = [f"{year}-{OFAC_MONTHS.index(mon) + 1:02d}-{day}"]
            out.append(_entity(ftm_id(f.key), schema, f.name, props, True))
            sprops = _sanction_props(lst, ftm_id(f.key))
            sprops["sourceUrl"] = [SOURCE_URL + AUTHORITIES[lst]["file"]]
            out.append(
                _entity(f"{ftm_id(f.key)}-sanction", "Sanction", AUTHORITIES[lst]["program"], sprops, False)
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
        out.append(_entity(ftm_id(key), "Company", p.name_en, _company_props(p), False))
        share, since = person["owns"][key], person["since"][key]
        own = {
            "owner": [str(person["id"])],
            "asset": [ftm_id(key)],
            "percentage": [f"{share:g}"],
            "startDate": [since],
        }
        out.append(_entity(f"dtdemo-own-garin-{key}".replace("_", "-"), "Ownership", "Ownership", own, False))
        ownership.append(_ownership_row(str(person["name"]), "", p, share, since, None))
    return person
