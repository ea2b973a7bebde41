"""An FtM file that carries one id twice is merged, as FtM does, also when a line has a property
the installed model does not know (found by fuzzing: a traceback, 'Person has no property')."""

from __future__ import annotations

import json
from pathlib import Path

import dualtrace


def test_the_same_id_twice_is_merged_whatever_its_properties(tmp_path: Path) -> None:
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "country": ["ru"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ivan PETROV", "Иван Петров"], "ountry": ["ru"]}},
    ]
    path = tmp_path / "persons.ftm.json"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.lists_load([path])
        (row,) = dt.sql("SELECT properties FROM entities WHERE entity_id = 'p1'")
        props = json.loads(str(row["properties"]))
    assert props["name"] == ["Ivan Petrov", "Ivan PETROV", "Иван Петров"]
    assert props["ountry"] == ["ru"] and props["country"] == ["ru"]
