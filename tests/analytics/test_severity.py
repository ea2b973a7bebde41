"""The severity rule, one finding per fact and the data-quality findings (issue 12), on findings
and small files made up for each case. The real-data figures are in test_real_all_files.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dualtrace.analytics import severity
from dualtrace.findings import Finding, rank_key
from dualtrace.session import Dualtrace
from tests.analytics.conftest import HEADER, ingest_rows, months, write_csv


def surge(score: float, product: str, base: float, current: float, by_year: dict[str, float]) -> Finding:
    metrics: dict[str, Any] = {
        "reporter": "DEU",
        "partner": "KAZ",
        "flow": "X",
        "currency": "EUR",
        "level": "total" if product == "TOTAL" else f"hs{len(product)}",
        "product": product,
        "measure": "value",
        "comparison": "baseline",
        "period": "2023",
        "base_period": "2021",
        "current": current,
        "base": base,
        "by_year": by_year,
        "other_measures": [],
    }
    return Finding("surge", "flow", f"DEU KAZ {product}", "made up", score, metrics=metrics)


def test_critical_needs_strength_money_controlled_goods_and_persistence() -> None:
    # microchips (CHPL tier 1) x20, EUR 60M more, held in 2022 and 2023: every part counts
    chips = surge(0.95, "854231", 3e6, 63e6, {"2021": 3e6, "2022": 40e6, "2023": 63e6})
    g = severity.grade(chips)
    assert g.severity == "critical"
    assert {p.name: p.points for p in g.parts} == {"strength": 3, "money": 1, "goods": 1, "persistence": 1}
    # the same change in one year only (2022 back at the base): a spike, not critical
    spike = surge(0.95, "854231", 3e6, 63e6, {"2021": 3e6, "2022": 3.1e6, "2023": 63e6})
    assert severity.grade(spike).severity == "medium"
    # all goods, however large, are context: never above high
    total = surge(1.0, "TOTAL", 2e8, 2.7e9, {"2021": 2e8, "2022": 1e9, "2023": 2.7e9})
    assert severity.grade(total).severity == "high"
    # goods outside the CHPL, EUR 0.5M, in one year only: strong but nothing at stake
    small = surge(0.95, "940360", 1e5, 6e5, {"2021": 1e5, "2022": 1e5, "2023": 6e5})
    assert severity.grade(small).severity == "info"  # 3 - 1 + 0 - 1 points


def test_weak_score_is_never_critical_whatever_the_money() -> None:
    weak = surge(0.45, "854231", 1e8, 9e8, {"2021": 1e8, "2022": 6e8, "2023": 9e8})
    assert severity.grade(weak).severity == "medium"  # 0 + 2 + 1 + 1 points


def test_data_quality_ranks_below_every_trade_finding() -> None:
    gap = Finding("data_quality", "coverage", "GBR X EUR", "made up", 0.5)
    info = surge(0.3, "940360", 1e4, 2e4, {"2021": 1e4, "2022": 1.5e4, "2023": 2e4})
    severity.apply([gap, info])
    assert gap.severity == "low" and info.severity == "info"
    assert any(n.startswith("severity info") for n in info.evidence.notes)
    ranked = sorted([gap, info], key=rank_key)
    assert ranked[0] is gap  # low before info: severity decides first


def _generating_sets(dt: Dualtrace, mapping: Path, tmp_path: Path) -> None:
    rows = []
    for m in months("2019-01", "2022-12"):
        rise = 9_000_000 if m >= "2022" else 200_000
        rows += [f"{m},DEU,KAZ,X,85023900,{rise},EUR,", f"{m},DEU,KAZ,X,85021100,300000,EUR,"]
        rows += [f"{m},DEU,FRA,X,85021100,300000,EUR,", f"{m},DEU,FRA,X,85023900,200000,EUR,"]
    dt.ingest_trade([write_csv(tmp_path / "sets.csv", HEADER, rows)], mapping=mapping)


def test_a_heading_and_all_partners_explained_by_one_code_and_partner_are_one_finding(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    dt, mapping = small
    _generating_sets(dt, mapping, tmp_path)
    found = dt.analyze(only=["surge"]).findings
    assert len(found) == 1, [f.headline for f in found]
    (finding,) = found
    assert (finding.metrics["product"], finding.metrics["partner"]) == ("850239", "KAZ")
    merged = {(m["product"], m["partner"]) for m in finding.metrics["merged"]}
    # the heading and "all partners", each explained by the code to Kazakhstan
    assert merged == {("850239", "*"), ("8502", "*"), ("8502", "KAZ")}
    assert all(m["explained"] >= 0.8 for m in finding.metrics["merged"])
    assert any(n.startswith("also covers") for n in finding.evidence.notes)
    # the typed score parts add up to the score
    assert abs(sum(p.weight for p in finding.explanation) - finding.score) < 1e-9


def test_a_partner_that_explains_little_keeps_both_findings(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    rows = []
    for m in months("2019-01", "2022-12"):
        up = m >= "2022"
        for p, rise in (("KAZ", 3_000_000), ("KGZ", 2_600_000), ("ARM", 2_200_000)):
            rows.append(f"{m},DEU,{p},X,85023900,{rise if up else 200_000},EUR,")
    dt = ingest_rows(small, "three.csv", rows)
    found = [f for f in dt.analyze(only=["surge"]).findings if f.metrics["product"] == "850239"]
    partners = {f.metrics["partner"] for f in found}
    assert "*" in partners and {"KAZ", "KGZ", "ARM"} <= partners  # each a third: no one explains it


def test_a_reporter_that_stops_is_a_data_quality_finding(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    rows = [f"{m},DEU,RUS,X,TOTAL,5000000,EUR,1000" for m in months("2019-01", "2022-12")]
    rows += [f"{m},GBR,RUS,X,TOTAL,4000000,EUR," for m in months("2019-01", "2020-01")]
    rows += [f"{m},DEU,KAZ,X,TOTAL,5000000,EUR,1000" for m in months("2019-01", "2022-12")]
    dt = ingest_rows(small, "gb.csv", rows)
    found = [f for f in dt.analyze().findings if f.kind == "data_quality"]
    headlines = [f.headline for f in found]
    gb = [f for f in found if f.metrics["reporters"] == ["GBR"]]
    assert len(gb) == 2, headlines  # its rows stop, and its weights are blank where DEU's are not
    stop = next(f for f in gb if "stop after 2020-01" in f.headline)
    assert stop.severity == "low" and "absent 2021-2022" in stop.headline
    assert stop.evidence.table and all(r["reporter"] == "GBR" for r in stop.evidence.table)
    blanks = next(f for f in found if "blank net weights" in f.headline)
    assert "13 of 109 rows" in blanks.headline and blanks.severity == "info"


def test_codes_adding_up_to_more_than_their_heading_are_a_data_quality_finding(
    small: tuple[Dualtrace, Path], tmp_path: Path
) -> None:
    rows = []
    for m in months("2021-01", "2021-12"):
        over = m >= "2021-07"  # from July the codes add up to 140 under a heading of 100
        rows += [f"{m},DEU,KAZ,X,8542,100,EUR,", f"{m},DEU,KAZ,X,85423100,{80 if over else 50},EUR,"]
        rows.append(f"{m},DEU,KAZ,X,85423900,{60 if over else 40},EUR,")
    dt = ingest_rows(small, "sums.csv", rows)
    found = [
        f
        for f in dt.analyze(only=["data_quality"]).findings
        if "totals do not add up" in f.metrics["statuses"]
    ]
    assert len(found) == 1, [f.headline for f in dt.analyze(only=["data_quality"]).findings]
    (f,) = found
    assert f.metrics["headings"] == 6 and f.metrics["excess"] == 6 * 40
    assert "sums.csv" in f.headline and "HS 8542" in f.headline and f.severity == "low"
