"""dualtrace analyze / report / findings from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dualtrace.cli import build_app

runner = CliRunner()


def test_analyze_only_then_findings(demo_copy: Path) -> None:
    app = build_app()
    result = runner.invoke(
        app, ["analyze", "--only", "diversion", "--only", "unit_value", "--db", str(demo_copy)]
    )
    assert result.exit_code == 0, result.output
    assert "diversion" in result.output
    listed = runner.invoke(
        app, ["findings", "--kind", "unit_value", "--db", str(demo_copy), "--format", "json"]
    )
    assert listed.exit_code == 0
    records = json.loads(listed.stdout)
    assert len(records) == 5 and all(r["kind"] == "unit_value" for r in records)
    assert all(r["evidence"]["query"] and r["evidence"]["rows"] for r in records)


def test_analyze_json_output(demo_copy: Path) -> None:
    result = runner.invoke(
        build_app(), ["analyze", "--only", "mirror_gap", "--db", str(demo_copy), "-f", "json", "--limit", "3"]
    )
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 3 and {r["kind"] for r in records} == {"mirror_gap"}


def test_user_errors_exit_1_with_one_line(demo_copy: Path, tmp_path: Path) -> None:
    app = build_app()
    bad = tmp_path / "bad.yaml"
    bad.write_text("surge: {ratoi: 3}\n", encoding="utf-8")
    for args, message in (
        (["analyze", "--only", "surges2", "--db", str(demo_copy)], "unknown analytic 'surges2'"),
        (["analyze", "--config", str(bad), "--db", str(demo_copy)], "unknown setting 'surge.ratoi'"),
        (
            ["analyze", "--config", str(tmp_path / "none.yaml"), "--db", str(demo_copy)],
            "config file not found",
        ),
        (
            ["report", "--out", str(tmp_path / "r.pdf"), "--db", str(demo_copy)],
            "name the file .html, .xlsx or .json",
        ),
        (["report", "--out", str(tmp_path / "no" / "r.html"), "--db", str(demo_copy)], "does not exist"),
        (
            ["report", "--out", str(tmp_path / "r.html"), "--db", str(tmp_path / "missing.duckdb")],
            "no warehouse",
        ),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_analyze_on_an_empty_warehouse(tmp_path: Path) -> None:
    result = runner.invoke(build_app(), ["analyze", "--db", str(tmp_path / "empty.duckdb")])
    assert result.exit_code == 0, result.output
    assert "0 findings" in result.output


def test_a_rerun_that_finds_nothing_of_a_kind_replaces_its_old_findings(
    demo_copy: Path, tmp_path: Path
) -> None:
    app = build_app()
    assert runner.invoke(app, ["analyze", "--only", "unit_value", "--db", str(demo_copy)]).exit_code == 0
    strict = tmp_path / "strict.yaml"
    strict.write_text("unit_value: {min_ratio: 1000}\n", encoding="utf-8")
    rerun = runner.invoke(
        app, ["analyze", "--only", "unit_value", "--config", str(strict), "--db", str(demo_copy)]
    )
    assert rerun.exit_code == 0
    listed = runner.invoke(
        app, ["findings", "--kind", "unit_value", "--db", str(demo_copy), "--format", "json"]
    )
    assert json.loads(listed.stdout) == []
    others = runner.invoke(app, ["findings", "--kind", "surge", "--db", str(demo_copy), "--format", "json"])
    assert json.loads(others.stdout)  # kinds the rerun did not analyse keep their findings
