"""The faces: dualtrace classify, goods classify, goods explain, goods categories."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner, Result

from dualtrace.cli import build_app

runner = CliRunner()
SAMPLE = (
    "code;text;usd;qty\n"
    "6211430000;ЖИЛЕТ ДЛЯ СТРАЙКБОЛА, КЛАСС ЗАЩИТЫ БР4;150;1\n"
    "8542.31;MICROCONTROLLERS;2;1\n"
    "0902300000;ЧАЙ ЧЕРНЫЙ;;\n"
)


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "lines.csv"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def _classify(path: Path, *options: str) -> Result:
    """`goods classify` of a file whose codes are in `code` and descriptions in `text`."""
    return runner.invoke(
        build_app(),
        ["goods", "classify", str(path), "--hs-column", "code", "--text-column", "text", *options],
    )


def test_goods_classify_csv(tmp_path: Path) -> None:
    result = _classify(_file(tmp_path), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["categories"] for r in rows] == ["body_armor", "chpl_1; semiconductors", ""]
    assert [r["mismatch"] for r in rows] == ["True", "False", "False"]
    assert rows[0]["flags"] == "described_as_other_goods; use_claim"
    assert rows[0]["code"] == "6211430000" and rows[0]["line"] == "2"


def test_goods_classify_json_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = _classify(
        _file(tmp_path),
        "--value-usd-column",
        "usd",
        "--qty-column",
        "qty",
        "--format",
        "json",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows[0]["categories"] == ["body_armor"] and rows[0]["unit_value"] == 150.0
    assert rows[1]["chpl_tier"] == "1" and rows[2]["categories"] == []


def test_goods_classify_errors(tmp_path: Path) -> None:
    app = build_app()
    missing = runner.invoke(
        app, ["goods", "classify", str(_file(tmp_path)), "--hs-column", "hs", "--text-column", "text"]
    )
    assert missing.exit_code == 1
    assert "no column 'hs'" in missing.output and "Traceback" not in missing.output
    nofile = runner.invoke(
        app, ["goods", "classify", str(tmp_path / "x.csv"), "--hs-column", "a", "--text-column", "b"]
    )
    assert nofile.exit_code == 1 and "file not found" in nofile.output
    cp1251 = tmp_path / "ru.csv"
    cp1251.write_bytes(SAMPLE.encode("cp1251"))
    # cp1251 is detected from the names; too little text to tell is a one-line error.
    detected = _classify(cp1251)
    assert detected.exit_code == 0 and "body_armor" in detected.stdout
    unsure = tmp_path / "tiny.csv"
    unsure.write_bytes("code;text\n8542;東京\n".encode("shift_jis"))
    wrong = _classify(unsure)
    assert wrong.exit_code == 1 and "--encoding" in wrong.output and "Traceback" not in wrong.output
    right = _classify(cp1251, "--encoding", "cp1251")
    assert right.exit_code == 0 and "body_armor" in right.stdout
    usage = runner.invoke(app, ["goods", "classify", str(cp1251)])
    assert usage.exit_code == 2


def test_goods_explain() -> None:
    app = build_app()
    result = runner.invoke(app, ["goods", "explain", "8525.80", "--hs-version", "HS2017", "--format", "json"])
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    assert record["chpl_tier"] == "3.A" and "852589" in record["hs2022"] and record["watched"]
    plain = runner.invoke(app, ["goods", "explain", "6211430000", "--text", "бронежилет"])
    assert plain.exit_code == 0
    assert "not watched" in plain.stdout and "body armor" in plain.stdout and "flag" in plain.stdout
    bad = runner.invoke(app, ["goods", "explain", "abc"])
    assert bad.exit_code == 1 and "not an HS code" in bad.output
    edition = runner.invoke(app, ["goods", "explain", "8542", "--hs-version", "HS2099"])
    assert edition.exit_code == 1 and "unknown HS edition" in edition.output


def test_goods_categories_with_a_user_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "categories:\n  - {id: sonar, label: Sonar, risk: high, codes: ['901480']}\n", encoding="utf-8"
    )
    result = runner.invoke(
        build_app(), ["goods", "categories", "--categories", str(mine), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    ids = [row["id"] for row in json.loads(result.stdout)]
    assert "sonar" in ids and "body_armor" in ids
    broken = tmp_path / "broken.yaml"
    broken.write_text("categories: [", encoding="utf-8")
    failed = runner.invoke(build_app(), ["goods", "categories", "--categories", str(broken)])
    assert failed.exit_code == 1 and "not valid YAML" in failed.output


def test_classify_on_an_empty_warehouse_and_read_only_findings(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = runner.invoke(build_app(), ["classify", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["shipments"] == 0 and report["trade_flows"] == 0 and report["findings"] == {}
