"""The rules that make sums safe and comparisons fair, on small hand-made files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrace.analytics import compute
from dualtrace.analytics import config as config_module
from dualtrace.session import Dualtrace
from tests.analytics.conftest import ingest_rows, months


def rows(
    reporter: str, partner: str, code: str, monthly: dict[str, float], currency: str = "EUR"
) -> list[str]:
    return [f"{p},{reporter},{partner},X,{code},{v},{currency},{v / 10}" for p, v in monthly.items()]


def flat(first: str, last: str, value: float) -> dict[str, float]:
    return {p: value for p in months(first, last)}


def test_a_heading_and_its_codes_are_not_added_twice(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    body = []
    for p in months("2021-01", "2021-12"):
        body += [
            f"{p},DEU,KAZ,X,8471,100,EUR,10",
            f"{p},DEU,KAZ,X,84715000,60,EUR,6",
            f"{p},DEU,KAZ,X,84718000,30,EUR,3",
            f"{p},DEU,KAZ,X,8703,50,EUR,5",  # a heading without codes under it stays whole
        ]
    dt = ingest_rows(small, "mixed.csv", body)
    compute(dt.con, None, ["surge"])
    got = dict(
        dt.con.execute(
            "SELECT product, value_2021 FROM _an_wide WHERE level = 'hs4' AND reporter = 'DEU'"
            " AND partner = 'KAZ'"
        ).fetchall()
    )
    assert got == {"8471": 1200.0, "8703": 600.0}  # not 1,200 + 1,080
    resid = dt.con.execute("SELECT DISTINCT hs_code, value FROM _an_resid ORDER BY hs_code").fetchall()
    assert ("8471", 10.0) in resid and ("8703", 50.0) in resid


def test_a_later_file_that_repeats_keys_wins(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    first = rows("DEU", "KAZ", "85423190", flat("2021-01", "2021-12", 100))
    revised = rows("DEU", "KAZ", "85423190", flat("2021-01", "2021-12", 150))
    dt = ingest_rows(small, "a.csv", first)
    ingest_rows(small, "b.csv", revised)
    result = compute(dt.con, None, ["surge"])
    assert any("repeats 12" in note for note in result.notes)
    total = dt.con.execute("SELECT SUM(value) FROM _an_flows").fetchone()
    assert total == (1800.0,)


def test_currencies_are_separate_series(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    body = rows("DEU", "RUS", "85423190", flat("2020-01", "2021-12", 1_000_000))
    body += rows("DEU", "RUS", "85423190", flat("2022-01", "2022-12", 100_000))
    body += rows("DEU", "RUS", "854231", flat("2020-01", "2022-12", 1_200_000), currency="USD")
    dt = ingest_rows(small, "c.csv", body)
    result = compute(dt.con, None, ["surge"])
    collapses = [f for f in result.findings if f.kind == "collapse" and f.metrics["partner"] == "RUS"]
    assert collapses and all(f.metrics["currency"] == "EUR" for f in collapses)
    # one finding for the code (stated at the widest level holding exactly these rows)
    f = next(f for f in collapses if f.metrics["reporter"] == "DEU" and f.metrics["measure"] == "value")
    assert (f.metrics["base"], f.metrics["current"]) == (12_000_000.0, 1_200_000.0)  # EUR only, never + USD
    assert not [f for f in result.findings if f.metrics["currency"] == "USD"]  # the flat USD series


def test_tiny_baselines_and_noise_are_not_surges(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    body = rows(
        "CHN", "KGZ", "85423190", {**flat("2019-01", "2021-12", 20), **flat("2022-01", "2022-12", 900)}
    )
    body += rows(
        "CHN",
        "ARM",
        "85423190",
        {**flat("2019-01", "2021-12", 50_000), **flat("2022-01", "2022-12", 900_000)},
    )
    dt = ingest_rows(small, "t.csv", body)
    result = compute(dt.con, None, ["surge"])
    partners = {f.metrics["partner"] for f in result.findings if f.kind == "surge"}
    assert "KGZ" not in partners  # x45, but from EUR 240 a year to 10,800: below the floors
    arm = [f for f in result.findings if f.metrics["partner"] == "ARM" and f.metrics["measure"] == "value"]
    assert arm and arm[0].metrics["ratio"] == pytest.approx(18.0)
    assert arm[0].metrics["base"] == 600_000.0 and arm[0].metrics["current"] == 10_800_000.0


def test_the_latest_partial_year_is_compared_month_for_month(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    body = rows(
        "DEU",
        "KGZ",
        "84571010",
        {**flat("2020-01", "2021-12", 1_000_000), **flat("2022-01", "2022-06", 4_000_000)},
    )
    dt = ingest_rows(small, "p.csv", body)
    result = compute(dt.con, None, ["surge"])
    f = next(f for f in result.findings if f.metrics["reporter"] == "DEU" and f.metrics["measure"] == "value")
    assert f.metrics["same_months_only"] and f.metrics["period"] == "Jan-Jun 2022"
    assert (f.metrics["base"], f.metrics["current"]) == (6_000_000.0, 24_000_000.0)
    assert f.metrics["base_period"] == "Jan-Jun 2021"


def test_a_code_that_exists_only_in_the_new_edition_is_no_surge(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    """Drones moved from 880220 (HS2017) to 8806 (HS2022): a rise 'from nothing' of 8806 in
    2022 is a reclassification, not trade; a category that spans both editions is compared."""
    body = rows("CHN", "RUS", "880220", flat("2019-01", "2021-12", 1_000_000))
    body += rows("CHN", "RUS", "880622", flat("2022-01", "2023-12", 3_000_000))
    dt = ingest_rows(small, "e.csv", body)
    settings = config_module.from_dict({"categories": {"drones": ["8806", "880220"]}})
    result = compute(dt.con, settings, ["surge"])
    products = {(f.metrics["level"], f.metrics["product"]) for f in result.findings if f.kind == "surge"}
    assert ("hs6", "880622") not in products and ("hs4", "8806") not in products
    assert ("category", "drones") in products


def test_quarter_surges_and_monthly_shares(small: tuple[Dualtrace, Path], tmp_path: Path) -> None:
    """The long-form buckets (quarters, months) behind `surge.period: quarter` and
    `share.period: month`."""
    body = rows(
        "DEU",
        "ARM",
        "84571010",
        {**flat("2020-01", "2022-03", 100_000), **flat("2022-04", "2022-12", 900_000)},
    )
    for partner in ("KAZ", "GEO", "TUR"):
        body += rows("DEU", partner, "84571010", flat("2020-01", "2022-12", 300_000))
    dt = ingest_rows(small, "q.csv", body)
    settings = config_module.from_dict(
        {
            "surge": {"period": "quarter"},
            "share": {"period": "month", "levels": ["hs4"], "modes": ["exports"]},
        }
    )
    result = compute(dt.con, settings, ["surge", "share"])
    surge = next(
        f
        for f in result.findings
        if f.kind == "surge" and f.metrics["partner"] == "ARM" and f.metrics["measure"] == "value"
    )
    assert surge.metrics["period"] == "2022-Q2" and surge.metrics["base_period"] == "2022-Q1"
    assert (surge.metrics["base"], surge.metrics["current"]) == (300_000.0, 2_700_000.0)
    share = next(f for f in result.findings if f.kind == "share" and f.metrics["party"] == "ARM")
    assert share.metrics["base_share"] == pytest.approx(100_000 / 1_000_000)
    assert share.metrics["share"] == pytest.approx(900_000 / 1_800_000)
