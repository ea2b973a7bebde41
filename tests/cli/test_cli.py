"""The command line: one-line errors with exit code 1, usage errors with 2, formats."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dualtrace.cli import build_app

runner = CliRunner()
app = build_app()

DECLARATIONS = "decl,date,hs,value\nA1,2024-01-02,8542310000,10\nA2,2024-01-03,8542320000,x\n"
MAPPING = "table: shipments\ncolumns: {declaration_no: decl, date: date, hs_code: hs, value: value}\nconstants: {currency: USD}\n"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_then_sql_in_every_format(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    (tmp_path / "d.csv").write_text(DECLARATIONS)
    (tmp_path / "m.yaml").write_text(MAPPING)
    code, out, err = invoke(
        "ingest", "shipments", str(tmp_path / "d.csv"), "-m", str(tmp_path / "m.yaml"), "--db", db
    )
    assert code == 0, err
    assert "read 2 = loaded 1 + quarantined 1" in err
    assert "line 3: value: not a number 'x'" in err

    code, out, _ = invoke(
        "sql", "SELECT declaration_no, value FROM shipments", "--db", db, "--format", "json"
    )
    assert code == 0 and json.loads(out) == [{"declaration_no": "A1", "value": 10.0}]
    code, out, _ = invoke("sql", "SELECT declaration_no, source_line FROM shipments", "--db", db, "-f", "csv")
    assert code == 0 and out.splitlines() == ["declaration_no,source_line", "A1,2"]
    code, out, _ = invoke("sources", "--db", db, "--format", "json")
    [source] = json.loads(out)
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (2, 1, 1)
    code, out, _ = invoke("quarantine", "--db", db, "--format", "csv")
    assert "A2,2024-01-03,8542320000,x" in out

    # DUALTRACE_DB stands in for --db.
    result = runner.invoke(
        app, ["sql", "SELECT count(*) AS n FROM shipments", "-f", "json"], env={"DUALTRACE_DB": db}
    )
    assert json.loads(result.stdout) == [{"n": 1}]


def test_user_errors_are_one_line_with_exit_code_1(tmp_path: Path) -> None:
    db = str(tmp_path / "w.duckdb")
    cases = [
        (["ingest", "trade", str(tmp_path / "missing.csv"), "--db", db], "file not found"),
        (["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")], "no warehouse at"),
        (
            ["ingest", "shipments", str(tmp_path / "d.csv"), "-m", str(tmp_path / "nope.yaml"), "--db", db],
            "mapping file not found",
        ),
    ]
    (tmp_path / "d.csv").write_text(DECLARATIONS)
    (tmp_path / "u.csv").write_text("a,b\n1,2\n")
    cases.append((["ingest", "trade", str(tmp_path / "u.csv"), "--db", db], "unknown layout"))
    (tmp_path / "bad.yaml").write_text(
        "table: shipments\ncolumns: {date: when, hs_code: hs, value: value}\nconstants: {currency: USD}\n"
    )
    cases.append(
        (
            ["ingest", "shipments", str(tmp_path / "d.csv"), "-m", str(tmp_path / "bad.yaml"), "--db", db],
            "column 'when' (for date) is not in d.csv",
        )
    )
    for args, message in cases:
        code, out, err = invoke(*args)
        assert code == 1, (args, out, err)
        assert message in err
        assert "Traceback" not in err + out
        assert len(err.strip().splitlines()) == 1 or err.count("Error:") == 1

    invoke("ingest", "shipments", str(tmp_path / "d.csv"), "-m", str(tmp_path / "bad.yaml"), "--db", db)
    code, _, err = invoke("sql", "DELETE FROM sources", "--db", db)
    assert code == 1 and "read-only" in err


def test_usage_errors_exit_with_2(tmp_path: Path) -> None:
    code, _, _ = invoke("ingest", "trade")
    assert code == 2
    code, _, _ = invoke("sql", "SELECT 1", "--format", "xml")
    assert code == 2
    code, _, _ = invoke("no-such-command")
    assert code == 2
