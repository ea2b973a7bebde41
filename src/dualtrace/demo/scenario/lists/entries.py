"""The fictional list entries of data/lists.yaml: planted listings, OFAC names, authorities, fillers."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dualtrace.demo.scenario import ids

_LISTS = Path(__file__).parents[1] / "data" / "lists.yaml"  # the scenario's data folder
_DATA: dict[str, Any] = yaml.safe_load(_LISTS.read_text("utf-8"))
LISTINGS: dict[str, dict[str, dt.date]] = _DATA["listings"]  # planted party -> {list: listing date}
OFAC_NAMES: dict[str, str] = _DATA["ofac_names"]
OFAC_ALTS: dict[str, list[str]] = _DATA["ofac_aliases"]
OFAC_LINKS: dict[str, str] = _DATA["ofac_links"]
AUTHORITIES: dict[str, dict[str, str]] = _DATA["authorities"]


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


def draw_fillers(rng: random.Random) -> dict[str, list[Filler]]:
    return {file: [_filler(rng, rec) for rec in recs] for file, recs in _DATA["fillers"].items()}
