"""Batch screening of a CSV (`screen --file F --column C`) with per-row qualifiers: each row's
country, date of birth and address columns raise or lower that row's hits, on the real EU 269
list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from tests.conftest import shared_file

ROWS = (
    "name;country;born;address\n"
    "Vladimir Putin;RU;1952-10-07;\n"
    "Vladimir Putin;;1971-01-01;\n"
    'OOO Vektor;;;"197022 St. Petersburg, Akademika Pavlova 14"\n'
    "OOO Vektor;;;\n"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("batch") / "w.duckdb"
    with dualtrace.open(db) as dt:
        dt.lists_load([shared_file("sanctions/eu/eu__journal_sanctions__32014R0269.csv")])
    return db


def _screen(db: Path, tmp_path: Path, *extra: str) -> list[dict[str, object]]:
    names = tmp_path / "names.csv"
    names.write_text(ROWS, encoding="utf-8")
    args = ["screen", "--file", str(names), "--column", "name", "--threshold", "0.3", "--db", str(db)]
    result = CliRunner().invoke(build_app(), [*args, *extra, "--format", "json"])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def _best(hits: list[dict[str, object]], caption: str, feature: str | None) -> float:
    scores = [
        float(str(h["score"]))
        for h in hits
        if str(h["caption"]).upper() == caption
        and (feature is None or feature in str(h["explanation"]))
    ]
    assert scores, [(h["caption"], h["explanation"]) for h in hits]
    return max(scores)


def test_each_rows_qualifiers_count_for_that_row(warehouse: Path, tmp_path: Path) -> None:
    hits = _screen(
        warehouse, tmp_path, "--country-column", "country", "--dob-column", "born",
        "--address-column", "address",
    )  # fmt: skip
    putin = "VLADIMIR VLADIMIROVICH PUTIN"
    assert _best(hits, putin, "birth_date 1952-10-07 listed") > 0.99
    assert _best(hits, putin, "birth_date 1971-01-01 vs 1952-10-07") < 0.7
    assert _best(hits, "VEKTOR JSC", "address shares") > _best(hits, "VEKTOR JSC", "one_word_name")


def test_a_missing_qualifier_column_is_one_line(warehouse: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text(ROWS, encoding="utf-8")
    result = CliRunner().invoke(
        build_app(),
        ["screen", "--file", str(names), "--column", "name", "--dob-column", "dob", "--db", str(warehouse)],
    )
    assert result.exit_code != 0
    assert "names.csv: no column 'dob' (columns: name, country, born, address)" in result.output
