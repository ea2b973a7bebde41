"""The story parties: base facts, list entries, where they appear, and the expected matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists import LISTINGS, ListsResult
from dualtrace.demo.scenario.model import Line, Party, PartyOnLine
from dualtrace.demo.scenario.truth.lines import FILE_OF, ref, valid


def _party_base(p: Party) -> dict[str, Any]:
    return {
        "key": p.key,
        "role": p.role,
        "country": p.country,
        "name_en": p.name_en,
        "name_local": p.name_local,
        "aliases": p.aliases,
        "ids": p.ids,
        "founded": p.founded.isoformat() if p.founded else None,
        "address": p.address_local or p.address_en,
    }


def _shipper(ln: Line) -> PartyOnLine:
    return ln.shipper


def _consignee(ln: Line) -> PartyOnLine:
    return ln.consignee


def _appearances(p: Party, lines: Sequence[Line]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for file_key, file in FILE_OF.items():
        per_field: dict[str, Any] = {}
        for fld in ("shipper_name", "consignee_name"):
            pick = _shipper if fld == "shipper_name" else _consignee
            mine = [ln for ln in lines if ln.file == file_key and pick(ln).key == p.key]
            if not mine:
                continue
            spellings: dict[str, dict[str, Any]] = {}
            for ln in mine:
                on = pick(ln)
                s = spellings.setdefault(
                    on.name, {"name": on.name, "kinds": list(on.variant_kinds), "count": 0}
                )
                s["count"] += 1
            entry = ref(mine)
            entry["with_id"] = sum(1 for ln in mine if pick(ln).id != "" and valid(ln))
            entry["spellings"] = sorted(spellings.values(), key=lambda s: (-s["count"], s["name"]))
            per_field[fld] = entry
        makers = [
            ln
            for ln in lines
            if ln.file == file_key
            and ln.manufacturer
            and ln.shipper.key != p.key
            and any(ln.manufacturer == v.name for v in (p.ru_variants + p.cn_variants))
        ]
        if makers:
            per_field["manufacturer"] = ref(makers)
        if per_field:
            out[file] = per_field
    return out


def expected_matches(
    cast: Cast, lines: Sequence[Line], entries: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    listed = set(LISTINGS)
    out = []
    for ln in sorted(lines, key=lambda ln: (ln.file, ln.physical_line)):
        if not valid(ln):
            continue
        for fld, on in (("shipper_name", ln.shipper), ("consignee_name", ln.consignee)):
            if on.key in listed:
                p = cast[on.key]
                first = min(d for d in LISTINGS[on.key].values())
                out.append(
                    {
                        "file": FILE_OF[ln.file],
                        "line": ln.physical_line,
                        "key": ln.key,
                        "field": fld,
                        "text": on.name,
                        "party": on.key,
                        "id_on_line": on.id,
                        "id_matches_list": bool(on.id) and on.id in p.ids.values(),
                        "date": ln.date.isoformat(),
                        "after_first_listing": ln.date >= first,
                        "list_entries": [
                            {k: v for k, v in e.items() if k in ("list", "ent_num", "recordId", "id", "name")}
                            for e in entries[on.key]
                        ],
                    }
                )
    return out


def story_parties(cast: Cast, lines: Sequence[Line], lists_result: ListsResult) -> dict[str, Any]:
    """Every named party and the consignees of the stories: base facts, list entries, appearances."""
    story_keys = (
        {k for k, p in cast.parties.items() if not p.key.startswith("bg_")}
        | set(cast.hk_consignees)
        | set(cast.thermal_consignees)
    )
    parties = {}
    for key in sorted(story_keys):
        p = cast[key]
        entry = _party_base(p)
        entry["list_entries"] = lists_result.entries.get(key, [])
        entry["appearances"] = _appearances(p, lines)
        parties[key] = entry
    return parties
