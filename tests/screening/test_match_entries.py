"""``match --db``: a pair may name a real list entry (list2, entity2) and is then scored against all
of the entry, the way screening scores it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.errors import InputError
from dualtrace.screening.pairs import read_pairs, score_pairs
from dualtrace.session import Dualtrace
from dualtrace.warehouse.db import fetch_one
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("match") / "w.duckdb"
    with dualtrace.open(path) as dt:
        dt.lists_load(
            [shared_file("sanctions/ofac/sdn_2024-05-03.csv"), shared_file("sanctions/ofac/alt_2025-02.csv")]
        )
    yield path


def _entry(path: Path, caption: str) -> str:
    with Dualtrace(path, read_only=True) as dt:
        return str(fetch_one(dt.con, "SELECT entity_id FROM entities WHERE caption = ?", [caption])[0])


def test_a_pair_naming_an_entry_is_scored_against_all_of_it(warehouse: Path, tmp_path: Path) -> None:
    eid = _entry(warehouse, "OAO RADIOAVIONIKA")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "name1,id1,name2,list2,entity2,is_match\n"
        f"Radioavionika,7809015518,,ofac_sdn,{eid},1\n"
        # name2 alone: one name, none of the entry's identifiers
        "Radioavionika,7809015518,OAO RADIOAVIONIKA,,,1\n",
        encoding="utf-8",
    )
    with Dualtrace(warehouse, read_only=True) as dt:
        by_entry, by_name = score_pairs(read_pairs(pairs), dt.con)
    assert by_entry.scored.candidate.entity_id == eid
    assert "RADIOAVIONIKA PAO" in by_entry.scored.candidate.names  # an alias from the alt file
    # the INN OFAC gives in the entry's remarks is matched, and raises the score
    assert any(f["feature"] == "identifier" for f in by_entry.scored.features), by_entry.scored.features
    assert not any(f["feature"] == "identifier" for f in by_name.scored.features)
    assert by_entry.scored.score > by_name.scored.score

    result = CliRunner().invoke(build_app(), ["match", "--pairs", str(pairs), "--db", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert eid in result.output and "best F1" in result.output


def test_an_entry_without_a_warehouse_or_unknown_is_one_line(warehouse: Path, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,list2,entity2\nRadioavionika,ofac_sdn,ofac-0\n", encoding="utf-8")
    with pytest.raises(InputError, match="--db"):
        score_pairs(read_pairs(pairs))
    with (
        Dualtrace(warehouse, read_only=True) as dt,
        pytest.raises(InputError, match="line 2: no list entry 'ofac-0'"),
    ):
        score_pairs(read_pairs(pairs), dt.con)
    result = CliRunner().invoke(build_app(), ["match", "--pairs", str(pairs)])
    assert result.exit_code == 1 and "--db" in result.output
