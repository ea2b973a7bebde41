"""The planted party stories, each with its description, parties, line refs and key figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists import ListsResult
from dualtrace.demo.scenario.model import Line
from dualtrace.demo.scenario.truth.lines import ref, refs, split_files, summary, summary_by, with_story


def _sanctioned_counterparties(cast: Cast, lines: Sequence[Line]) -> dict[str, Any]:
    listed8 = cast.listed
    sanctioned = [ln for ln in lines if ln.shipper.key in listed8 or ln.consignee.key in listed8]
    return {
        "description": "Eight fictional listed companies (3 Chinese/HK suppliers on the OFAC SDN "
        "list, 2 more on the EU Annex IV list, 3 Russian military end users on "
        "both) appear as shipper or consignee under variant spellings; some lines "
        "carry the INN or USCC that the list entry carries. Lines of all stories "
        "count here.",
        "listed_parties": listed8,
        "lines": refs(sanctioned),
        "by_party": {
            k: refs([ln for ln in lines if k in (ln.shipper.key, ln.consignee.key)]) for k in listed8
        },
        "dedicated_story_lines": refs(with_story(lines, "sanctioned_counterparties")),
    }


def _misdeclared_body_armor(lines: Sequence[Line]) -> dict[str, Any]:
    armor = with_story(lines, "misdeclared_body_armor")
    return {
        "description": "Ballistic vests, helmets and plates declared under garment, textile, toy, "
        "sports or ceramics codes; the descriptions betray them. Chinese shipper, "
        "routed via Kazakhstan (ru_imports: departure KZ, origin CN; cn_exports: "
        "to a Kazakh forwarder).",
        "shipper": "cn_tiandun",
        "consignees": {"ru_imports": "ru_rubezh", "cn_exports": "kz_dalakaravan"},
        "lines": refs(armor),
        "by_declared_hs6": summary_by(armor, lambda ln: ln.hs6),
        "control_group": {
            "description": "Honest lines under the same HS codes from ordinary parties.",
            "lines": refs(with_story(lines, "armor_control_group")),
            "by_declared_hs6": summary_by(with_story(lines, "armor_control_group"), lambda ln: ln.hs6),
        },
    }


def _thermal_imagers(cast: Cast, lines: Sequence[Line]) -> dict[str, Any]:
    thermal = with_story(lines, "thermal_imagers")
    return {
        "description": "Thermal imaging cameras, scopes and monoculars made by one Chinese "
        "manufacturer, sold through a Hong Kong trader to six Russian consignees "
        "(one of them listed). Some lines have vague descriptions under the "
        "controlled codes.",
        "manufacturer": "cn_guanghe",
        "trader": "hk_brightpeak",
        "brand": "HEXIR",
        "consignees": cast.thermal_consignees,
        "lines": refs(thermal),
        "by_hs6": summary_by(thermal, lambda ln: ln.hs6),
        "by_consignee": summary_by(thermal, lambda ln: ln.consignee.key),
        "vague_description_lines": refs([ln for ln in thermal if ln.notes.get("vague_description")]),
        "upstream_cn_exports": refs(with_story(lines, "thermal_imagers_upstream")),
    }


def _group_subsidiaries(cast: Cast, lines: Sequence[Line]) -> dict[str, Any]:
    group = with_story(lines, "group_subsidiaries")
    return {
        "description": "Subsidiaries controlled today (>= 50 %, directly or through a chain) by a "
        "fictional Chinese state group on the DoD 1260H list ship controlled goods "
        "(CHPL codes) to 4 listed Russian end users. Most subsidiaries are not "
        "listed themselves: only ownership links them to the parent.",
        "parent": cast.group_parent,
        "subsidiaries": cast.group_current,
        "end_users": ["ru_oriantekh", "ru_vektramash", "ru_svetorog", "ru_aeronis"],
        "lines": refs(group),
        "by_subsidiary": summary_by(group, lambda ln: ln.shipper.key),
        "by_end_user": summary_by(group, lambda ln: ln.consignee.key),
        "by_hs6": summary_by(group, lambda ln: ln.hs6),
        "not_counted": {
            "minority_stake": {
                "party": "ty_qingdao_materials",
                "share": 35.0,
                "lines": refs(with_story(lines, "group_minority_stake")),
            },
            "former_subsidiary": {
                "party": "ty_luoyang_chem",
                "share": 55.0,
                "stake_ended": "2019-06-30",
                "lines": refs(with_story(lines, "group_former_subsidiary")),
            },
            "to_hk_intermediary": {
                "party": "ty_components",
                "lines": refs(with_story(lines, "group_subsidiaries_to_intermediary")),
            },
        },
    }


def _hk_intermediary(cast: Cast, lines: Sequence[Line]) -> dict[str, Any]:
    hk = with_story(lines, "hk_intermediary")
    hk_ru = [ln for ln in hk if ln.file == "ru"]
    hk_cn = [ln for ln in hk if ln.file == "cn"]
    return {
        "description": "A Hong Kong trading company incorporated in 2022 receives controlled "
        "goods from several Chinese makers (cn_exports, as consignee) and ships "
        "them to 15 Russian consignees (ru_imports, as shipper), suddenly and in "
        "large volumes.",
        "party": "hk_polarlink",
        "incorporated": cast["hk_polarlink"].founded.isoformat() if cast["hk_polarlink"].founded else None,
        "as_consignee_in_cn_exports": ref(hk_cn),
        "as_shipper_in_ru_imports": ref(hk_ru),
        "first_line_date": {
            "cn_exports": min(ln.date for ln in hk_cn).isoformat(),
            "ru_imports": min(ln.date for ln in hk_ru).isoformat(),
        },
        "suppliers": summary_by(hk_cn, lambda ln: ln.shipper.key),
        "consignees": summary_by(hk_ru, lambda ln: ln.consignee.key),
        "by_year_ru_imports": summary_by(hk_ru, lambda ln: str(ln.date.year)),
    }


def _fast_growing_importer(lines: Sequence[Line], lists_result: ListsResult) -> dict[str, Any]:
    fast = with_story(lines, "fast_growing_importer")
    by_year = summary_by(fast, lambda ln: str(ln.date.year))
    suppliers_by_year = {
        y: summary_by([ln for ln in fast if str(ln.date.year) == y], lambda ln: ln.shipper.key)
        for y in by_year
    }
    return {
        "description": "A Russian LLC founded in 2021 whose imports grow from about $0.4M (2021) "
        "to about $30M (2023) from a few concentrated suppliers (one is the HK "
        "intermediary; the same person owns both).",
        "party": "ru_nordvektor",
        "founded": "2021-03-15",
        "lines": refs(fast),
        "by_year": by_year,
        "growth_2023_vs_2021": round(
            by_year["2023"]["value_usd_cents"] / by_year["2021"]["value_usd_cents"], 2
        ),
        "suppliers_by_year": suppliers_by_year,
        "top_supplier_share_2023": round(
            max(v["value_usd_cents"] for v in suppliers_by_year["2023"].values())
            / by_year["2023"]["value_usd_cents"],
            4,
        ),
        "owner": lists_result.person_owner,
    }


def _decoys(cast: Cast, lines: Sequence[Line]) -> dict[str, Any]:
    return {
        "description": "Unlisted companies that share words, city or script forms with listed "
        "ones. None of their lines may be matched to a list entry. Tier 'hard' "
        "shares a distinctive token or nearly the same name (ids differ and are "
        "always on the line); tier 'generic' shares city / generic words.",
        "parties": {
            k: {
                **v,
                "name_en": cast[k].name_en,
                "name_local": cast[k].name_local,
                "ids": cast[k].ids,
                "lines": refs([ln for ln in lines if ln.notes.get("decoy") == k]),
            }
            for k, v in cast.decoys.items()
        },
    }


def _background(lines: Sequence[Line]) -> dict[str, Any]:
    return {
        "description": "Ordinary trade by many unlisted parties. 'background_controlled' lines "
        "carry CHPL codes legitimately (mostly before 2022).",
        "background": {f: summary(v) for f, v in split_files(with_story(lines, "background"))},
        "background_controlled": refs(with_story(lines, "background_controlled")),
    }


def stories(cast: Cast, lines: Sequence[Line], lists_result: ListsResult) -> dict[str, Any]:
    """Every planted party story, with the lines that carry it."""
    return {
        "sanctioned_counterparties": _sanctioned_counterparties(cast, lines),
        "misdeclared_body_armor": _misdeclared_body_armor(lines),
        "thermal_imagers": _thermal_imagers(cast, lines),
        "group_subsidiaries": _group_subsidiaries(cast, lines),
        "hk_intermediary": _hk_intermediary(cast, lines),
        "fast_growing_importer": _fast_growing_importer(lines, lists_result),
        "decoys": _decoys(cast, lines),
        "background": _background(lines),
    }
