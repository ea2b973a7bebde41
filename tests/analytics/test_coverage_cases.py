"""The coverage rules on small fictional files, one per case (issue 12): a partial annual year,
a reporter that stops reporting, blank weights, headings and codes in one file, aggregate
partner rows. Each checks the stored coverage and that analyze states no change from the gap."""

from __future__ import annotations

from pathlib import Path

from dualtrace.session import Dualtrace
from tests.analytics.conftest import HEADER, ingest_rows, months, write_csv

ANNUAL = """table: trade_flows
columns: {period: period, reporter: reporter, partner: partner, flow: flow, hs_code: code, value: value,
  currency: currency}
constants: {freq: A}
"""
PARTNERS = ["CHN", "DEU", "FRA", "ITA", "TUR", "IRN", "GEO", "USA", "JPN", "KOR"]


def _status(dt: Dualtrace, reporter: str) -> dict[int, str]:
    return {int(r["year"]): r["status"] for r in dt.coverage() if r["reporter"] == reporter}


def test_a_partial_annual_year_is_partial_and_never_compared(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    dt, _ = small
    mapping = tmp_path / "annual.yaml"
    mapping.write_text(ANNUAL, encoding="utf-8")
    rows = [f"{y},ARM,{p},M,TOTAL,1000000,EUR" for y in (2019, 2020, 2021) for p in PARTNERS]
    rows += [f"2022,ARM,{p},M,TOTAL,50000,EUR" for p in PARTNERS[:3]]  # 3 of 10 partners so far
    dt.ingest_trade([write_csv(tmp_path / "arm.csv", HEADER.rsplit(",", 1)[0], rows)], mapping=mapping)
    assert _status(dt, "ARM") == {2019: "complete", 2020: "complete", 2021: "complete", 2022: "partial"}
    reason = next(r["reason"] for r in dt.coverage() if r["year"] == 2022)
    assert "3 partners against a median of 10" in reason
    result = dt.analyze(only=["surge"])
    assert not [f for f in result.findings if f.period_start and f.period_start.year == 2022]


def test_a_reporter_that_stops_is_absent_not_zero(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    rows = [f"{m},DEU,RUS,X,TOTAL,5000000,EUR," for m in months("2019-01", "2022-12")]
    rows += [f"{m},GBR,RUS,X,TOTAL,4000000,EUR," for m in months("2019-01", "2020-01")]
    dt = ingest_rows(small, "x.csv", rows)
    assert _status(dt, "GBR") == {2019: "complete", 2020: "partial", 2021: "absent", 2022: "absent"}
    assert _status(dt, "DEU") == {y: "complete" for y in (2019, 2020, 2021, 2022)}
    reason = next(r["reason"] for r in dt.coverage() if r["reporter"] == "GBR" and r["year"] == 2021)
    assert "stop after 2020-01" in reason
    result = dt.analyze(only=["surge"])
    assert not [f for f in result.findings if f.metrics["reporter"] == "GBR"]


def test_blank_weights_are_counted_and_never_read_as_zero(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    rows = [f"{m},CHN,RUS,X,854231,1000000,USD,5000" for m in months("2019-01", "2021-12")]
    rows += [f"{m},CHN,RUS,X,854231,1000000,USD," for m in months("2022-01", "2022-12")]  # no weight
    dt = ingest_rows(small, "w.csv", rows)
    top = {int(r["year"]): r for r in dt.coverage()}
    assert top[2022]["blank_kg"] == 12 and top[2021]["blank_kg"] == 0
    assert dt.sql("SELECT COUNT(*) AS n FROM trade_flows WHERE net_kg = 0")[0]["n"] == 0
    result = dt.analyze(only=["surge"])
    assert not [f for f in result.findings if f.metrics["measure"] == "net_kg"]


def test_headings_and_codes_in_one_file_share_their_reporters_coverage(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    rows = [f"{m},DEU,KAZ,X,8542,300,EUR," for m in months("2021-01", "2022-06")]
    rows += [f"{m},DEU,KAZ,X,854231,100,EUR," for m in months("2021-01", "2021-03")]
    dt = ingest_rows(small, "h.csv", rows)
    levels = {(r["level"], int(r["year"])): r for r in dt.coverage(everything=True) if r["partner"] == "*"}
    assert levels[("hs4", 2021)]["months"] == 12 and levels[("hs6", 2021)]["months"] == 3
    # the heading's months decide: 2021 complete for both levels, 2022 partial (the file ends)
    assert {k: r["status"] for k, r in levels.items()} == {
        ("*", 2021): "complete",
        ("hs4", 2021): "complete",
        ("hs6", 2021): "complete",
        ("*", 2022): "partial",
        ("hs4", 2022): "partial",
    }


def test_aggregate_partner_rows_are_kept_as_partners(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    rows = [f"{m},DEU,{p},X,TOTAL,100,EUR," for m in months("2021-01", "2021-12") for p in ("KAZ", "W00")]
    dt = ingest_rows(small, "a.csv", rows)
    partners = {r["partner"]: r for r in dt.coverage(everything=True) if r["level"] == "*"}
    assert set(partners) == {"*", "KAZ", "W00"}
    assert partners["*"]["partners"] == 2 and partners["W00"]["status"] == "complete"
