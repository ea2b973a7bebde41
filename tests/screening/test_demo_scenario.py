"""On the fictional demo scenario the engine finds the planted listed parties under their variant
spellings and rejects the decoys (truth.json is read here, never by the engine)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dualtrace
from dualtrace.demo.scenario import generate
from dualtrace.screening import parties
from dualtrace.session import Dualtrace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dualtrace, dict[str, Any], Path]]:
    root = tmp_path_factory.mktemp("demo")
    scenario = generate(root / "data")
    dt = dualtrace.open(root / "w.duckdb")
    for name in ("ru_imports", "cn_exports"):
        dt.ingest_shipments(
            [scenario.path(f"declarations/{name}.csv")], mapping=scenario.path(f"declarations/{name}.yaml")
        )
    dt.lists_load(scenario.list_files())
    truth = json.loads((root / "data" / "truth.json").read_text(encoding="utf-8"))
    yield dt, truth, root
    dt.close()


@pytest.fixture(scope="module")
def screened(demo: tuple[Dualtrace, dict[str, Any], Path]) -> Any:
    dt, _, _ = demo
    return dt.screen_parties()


def _line_keys(dt: Dualtrace) -> dict[tuple[str, str], str]:
    """(declaration key, field) -> linked party name, for every shipment line with a hit."""
    rows = dt.sql(
        "SELECT s.declaration_no || '#' || s.line_no AS key, 'shipper_name' AS field, s.shipper_name AS name"
        " FROM shipments s JOIN party_links l ON l.name = s.shipper_name"
        " UNION SELECT s.declaration_no || '#' || s.line_no, 'consignee_name', s.consignee_name"
        " FROM shipments s JOIN party_links l ON l.name = s.consignee_name"
    )
    return {(r["key"], r["field"]): r["name"] for r in rows}


def test_planted_parties_are_found(demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any) -> None:
    dt, truth, _ = demo
    expected = truth["expected_matches"]
    assert len(expected) > 500
    linked = _line_keys(dt)
    found = [e for e in expected if (e["key"], e["field"]) in linked]
    recall = len(found) / len(expected)
    assert recall >= 0.98, [e["text"] for e in expected if (e["key"], e["field"]) not in linked][:10]
    # every listed party is found under every kind of spelling it was given at least once
    parties = {e["party"] for e in expected}
    assert parties == {e["party"] for e in found}
    kinds_found = {
        kind
        for key in parties
        for per_file in truth["parties"][key]["appearances"].values()
        for per_field in per_file.values()
        for spelling in per_field.get("spellings", [])
        for kind in spelling["kinds"]
        if spelling["name"] in set(linked.values())
    }
    for kind in ("abbreviation", "typo", "transliteration_cyrillic", "transliteration_latin", "word_order"):
        assert kind in kinds_found


def test_decoys_are_rejected(demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any) -> None:
    dt, truth, _ = demo
    decoys = truth["stories"]["decoys"]["parties"]
    spellings = {
        spelling["name"]
        for key in decoys
        for per_file in truth["parties"][key]["appearances"].values()
        for per_field in per_file.values()
        for spelling in per_field.get("spellings", [])
    }
    assert len(spellings) >= 12
    linked = {r["name"] for r in dt.sql("SELECT DISTINCT name FROM party_links")}
    assert spellings & linked == set()


def test_findings_carry_the_shipments(demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any) -> None:
    dt, truth, _ = demo
    findings = dt.findings(kinds=["sanctioned_counterparty"])
    listed = truth["stories"]["sanctioned_counterparties"]["listed_parties"]
    assert len(findings) >= len(listed)
    lines = {(r.source_id, r.source_line) for f in findings for r in f.evidence.rows}
    expected_lines = truth["stories"]["sanctioned_counterparties"]["lines"]["total"]["count"]
    assert len(lines) >= 0.95 * expected_lines
    for finding in findings:
        assert finding.evidence.rows and finding.evidence.entities and finding.evidence.notes
        assert finding.metrics["lines"] == len(finding.evidence.rows)
        assert "declaration lines" in finding.headline


def test_explanations_name_the_features(screened: Any) -> None:
    hit = next(h for h in screened.hits if "inn" in h["explanation"])
    assert "name" in hit["explanation"] and "identifier inn" in hit["explanation"]
    assert "->" in hit["explanation"]


def test_links_keep_the_calibrated_score_and_its_parts(
    demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any
) -> None:
    dt, _, _ = demo
    rows = dt.sql("SELECT calibrated, calibration FROM party_links")
    assert rows and all(0.0 <= r["calibrated"] <= 1.0 for r in rows)
    parts = json.loads(rows[0]["calibration"])
    assert parts[0]["name"] == "intercept"
    log_odds = sum(p["weight"] for p in parts)
    assert abs(1 / (1 + math.exp(-log_odds)) - rows[0]["calibrated"]) < 1e-3
    finding = dt.findings(kinds=["sanctioned_counterparty"])[0]
    assert all("calibrated" in row for row in finding.evidence.table)


def test_review_dismissal_persists(demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any) -> None:
    dt, _, _ = demo
    hit = dt.sql("SELECT party_key, name, list, entity_id FROM party_links ORDER BY score, name LIMIT 1")[0]
    record = dt.screen_review(
        hit["name"],
        f"{hit['list']}:{hit['entity_id']}",
        "dismissed",
        note="different firm",
        reviewer="tester",
    )
    assert record["reviewer"] == "tester"
    report = dt.screen_parties(full=True)  # a full re-screen still honours the decision
    again = dt.sql(
        "SELECT decision FROM party_links WHERE party_key = ? AND list = ? AND entity_id = ?",
        [hit["party_key"], hit["list"], hit["entity_id"]],
    )
    assert again == [{"decision": "dismissed"}]
    assert report.dismissed >= 1
    dt.screen_review(
        hit["name"], f"{hit['list']}:{hit['entity_id']}", "confirmed", note="on reflection", reviewer="lead"
    )
    audit = dt.sql(
        "SELECT decision, reviewer, note FROM screen_reviews WHERE party_key = ? ORDER BY review_id",
        [hit["party_key"]],
    )
    assert [a["decision"] for a in audit] == ["dismissed", "confirmed"]
    assert audit[0]["note"] == "different firm"


def test_a_failed_screen_changes_nothing(
    demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """screen --parties is one transaction: a full re-screen that fails while writing its links
    leaves the links, the screened parties and the runs as they were (it had deleted them first)."""
    dt, _, _ = demo
    tables = ("party_links", "screen_parties", "runs")
    before = {t: dt.sql(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables}
    assert before["party_links"] > 0

    def fail(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(parties, "_insert_links", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        dt.screen_parties(full=True)
    assert {t: dt.sql(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in tables} == before


def test_rescreen_only_what_changed(demo: tuple[Dualtrace, dict[str, Any], Path], screened: Any) -> None:
    dt, _, root = demo
    # nothing changed: nothing is screened again
    quiet = dt.screen_parties()
    assert quiet.screened_new == 0 and quiet.rescreened == 0
    # a new list version listing one more party: every party is re-screened against it only
    extra = root / "data" / "extra.ftm.json"
    extra.write_text(
        json.dumps(
            {
                "id": "x-meridian",
                "schema": "Company",
                "properties": {"name": ["Meridian-Torg"], "country": ["ru"], "topics": ["sanction"]},
                "target": True,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    dt.lists_load([extra], list_name="extra")
    report = dt.screen_parties()
    assert report.screened_new == 0
    assert report.changed_entities == 1 and report.rescreened == report.parties
    new_links = dt.sql("SELECT DISTINCT name FROM party_links WHERE list = 'extra'")
    assert new_links and all(
        "МЕРИДИАН" in r["name"].upper() or "MERIDIAN" in r["name"].upper() for r in new_links
    )
