"""Every company and person name of the scenario is fictional: none equals a name (or id) on the
real lists under ../shared/data/sanctions (skipped when that folder is absent)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from dualtrace.demo.scenario import Scenario

from .conftest import decoded

RU, CN = "declarations/ru_imports.csv", "declarations/cn_exports.csv"


def norm(name: str) -> str:
    """Case-, punctuation- and space-insensitive form (letters of any script are kept)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def _csv(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    text = path.read_bytes().decode(encoding, errors="replace").replace("\x1a", "")
    return list(csv.reader(io.StringIO(text)))


def real_names(root: Path) -> set[str]:
    names: set[str] = set()
    ofac = root / "ofac"
    for path in ofac.glob("sdn_20*.csv"):
        names.update(r[1] for r in _csv(path, "latin-1") if len(r) > 1)
    for path in [*ofac.glob("alt_*.csv"), *ofac.glob("cons_alt_*.csv")]:
        names.update(r[3] for r in _csv(path, "latin-1") if len(r) > 3)
    for path in ofac.glob("cons_prim_*.csv"):
        names.update(r[1] for r in _csv(path, "latin-1") if len(r) > 1)
    for path in (root / "eu").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text("utf-8"))):
            for col in ("name", "alias", "previousName"):
                names.update(n.strip() for n in (row[col] or "").split(";"))
    os_dir = root / "opensanctions"
    dod = os_dir / "us__dod_chinese_milcorps__sanctions.csv"
    if dod.exists():
        for row in csv.DictReader(io.StringIO(dod.read_text("utf-8"))):
            for col in ("Name", "Clean Name", "Alias", "Previous Name", "Parent Name"):
                names.add(row[col])
    cn = os_dir / "cn__sanctions__sanctions.csv"
    if cn.exists():
        for row in csv.DictReader(io.StringIO(cn.read_text("utf-8"))):
            names.update([row["Name"], row["Chinese name"], *row["Alias"].split(";")])
    for path in os_dir.glob("*.json"):
        for line in path.read_text("utf-8").splitlines():
            try:
                entity = json.loads(line)
            except json.JSONDecodeError:
                continue
            entity = entity.get("entity", entity)
            props = entity.get("properties", {}) if isinstance(entity, dict) else {}
            for prop in ("name", "alias", "previousName", "weakAlias"):
                names.update(props.get(prop, []))
    for path in (root / "us-csl").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text("utf-8", errors="replace"))):
            names.add(row.get("name") or "")
            names.update((row.get("alt_names") or "").split(";"))
    un = root / "un" / "UN_consolidated.xml"
    if un.exists():
        tree = ET.parse(un)
        for node in tree.iter():
            if node.tag in ("INDIVIDUAL", "ENTITY"):
                parts = [
                    node.findtext(t) or "" for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
                ]
                names.add(" ".join(p for p in parts if p))
            if node.tag == "ALIAS_NAME" and node.text:
                names.add(node.text)
    return {n for n in (norm(x) for x in names) if n}


def our_names(scenario: Scenario, truth: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for party in truth["parties"].values():
        names.update([party["name_en"], party["name_local"], *party["aliases"]])
        for fields in party["appearances"].values():
            for ref in fields.values():
                names.update(s["name"] for s in ref.get("spellings", []))
    for decoy in truth["stories"]["decoys"]["parties"].values():
        names.update([decoy["name_en"], decoy["name_local"]])
    names.update(f["name"] for f in truth["lists"]["fillers"])
    owner = truth["ownership"]["private_owner"]
    names.update([owner["name"], owner["name_ru"]])
    for rel, cols in ((RU, (3, 6, 9, 15)), (CN, (3, 5, 13))):
        info = scenario.files[rel]
        for row in csv.reader(io.StringIO(decoded(scenario, rel)), delimiter=info.delimiter):
            names.update(row[c] for c in cols if c < len(row))
    for line in scenario.path("lists/entities.ftm.json").read_text("utf-8").splitlines():
        props = json.loads(line)["properties"]
        names.update(props.get("name", []) + props.get("alias", []))
    names.discard("ОТСУТСТВУЕТ")
    return {n for n in (norm(x) for x in names) if n and not n.isdigit()}


def test_no_name_of_the_scenario_is_on_a_real_list(
    scenario: Scenario, truth: dict[str, Any], shared_data: Path
) -> None:
    real = real_names(shared_data / "sanctions")
    assert len(real) > 10_000
    ours = our_names(scenario, truth)
    assert len(ours) > 500
    assert sorted(ours & real) == []


def test_no_id_of_the_scenario_is_on_a_real_list(truth: dict[str, Any], shared_data: Path) -> None:
    text = "\n".join(
        p.read_bytes().decode("utf-8", errors="replace")
        for p in (shared_data / "sanctions").rglob("*")
        if p.is_file()
    )
    tokens = set(re.findall(r"[0-9A-Z]{10,18}", text))
    ours = {v for party in truth["parties"].values() for k, v in party["ids"].items()
            if k in ("uscc", "inn", "ogrn")}  # fmt: skip
    assert len(ours) > 50
    assert sorted(ours & tokens) == []


DISTINCTIVE = ("lianxin", "haoguang", "xiangqiong", "kong fung", "oriantekh", "vektramash",
               "svetorog", "aeronis", "tianyuan", "polarlink", "nordvektor", "brightpeak",
               "guanghe", "tiandun", "联芯锐达", "浩光", "翔穹", "天垣", "ориантех", "вектрамаш",
               "светорог", "аэронис", "нордвектор")  # fmt: skip


def test_distinctive_words_of_the_stories_are_on_no_real_list(shared_data: Path) -> None:
    real = real_names(shared_data / "sanctions")
    hits = sorted((w, n) for n in real for w in DISTINCTIVE if w in n)
    assert hits == []
