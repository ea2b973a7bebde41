"""Writing the list files: each one recorded in `files`, each planted party's entries recorded."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualtrace.demo.scenario.companies import Cast
from dualtrace.demo.scenario.lists.dod import dod_file
from dualtrace.demo.scenario.lists.entries import LISTINGS, OFAC_ALTS, OFAC_NAMES, Filler, draw_fillers
from dualtrace.demo.scenario.lists.eu import eu_file
from dualtrace.demo.scenario.lists.ftm import ftm_entities, ftm_id
from dualtrace.demo.scenario.lists.layouts import OWNERSHIP_HEADER
from dualtrace.demo.scenario.lists.ofac import ofac_files
from dualtrace.demo.scenario.model import GeneratedFile
from dualtrace.demo.scenario.writer import csv_text, write_bytes


@dataclass
class ListsResult:
    files: dict[str, GeneratedFile]
    entries: dict[str, list[dict[str, Any]]]  # party key -> list entries
    ownership: list[dict[str, Any]]
    fillers: list[dict[str, str]]
    person_owner: dict[str, Any]


def write(out_dir: Path, seed: int, cast: Cast) -> ListsResult:
    rng = random.Random(f"{seed}:lists")
    fillers = draw_fillers(rng)
    files: dict[str, GeneratedFile] = {}
    entries: dict[str, list[dict[str, Any]]] = {}

    def entry(key: str, record: dict[str, Any]) -> None:
        entries.setdefault(key, []).append(record)

    ent_nums = _write_ofac(out_dir, cast, fillers["ofac"], files, entry)
    record_ids = _write_eu(out_dir, cast, fillers["eu"], files, entry)
    _write_dod(out_dir, cast, fillers["dod"], files, entry)
    ftm, ownership, person = ftm_entities(cast, fillers, ent_nums, record_ids)
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
        entry(key, {"list": "opensanctions_ftm", "file": rel, "id": ftm_id(key)})
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
    sdn, alt, add, ent_nums = ofac_files(cast, fillers)
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
    eu_text, record_ids = eu_file(cast, fillers)
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
    dod_text, dod_names = dod_file(cast, fillers)
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
