"""Several full files of one list given in one load are one version together (issue 14: a
second US CSL file used to replace the first)."""

from __future__ import annotations

from pathlib import Path

import dualtrace
from tests.conftest import shared_file


def _count(path: Path, files: list[Path]) -> int:
    with dualtrace.open(path) as dt:
        dt.lists_load(files)
        return int(dt._records("SELECT count(*) AS n FROM entities WHERE list = 'us_csl'")[0]["n"])


def test_two_csl_files_load_together(tmp_path: Path) -> None:
    a = shared_file("sanctions/us-csl/csl_2019_sample.csv")
    b = shared_file("sanctions/us-csl/csl_2025_layout_sample.csv")
    alone_a = _count(tmp_path / "a.duckdb", [a])
    alone_b = _count(tmp_path / "b.duckdb", [b])
    both = _count(tmp_path / "ab.duckdb", [a, b])
    assert alone_a > 0 and alone_b > 0
    assert both == alone_a + alone_b  # no entry shared: nothing replaced, nothing lost
    with dualtrace.open(tmp_path / "ab.duckdb") as dt:
        versions = dt._records("SELECT count(*) AS n FROM list_versions WHERE list = 'us_csl'")
        assert versions[0]["n"] == 1
