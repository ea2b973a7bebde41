"""The structured (YAML) form of a claim, the .txt form, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualtrace.api import Dualtrace
from dualtrace.cli import build_app
from dualtrace.errors import InputError
from tests.bad_input import one_line_error


def test_yaml_records_are_checked_as_written(claims_db: Dualtrace, tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "- text: EU exports to Kyrgyzstan, 2021 to 2023\n"
        "  comparison: ratio\n  reporters: [EU]\n  partners: [Kyrgyzstan]\n  periods: [2021, 2023]\n"
        "  figure: {value: 10, unit: x, rounding: about}\n"
        "- EU exports to Kyrgyzstan rose 400 times from 2021 to 2023\n",
        encoding="utf-8",
    )
    record, sentence = claims_db.check_claims([path])
    assert record.claim.partners == ("KGZ",) and record.verdict == "supported"
    assert record.computed == pytest.approx(sentence.computed)
    assert sentence.verdict == "contradicted" and "x10.4, not x400" in sentence.sentence


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- {measure: tonnage}\n", "claim 1: measure 'tonnage' is not one of"),
        ("- {partners: [Atlantis]}\n", "unknown country or area 'Atlantis'"),
        ("- {periods: [{start: 2022-13}]}\n", "is not a month"),
        ("- {colour: red}\n", "unknown claim fields colour"),
        ("claims: 3\n", "expected a list of claims"),
    ],
)
def test_bad_records_are_one_line_errors(tmp_path: Path, text: str, problem: str) -> None:
    message = one_line_error(
        tmp_path, text, InputError, lambda path: Dualtrace(":memory:").claims_parse([path])
    )
    assert problem in message and "bad.yaml" in message


def test_cli_check_prints_parse_verdict_and_sql(claims_db: Dualtrace, tmp_path: Path) -> None:
    sentences = tmp_path / "claims.txt"
    sentences.write_text(
        "# seed claims\nEU exports to Kyrgyzstan surged between 2021 and 2023\n"
        "EU exports to Ukraine doubled in 2022\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    claims_db.close()
    got = runner.invoke(build_app(), ["claims", "check", str(sentences), "--db", str(claims_db.path)])
    assert got.exit_code == 0, got.output
    assert "parsed: value change" in got.output and "SUPPORTED" in got.output
    assert "NOT ENOUGH DATA" in got.output and "partner not covered" in got.output
    assert "sql: SELECT sum(value)" in got.output
    as_json = runner.invoke(
        build_app(),
        [
            "claims",
            "check",
            "EU exports to Kyrgyzstan rose tenfold from 2021 to 2023",
            "--db",
            str(claims_db.path),
            "--format",
            "json",
        ],
    )
    [result] = json.loads(as_json.stdout)
    assert result["verdict"] == "supported" and result["evidence"] and result["claim"]["reporters"] == ["EU"]


def test_cli_parse_needs_no_warehouse() -> None:
    got = CliRunner().invoke(
        build_app(),
        ["claims", "parse", "China exported 11 tonnes of gallium to Russia in 2023", "--format", "json"],
    )
    assert got.exit_code == 0, got.output
    [claim] = json.loads(got.stdout)
    assert claim["measure"] == "weight" and claim["reporters"] == ["CHN"] and claim["partners"] == ["RUS"]
