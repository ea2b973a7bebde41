"""On the real Eurostat extract (EU exports of the Reg. 833 annex goods, 2020-01..2022-11), the
analytics find by themselves the collapse of direct exports to Russia and the re-routing to its
neighbours, naming countries and products; the figures are recomputed here from the raw file
with the csv module (the CHPL codes through the reference layer, as any user would)."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import dualtrace
from dualtrace.analytics import AnalyzeResult
from dualtrace.reference import hs_version_for_period, resolve, tier_of
from dualtrace.session import Dualtrace
from tests.analytics.conftest import FIXTURES
from tests.conftest import shared_file

EUROSTAT = "trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz"


@pytest.fixture(scope="module")
def eurostat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dualtrace, AnalyzeResult, Path]]:
    path = shared_file(EUROSTAT)
    with dualtrace.open(tmp_path_factory.mktemp("eurostat") / "eu.duckdb") as dt:
        dt.ingest_trade([path], mapping=FIXTURES / "eurostat_cn8.yaml")
        result = dt.analyze(only=["diversion", "surge"])
        yield dt, result, path


@pytest.fixture(scope="module")
def raw(eurostat: tuple[Dualtrace, AnalyzeResult, Path]) -> dict[tuple[str, str, str], float]:
    """(partner ISO3, month 'YYYY-MM', CHPL or not) -> EUR, from the raw file. CN8 rows only for
    CHPL (a heading label row such as '[8471]' is never a CHPL code: CHPL codes are HS6)."""
    _, _, path = eurostat
    names: dict[str, str] = {}
    tiers: dict[tuple[str, str], bool] = {}
    sums: dict[tuple[str, str, str], float] = defaultdict(float)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            partner = names.get(row["partner"])
            if partner is None:
                partner = names[row["partner"]] = resolve(row["partner"]) or "?"
            code, month = row["cn8"], row["month"]
            version = hs_version_for_period(date(int(month[:4]), 1, 1))
            key = (code, version)
            if key not in tiers:
                tiers[key] = code.isdigit() and len(code) == 8 and tier_of(code, version) is not None
            sums[(partner, month, "chpl" if tiers[key] else "other")] += float(row["value_eur"])
    return dict(sums)


def window(sums: dict[tuple[str, str, str], float], partner: str, first: str, last: str) -> float:
    return sum(
        v for (p, m, kind), v in sums.items() if p == partner and kind == "chpl" and first <= m <= last
    )


def test_rerouting_to_russias_neighbours_is_found_and_recomputed(
    eurostat: tuple[Dualtrace, AnalyzeResult, Path], raw: dict[tuple[str, str, str], float]
) -> None:
    _, result, _ = eurostat
    found = [f for f in result.findings if f.kind == "diversion" and f.metrics["exporter"] == "*"]
    assert len(found) == 1
    f = found[0]
    m = f.metrics
    # the windows the engine chose by itself: the months after the invasion against the same months of 2021
    assert m["after"] == ["2022-03", "2022-11"] and m["before"] == ["2021-03", "2021-11"]
    assert m["target"] == "RUS" and m["currency"] == "EUR"
    assert len(m["exporters"]) == 27
    # the collapse of direct exports of CHPL goods to Russia
    before = window(raw, "RUS", "2021-03", "2021-11")
    after = window(raw, "RUS", "2022-03", "2022-11")
    assert m["target_controlled_before"] == pytest.approx(before, rel=1e-9)
    assert m["target_controlled_after"] == pytest.approx(after, rel=1e-9)
    assert after / before < 0.05
    # the intermediaries, named, with their figures
    assert {"KGZ", "ARM", "KAZ"} <= set(m["intermediaries"])
    assert "BLR" not in m["intermediaries"]  # under the same restrictions: not an intermediary
    dests = {d["partner"]: d for d in m["destinations"]}
    for partner in m["intermediaries"]:
        d = dests[partner]
        assert d["controlled_before"] == pytest.approx(window(raw, partner, "2021-03", "2021-11"), rel=1e-9)
        assert d["controlled_after"] == pytest.approx(window(raw, partner, "2022-03", "2022-11"), rel=1e-9)
        assert d["controlled_placebo"] == pytest.approx(window(raw, partner, "2020-03", "2020-11"), rel=1e-9)
        assert d["controlled_after"] > 1.5 * d["controlled_before"]
    for name in ("Kyrgyzstan", "Armenia", "Kazakhstan"):
        assert name in f.headline
    # every good in the file is export-banned, so other goods collapsed too and the control is time
    assert m["control"] == "the same goods a period earlier"
    assert m["target_other_after"] < 0.5 * m["target_other_before"]
    # products named, with their fall to Russia and rise to the intermediaries
    assert len(m["products"]) >= 3
    top = m["products"][0]
    assert top["fall_to_target"] > 0 and top["rise_to_intermediaries"] > 0
    assert f"HS {top['product']}" in f.headline
    assert f.evidence.rows and len(f.evidence.table) > 40


def test_collapse_of_direct_exports_recomputed(
    eurostat: tuple[Dualtrace, AnalyzeResult, Path], raw: dict[tuple[str, str, str], float]
) -> None:
    _, result, _ = eurostat
    collapses = [
        f
        for f in result.findings
        if f.kind == "collapse"
        and f.metrics["partner"] == "RUS"
        and f.metrics["product"] == "CHPL (all tiers)"
    ]
    assert collapses
    f = collapses[0]
    # the latest year (2022) is not complete: Jan-Nov 2022 against Jan-Nov 2021
    assert f.metrics["same_months_only"] and f.metrics["period"] == "Jan-Nov 2022"
    reporter = f.metrics["reporter"]
    if reporter == "*":
        base = window(raw, "RUS", "2021-01", "2021-11")
        cur = window(raw, "RUS", "2022-01", "2022-11")
        assert f.metrics["current"] == pytest.approx(cur, rel=1e-9)
        assert f.metrics["base"] == pytest.approx(base, rel=1e-9)
    assert f.metrics["change_pct"] < -80


def test_surges_to_neighbours_are_found(eurostat: tuple[Dualtrace, AnalyzeResult, Path]) -> None:
    _, result, _ = eurostat
    partners = {f.metrics["partner"] for f in result.findings if f.kind == "surge"}
    assert {"KGZ", "ARM", "KAZ"} & partners
    assert all(f.metrics["currency"] == "EUR" for f in result.findings)
