"""A Chinese person's name in characters against the Latin form lists give ("李尚福" / "LI,
Shangfu", the SDN's writing): read as surname + given name, in either order; another surname
or another given name is no match. The names are real (facts); the list file is a small
fictional FtM fixture, since no shared list carries Chinese-script persons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dualtrace
from dualtrace.normalize.names import alternates
from dualtrace.screening.score import Candidate, Query, score


def _score(query: str, listed: str) -> float:
    return score(Query(query, schema="Person"), Candidate("t", "1", "Person", listed, [listed])).score


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("李尚福", "LI, Shangfu"),
        ("Li Shangfu", "李尚福"),
        ("Shangfu Li", "李尚福"),  # given name first, as Western documents write it
        ("习近平", "XI Jinping"),
        ("歐陽明高", "OUYANG Minggao"),  # a compound surname, traditional characters
    ],
)
def test_characters_match_the_latin_form(query: str, listed: str) -> None:
    assert _score(query, listed) >= 0.85


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("张伟", "LI Wei"),  # same given name, another surname
        ("李尚福", "LI Shangbin"),  # same surname, another given name
        ("王毅", "WANG Yang"),
    ],
)
def test_another_surname_or_given_name_is_no_match(query: str, listed: str) -> None:
    assert _score(query, listed) < 0.5


def test_the_person_reading_splits_surname_from_given_name() -> None:
    (reading,) = alternates("李尚福")
    assert reading.tokens == ("li", "shangfu")
    (compound,) = alternates("欧阳明高")
    assert compound.tokens == ("ouyang", "minggao")
    # a longer run (a firm's name) gets no person reading
    assert alternates("深圳市华为技术有限公司") == ()


def test_candidate_search_finds_the_characters_from_latin(tmp_path: Path) -> None:
    entity = {
        "id": "fx-li-shangfu",
        "schema": "Person",
        "caption": "李尚福",
        "properties": {"name": ["李尚福"], "birthDate": ["1958-02"], "country": ["cn"]},
        "datasets": ["fixture"],
        "target": True,
    }
    path = tmp_path / "persons.ftm.json"
    path.write_text(json.dumps(entity, ensure_ascii=False) + "\n", encoding="utf-8")
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.lists_load([path])
        for query in ("LI Shangfu", "Shangfu Li"):
            (hit,) = dt.screen([query], threshold=0.5, limit=3)
            assert hit["entity_id"] == "fx-li-shangfu"
        (dated,) = dt.screen(["LI Shangfu"], threshold=0.5, birth_date="1958", country="CN")
        # the year and the country back the name: the one-word hold does not apply
        assert dated["score"] > 0.95 and "birth_date" in dated["explanation"]
