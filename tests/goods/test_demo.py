"""The engine finds the demo's planted stories by itself (truth.json is read here only)."""

from __future__ import annotations

from typing import Any

from dualtrace.session import Dualtrace


def _keys(dt: Dualtrace, ref: dict[str, Any]) -> set[tuple[int, int]]:
    sources = {row["filename"]: row["source_id"] for row in dt.sources()}
    return {
        (sources[file.split("/")[-1]], line)
        for file, part in ref.items()
        if file != "total"
        for line in part["lines"]
    }


def _tags(dt: Dualtrace) -> dict[tuple[int, int], dict[str, Any]]:
    return {(r["source_id"], r["source_line"]): r for r in dt.sql("SELECT * FROM goods_shipment_tags")}


def test_every_misdeclared_armor_line_is_flagged_and_no_control_line(
    demo: tuple[Dualtrace, dict[str, Any]],
) -> None:
    dt, truth = demo
    story = truth["stories"]["misdeclared_body_armor"]
    tags = _tags(dt)
    armor = _keys(dt, story["lines"])
    control = _keys(dt, story["control_group"]["lines"])
    assert len(armor) == story["lines"]["total"]["count"] == 40
    assert len(control) == story["control_group"]["lines"]["total"]["count"]
    assert all(tags[k]["primary_flag"] == "described_as_other_goods" for k in armor)
    assert all(tags[k]["primary_category"] == "body_armor" for k in armor)
    assert [k for k in control if tags[k]["mismatch"]] == []
    # the findings carry exactly these rows, and the value of the story
    found = [f for f in dt.findings(["misdeclaration"]) if f.metrics["category"] == "body_armor"]
    rows = {(r.source_id, r.source_line) for f in found for r in f.evidence.rows}
    assert rows == armor
    usd = sum(f.metrics["value_usd"] for f in found)
    assert round(usd, 2) == story["lines"]["total"]["value_usd"]
    codes = {code[:6] for f in found for code in f.metrics["codes"]}
    assert codes == set(story["by_declared_hs6"])


def test_thermal_imagers_are_tagged_and_vague_lines_flagged(demo: tuple[Dualtrace, dict[str, Any]]) -> None:
    dt, truth = demo
    story = truth["stories"]["thermal_imagers"]
    tags = _tags(dt)
    lines = _keys(dt, story["lines"])
    vague = _keys(dt, story["vague_description_lines"])
    assert len(lines) == 220 and len(vague) == story["vague_description_lines"]["total"]["count"]
    # every line carries a watched category; every clear one is named thermal imaging
    assert all(tags[k]["categories"] for k in lines)
    assert all("thermal_imaging" in tags[k]["text_categories"] for k in lines - vague)
    # every vague line is flagged as such, with the code's category as reason
    assert all("vague_description" in tags[k]["flags"] for k in vague)
    assert all(tags[k]["chpl_tier"] in ("3.A", "3.B") or "optics" in tags[k]["categories"] for k in vague)
    # the story's $11M: thermal by description plus the same trader's vague lines
    shipper_rows = dt.sql(
        "SELECT sum(value_usd) AS usd, count(*) AS n FROM goods_shipments WHERE direction = 'import'"
        " AND upper(shipper_name) LIKE '%BRIGHT%PEAK%' AND (list_contains(categories, 'thermal_imaging')"
        " OR list_contains(flags, 'vague_description'))"
    )[0]
    assert shipper_rows["n"] == 220
    assert round(float(shipper_rows["usd"]), 2) == story["lines"]["total"]["value_usd"] == 11_000_000.0


def test_no_flags_outside_the_planted_stories(demo: tuple[Dualtrace, dict[str, Any]]) -> None:
    dt, truth = demo
    stories = truth["stories"]
    planted = _keys(dt, stories["misdeclared_body_armor"]["lines"]) | _keys(
        dt, stories["thermal_imagers"]["lines"]
    )
    flagged = {k for k, t in _tags(dt).items() if t["mismatch"]}
    assert flagged - planted == set()
    report = truth["_report"]
    assert report.shipments == len(_tags(dt)) and report.mismatches == len(flagged)


def test_trade_flows_are_tagged_by_code(demo: tuple[Dualtrace, dict[str, Any]]) -> None:
    dt, _ = demo
    counts = dt.sql(
        "SELECT (SELECT count(*) FROM trade_flows) AS flows, count(*) AS tags,"
        " count(*) FILTER (list_contains(categories, 'aluminum_oxide')) AS alumina,"
        " count(*) FILTER (chpl_tier = '1') AS tier1 FROM goods_flow_tags"
    )[0]
    assert counts["flows"] == counts["tags"] > 0
    assert counts["alumina"] > 0 and counts["tier1"] > 0
    sample = dt.sql(
        "SELECT DISTINCT f.hs6, t.chpl_tier FROM trade_flows f"
        " JOIN goods_flow_tags t USING (source_id, source_line)"
        " WHERE f.hs6 IN ('854231', '281820', '940360')"
    )
    assert {(r["hs6"], r["chpl_tier"]) for r in sample} == {
        ("854231", "1"),
        ("281820", None),
        ("940360", None),
    }
