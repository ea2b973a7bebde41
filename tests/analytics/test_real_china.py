"""On the real China minerals file (China-reported monthly exports of graphite, gallium and
germanium by partner, 2017-2024, USD and kg), surges and shares are found and every figure they
state is recomputed here from the raw CSV."""

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
from tests.analytics.conftest import FIXTURES
from tests.conftest import shared_file

CHINA = "trade/china/china_exports_hs6_monthly_by_partner_2017-2024.csv"
MEASURES = {"value": "val", "net_kg": "qty"}
AREAS = {"_X", "W00"}  # statistical areas are left out of totals


@pytest.fixture(scope="module")
def china(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dualtrace, AnalyzeResult, Path]]:
    path = shared_file(CHINA)
    with dualtrace.open(tmp_path_factory.mktemp("china") / "cn.duckdb") as dt:
        [report] = dt.ingest_trade([path], mapping=FIXTURES / "china_minerals.yaml")
        assert report.rows_quarantined == 0
        yield dt, dt.analyze(only=["surge", "share"]), path


@pytest.fixture(scope="module")
def raw(china: tuple[Dualtrace, AnalyzeResult, Path]) -> dict[tuple[str, str, int, str], float]:
    """(partner ISO3, hs6, year, measure) -> sum, from the raw file."""
    sums: dict[tuple[str, str, int, str], float] = defaultdict(float)
    with china[2].open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            partner = resolve(row["partner_name"]) or "?"
            for measure, column in MEASURES.items():
                sums[(partner, row["hs6"], int(row["period_dt"][:4]), measure)] += float(row[column])
    return dict(sums)


def amount(
    raw: dict[tuple[str, str, int, str], float], partner: str, hs6: str, year: int, measure: str
) -> float:
    if partner == "*":
        return sum(v for (p, h, y, m), v in raw.items() if h == hs6 and y == year and m == measure)
    return raw.get((partner, hs6, year, measure), 0.0)


def test_surges_and_collapses_recomputed_from_the_raw_file(
    china: tuple[Dualtrace, AnalyzeResult, Path], raw: dict[tuple[str, str, int, str], float]
) -> None:
    found = [f for f in china[1].findings if f.kind in ("surge", "collapse") and f.metrics["level"] == "hs6"]
    assert len(found) >= 10
    assert {f.kind for f in found} == {"surge", "collapse"}
    for f in found:
        m = f.metrics
        year, base_year = int(m["period"]), int(m["base_period"])
        assert m["reporter"] == "CHN" and m["currency"] == "USD" and not m["same_months_only"]
        assert m["current"] == pytest.approx(
            amount(raw, m["partner"], m["product"], year, m["measure"]), rel=1e-9
        )
        assert m["base"] == pytest.approx(
            amount(raw, m["partner"], m["product"], base_year, m["measure"]), rel=1e-9
        )
        for label, value in m["by_year"].items():
            assert value == pytest.approx(
                amount(raw, m["partner"], m["product"], int(label), m["measure"]), rel=1e-9
            )
        ratio = m["current"] / m["base"] if m["base"] else None
        if ratio is not None:
            assert (ratio >= 2.0) if f.kind == "surge" else (ratio <= 0.5)


def test_shares_recomputed_from_the_raw_file(
    china: tuple[Dualtrace, AnalyzeResult, Path], raw: dict[tuple[str, str, int, str], float]
) -> None:
    found = [f for f in china[1].findings if f.kind == "share" and f.metrics["level"] == "hs4"]
    assert len(found) >= 3
    for f in found:
        m = f.metrics
        assert m["view"] == "exports" and m["group"] == "CHN"
        codes = {h for (_p, h, _y, _m) in raw if h.startswith(m["product"])}
        year, base_year = int(m["period"]), int(m["base_period"])

        def total(
            y: int, party: str | None = None, m_: str = m["measure"], codes_: set[str] = codes
        ) -> float:
            return sum(
                v
                for (p, h, yy, mm), v in raw.items()
                if h in codes_ and yy == y and mm == m_ and p not in AREAS and (party is None or p == party)
            )

        assert m["share"] == pytest.approx(total(year, m["party"]) / total(year), rel=1e-9)
        assert m["base_share"] == pytest.approx(total(base_year, m["party"]) / total(base_year), rel=1e-9)
        assert abs(m["share"] - m["base_share"]) >= 0.15
        assert f"{m['share'] * 100:.1f}%" in f.headline
