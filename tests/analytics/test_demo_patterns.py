"""Every trade pattern planted in the demo scenario is found, with its figures.

Two runs: the engine's defaults (it must find each story by itself) and a run whose baskets and
categories are defined exactly like truth.json's (its figures must equal truth.json's).
truth.json is read here only, never by the engine.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import dualtrace
from dualtrace.analytics import AnalyzeResult
from dualtrace.findings import Finding
from tests.analytics.conftest import Demo

YEARS = ("2019", "2020", "2021", "2022", "2023", "2024")


def pick(findings: list[Finding], kind: str, **metrics: Any) -> list[Finding]:
    return [f for f in findings if f.kind == kind and all(f.metrics.get(k) == v for k, v in metrics.items())]


def one(findings: list[Finding], kind: str, **metrics: Any) -> Finding:
    found = pick(findings, kind, **metrics)
    assert found, f"no {kind} finding with {metrics}"
    return found[0]


# -- EU controlled exports: collapse to Russia, diversion to Kazakhstan, Armenia, Kyrgyzstan ----


def test_diversion_is_found_by_itself_naming_the_intermediaries(demo: Demo) -> None:
    f = one(demo.result.findings, "diversion", exporter="*", currency="EUR", target="RUS")
    assert {"KGZ", "ARM", "KAZ"} <= set(f.metrics["intermediaries"])
    assert f.metrics["intermediaries"][:3] == ["KGZ", "ARM", "KAZ"]  # ranked by DiD: x7 > x5 > x3.5
    assert (
        "UKR" not in f.metrics["intermediaries"]
    )  # the flat destination is a reference, not an intermediary
    assert f.metrics["target_change_pct"] < -85
    assert f.metrics["control"] == "other goods"
    assert "Kyrgyzstan" in f.headline and "Armenia" in f.headline and "Kazakhstan" in f.headline
    assert f.metrics["products"], "the products re-routed are named"
    assert f.evidence.rows and f.evidence.query and f.evidence.table


def test_diversion_figures_equal_truth(demo: Demo, truth_run: AnalyzeResult) -> None:
    eu = demo.truth["trade_patterns"]["eu_diversion"]["by_partner"]
    f = one(truth_run.findings, "diversion", exporter="*", currency="EUR", target="RUS")
    assert f.metrics["before"] == ["2021-01", "2021-12"] and f.metrics["after"] == ["2023-01", "2023-12"]
    assert f.metrics["target_controlled_before"] == pytest.approx(eu["RU"]["controlled"]["eur_2021"], abs=0.5)
    assert f.metrics["target_controlled_after"] == pytest.approx(eu["RU"]["controlled"]["eur_2023"], abs=0.5)
    assert f.metrics["target_change_pct"] == pytest.approx(eu["RU"]["controlled"]["change_pct"], abs=0.05)
    iso = {"KZ": "KAZ", "AM": "ARM", "KG": "KGZ"}
    dests = {d["partner"]: d for d in f.metrics["destinations"]}
    for code, partner in iso.items():
        d, t = dests[partner], eu[code]
        assert d["controlled_before"] == pytest.approx(t["controlled"]["eur_2021"], abs=0.5)
        assert d["controlled_after"] == pytest.approx(t["controlled"]["eur_2023"], abs=0.5)
        assert d["other_before"] == pytest.approx(t["control"]["eur_2021"], abs=0.5)
        assert d["other_after"] == pytest.approx(t["control"]["eur_2023"], abs=0.5)
        assert d["controlled_ratio"] == pytest.approx(t["controlled"]["ratio_2023_2021"], abs=1e-4)
        unfloored = math.log(d["controlled_ratio"]) - math.log(d["other_ratio"])
        assert unfloored == pytest.approx(t["did_log_points"], abs=1e-4)
        assert partner in f.metrics["intermediaries"]
    rise = sum(
        dests[p]["controlled_after"] - dests[p]["controlled_before"] for p in f.metrics["intermediaries"]
    )
    assert f.metrics["substitution_ratio"] == pytest.approx(rise / f.metrics["fall_to_target"])


def test_collapse_of_direct_exports_is_a_finding(demo: Demo) -> None:
    collapses = pick(demo.result.findings, "collapse", partner="RUS", currency="EUR")
    assert collapses
    assert all(f.metrics["change_pct"] < -80 for f in collapses)


# -- China: ICs to Russia x2.4, China's share 0.48 -> 0.90 --------------------------------------


def test_china_chip_exports_to_russia_surge_x2_4(demo: Demo) -> None:
    truth = demo.truth["trade_patterns"]["china_ics_to_russia"]["usd_by_year"]
    f = one(
        demo.result.findings, "surge", reporter="CHN", partner="RUS", level="category", product="CHPL tier 1"
    )
    by_year = f.metrics["by_year"]
    for year in YEARS:
        assert by_year[year] == pytest.approx(truth[year], abs=0.5)
    assert f.metrics["base_period"] == "2021" and f.metrics["period"] == "2023"
    assert f.metrics["ratio"] == pytest.approx(2.40, abs=0.005)
    assert "x2.40" in f.headline


def test_china_share_of_russias_chip_imports(demo: Demo) -> None:
    truth = demo.truth["trade_patterns"]["china_share_of_russia_ics"]["by_year"]
    f = one(demo.result.findings, "share", view="mirror", group="RUS", party="CHN", product="CHPL tier 1")
    for year in YEARS:
        assert f.metrics["share_by_year"][year] == pytest.approx(truth[year]["china_share"], abs=5e-5)
    assert f.metrics["base_share"] == pytest.approx(truth["2021"]["china_share"], abs=5e-5)
    assert f.metrics["share"] >= 0.89
    assert f.metrics["parties"] == len(truth["2023"]["by_reporter"])


# -- Drones 30x, alumina surge, ceramics divergence -----------------------------------------------


def test_drones_russia_thirty_times_ukraine(demo: Demo, truth_run: AnalyzeResult) -> None:
    truth = demo.truth["trade_patterns"]["drones_russia_vs_ukraine"]
    f = one(truth_run.findings, "divergence", reporter="CHN", a="RUS", b="UKR", product="drones")
    by_year = f.metrics["by_year_all_measures"]["value"]
    a, b = by_year["a"]["2023"], by_year["b"]["2023"]
    assert a == pytest.approx(truth["usd_2023"]["RUS"], abs=0.5)
    assert b == pytest.approx(truth["usd_2023"]["UKR"], abs=0.5)
    assert a / b == pytest.approx(truth["ratio_rus_ukr_2023"], abs=0.05)
    # With its own defaults the engine finds it on the HS heading of unmanned aircraft.
    default = one(demo.result.findings, "divergence", reporter="CHN", a="RUS", b="UKR", product="8806")
    assert default.metrics["ratio"] > 20


def test_alumina_may_2022_jump(demo: Demo) -> None:
    truth = demo.truth["trade_patterns"]["aluminum_oxide_surge"]
    f = one(demo.result.findings, "surge", reporter="CHN", partner="RUS", product="281820")
    jump = f.metrics["month_jump"]
    assert jump["month"] == "2022-05" and jump["previous_month"] == "2022-04" and jump["measure"] == "net_kg"
    assert jump["value"] / 1000 == pytest.approx(truth["may_2022_t"], abs=0.001)
    assert jump["previous"] / 1000 == pytest.approx(truth["april_2022_t"], abs=0.001)
    assert "153,077 t" in f.headline and "188 t" in f.headline


def test_ceramics_up_to_russia_down_to_ukraine(demo: Demo, truth_run: AnalyzeResult) -> None:
    truth = demo.truth["trade_patterns"]["ceramics_divergence"]["by_partner"]
    f = one(truth_run.findings, "divergence", reporter="CHN", a="RUS", b="UKR", product="ceramics")
    by_year = f.metrics["by_year_all_measures"]["value"]
    for side, iso in (("a", "RUS"), ("b", "UKR")):
        assert by_year[side]["2021"] == pytest.approx(truth[iso]["usd_2021"], abs=0.5)
        assert by_year[side]["2023"] == pytest.approx(truth[iso]["usd_2023"], abs=0.5)
        change = (by_year[side]["2023"] / by_year[side]["2021"] - 1) * 100
        assert change == pytest.approx(truth[iso]["change_pct"], abs=0.05)
    # and by itself, per HS heading: ceramics to Russia up, to Ukraine down
    own = [
        f
        for f in pick(demo.result.findings, "divergence", reporter="CHN", a="RUS")
        if f.metrics["product"] in ("6909", "6914")
    ]
    assert own and all(f.metrics["opposite_growth"] for f in own)


# -- Mirror gaps ---------------------------------------------------------------------------------


def test_mirror_gaps_equal_truth_for_every_pair_and_year(demo: Demo, truth_run: AnalyzeResult) -> None:
    pairs = demo.truth["trade_patterns"]["mirror_gaps"]["pairs"]
    for pair in pairs:
        f = one(
            truth_run.findings,
            "mirror_gap",
            exporter=pair["exporter"],
            importer=pair["importer"],
            product="CHPL (all tiers)",
        )
        for year, t in pair["by_year"]["controlled"].items():
            got = f.metrics["by_year"][year]
            assert got["exporter_reported"] == pytest.approx(t["exporter_reported_usd"], abs=0.5)
            assert got["importer_reported"] == pytest.approx(t["importer_reported_usd"], abs=0.5)
        assert int(f.metrics["year"]) >= 2022
        assert f.metrics["lost_in_transit"] > 0
        assert f.metrics["ratio"] < pair["planted_post_invasion_ratio"] + 0.15


def test_mirror_gaps_found_by_itself(demo: Demo) -> None:
    found = {(f.metrics["exporter"], f.metrics["importer"]) for f in demo.of("mirror_gap")}
    assert {("CHN", "KGZ"), ("CHN", "KAZ"), ("DEU", "KGZ"), ("DEU", "KAZ")} <= found
    # the control goods (furniture, apples, medicines, coffee) stay matched
    assert not [
        f for f in demo.of("mirror_gap") if f.metrics["product"] in ("940360", "080810", "300490", "090121")
    ]


# -- Unit values ---------------------------------------------------------------------------------


def test_the_five_unit_value_outliers_and_nothing_else(demo: Demo) -> None:
    planted = demo.truth["trade_patterns"]["unit_value_outliers"]
    with dualtrace.open(demo.db, read_only=True) as dt:
        ids = {r["filename"]: r["source_id"] for r in dt.sources()}
    expected = {(ids[o["file"].split("/")[-1]], o["line"]): o for o in planted}
    found = {(f.metrics["source_id"], f.metrics["source_line"]): f for f in demo.of("unit_value")}
    assert set(found) == set(expected)
    for key, o in expected.items():
        f = found[key]
        assert f.metrics["value"] == o["value"] and f.metrics["net_kg"] == o["net_kg"]
        assert f.metrics["unit_value"] == pytest.approx(o["unit_value_per_kg"], abs=0.01)
        # truth's norm is the median over rows, the engine's over yearly series sums (5 % bins)
        assert f.metrics["ratio_to_norm"] == pytest.approx(o["ratio_to_norm"], rel=0.1)
        assert f.evidence.rows[0].source_line == o["line"]


# -- New fast-growing party ----------------------------------------------------------------------


def test_fast_growing_new_importer(demo: Demo) -> None:
    story = demo.truth["stories"]["fast_growing_importer"]
    party = demo.truth["parties"][story["party"]]
    f = one(demo.result.findings, "new_party", role="consignee", party=party["ids"]["inn"])
    by_year = f.metrics["value_usd_by_year"]
    for year, t in story["by_year"].items():
        assert by_year[year] == pytest.approx(t["value_usd"], abs=0.01)
    assert f.metrics["first_year"] == 2021 and f.metrics["best_year"] == 2023
    assert f.metrics["growth"] == pytest.approx(story["growth_2023_vs_2021"], abs=0.01)
    assert f.metrics["new"] is True
    assert f.metrics["suppliers_in_best_year"] == len(story["suppliers_by_year"]["2023"])
    assert f.metrics["top_supplier_share"] == pytest.approx(story["top_supplier_share_2023"], abs=1e-4)
    assert f.metrics["lines"] == story["lines"]["total"]["count"]
    assert max(demo.of("new_party"), key=lambda x: x.score) is f or f.score >= 0.85


# -- Sources and currencies are never added together ------------------------------------------------


def test_no_finding_adds_currencies(demo: Demo) -> None:
    for f in demo.result.findings:
        if f.kind != "new_party":
            assert f.metrics["currency"] in ("EUR", "USD"), f.headline
    # Germany's Comtrade rows (USD) repeat its Comext rows (EUR): a USD series of Germany holds the
    # Comtrade rows alone, and its evidence query reproduces the figure on the warehouse.
    deu = [
        f
        for f in demo.result.findings
        if f.kind in ("surge", "collapse")
        and f.metrics["reporter"] == "DEU"
        and f.metrics["currency"] == "USD"
        and f.metrics["partner"] != "*"
        and not f.metrics["same_months_only"]
    ]
    assert deu
    with dualtrace.open(demo.db, read_only=True) as dt:
        comtrade = {r["filename"]: r["source_id"] for r in dt.sources()}["comtrade_DEU_X_2019-2024.csv"]
        for f in deu:
            year = f.metrics["period"]
            assert f.evidence.query is not None
            monthly = dt.sql(f.evidence.query)
            from_query = sum(float(r["value"]) for r in monthly if str(r["period"]).startswith(year))
            assert from_query == pytest.approx(f.metrics["current"], abs=0.5)
            if f.metrics["level"] == "hs6":
                raw = dt.sql(
                    "SELECT SUM(value) AS v FROM trade_flows WHERE source_id = ? AND partner = ? AND hs6 = ?"
                    " AND year(period) = ?",
                    [comtrade, f.metrics["partner"], f.metrics["product"], int(year)],
                )[0]["v"]
                assert float(raw) == pytest.approx(f.metrics["current"], abs=0.5)
