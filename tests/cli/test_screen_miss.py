"""A screened name that matches nothing says so, with its best candidate (issue 14)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dualtrace.cli import build_app
from tests.conftest import shared_file


def test_a_miss_names_the_best_candidate(tmp_path: Path) -> None:
    dod = shared_file("sanctions/opensanctions/us__dod_chinese_milcorps__sanctions.csv")
    db = str(tmp_path / "w.duckdb")
    runner = CliRunner()
    app = build_app()
    loaded = runner.invoke(app, ["lists", "load", str(dod), "--db", db])
    assert loaded.exit_code == 0, loaded.stderr
    result = runner.invoke(app, ["screen", "Hikvision Digital Trading", "--threshold", "0.999", "--db", db])
    assert result.exit_code == 0, result.stderr
    assert "no match above 0.999" in result.stderr
    line = next(x for x in result.stderr.splitlines() if "no match above" in x)
    assert "'Hikvision Digital Trading'" in line and "Hikvision" in line.split("best:", 1)[1], line
    hit = runner.invoke(app, ["screen", "Hikvision", "--db", db])
    assert hit.exit_code == 0 and "no match above" not in hit.stderr
