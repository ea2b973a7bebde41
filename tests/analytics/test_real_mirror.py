"""Mirror gaps on real files: EU member states' monthly exports to Kyrgyzstan and Armenia
(Eurostat extracts) against the yearly imports those countries report by partner (national
files). Every figure a finding states is recomputed here from the two raw CSV files."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

import dualtrace
from dualtrace.analytics import AnalyzeResult
from dualtrace.reference import resolve
from dualtrace.session import Dualtrace
from tests.conftest import shared_file

FILES = {
    "KGZ": (
        "trade/eurostat/totals/kyrgyz_export_eurostat.csv",
        "trade/eurostat/totals/national_kyrgyz_import_yearly.csv",
    ),
    "ARM": (
        "trade/eurostat/totals/armenia_export_eurostat.csv",
        "trade/eurostat/totals/national_armenia_import_yearly.csv",
    ),
}


@pytest.fixture(scope="module")
def mirror(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Dualtrace, AnalyzeResult, dict[str, Path]]]:
    paths = {rel: shared_file(rel) for pair in FILES.values() for rel in pair}
    with dualtrace.open(tmp_path_factory.mktemp("mirror") / "m.duckdb") as dt:
        reports = dt.ingest_trade(list(paths.values()))
        assert {r.layout for r in reports} == {"eurostat-extract"}
        assert all(r.rows_quarantined == 0 for r in reports)
        yield dt, dt.analyze(only=["mirror_gap"]), paths


def raw_sums(paths: dict[str, Path]) -> dict[tuple[str, str, str, int], float]:
    """(flow, reporter, partner, year) -> EUR from the raw files (monthly 'Apr. 2019' or 'Y2019')."""
    sums: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for path in paths.values():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                flow = "X" if "EXPORT" in row["FLOW"].upper() else "M"
                period = row["PERIOD"]
                year = int(period[1:]) if period.startswith("Y") else int(period[-4:])
                key = (flow, resolve(row["REPORTER"]) or "?", resolve(row["PARTNER"]) or "?", year)
                sums[key] += float(row["VALUE_IN_EUR"])
    return sums


def test_mirror_gaps_recomputed_from_the_raw_files(
    mirror: tuple[Dualtrace, AnalyzeResult, dict[str, Path]],
) -> None:
    _, result, paths = mirror
    sums = raw_sums(paths)
    found = result.findings
    assert len(found) >= 10
    importers = {f.metrics["importer"] for f in found}
    assert importers == {"KGZ", "ARM"}
    for f in found:
        m = f.metrics
        assert m["level"] == "total" and m["currency"] == "EUR"
        for year, figures in m["by_year"].items():
            x = sums[("X", m["exporter"], m["importer"], int(year))]
            im = sums[("M", m["importer"], m["exporter"], int(year))]
            assert figures["exporter_reported"] == pytest.approx(x, rel=1e-9)
            assert figures["importer_reported"] == pytest.approx(im, rel=1e-9)
        assert m["ratio"] == pytest.approx(m["importer_reported"] / m["exporter_reported"], rel=1e-12)
        assert not 1.06 * 0.85 <= m["ratio"] <= 1.06 * 1.15
        assert m["gap"] == pytest.approx(m["exporter_reported"] * 1.06 - m["importer_reported"], rel=1e-9)
        # a year is compared only when both sides cover it: 2024 (Jan-Aug) never is
        assert "2024" not in m["by_year"]
    # Germany's exports to Kyrgyzstan: the largest EU exporter is one of the pairs with a gap
    assert any(f.metrics["exporter"] == "DEU" and f.metrics["importer"] == "KGZ" for f in found)
