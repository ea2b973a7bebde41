"""Every file in ../shared/data/sanctions loads in its own layout; counts are checked against the
raw files, read here independently of the loaders."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dualtrace import warehouse
from dualtrace.lists.load import detect, load_paths
from dualtrace.lists.store import VersionReport
from tests.conftest import shared_file


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = warehouse.connect(tmp_path / "lists.duckdb")
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or []).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    return rows(con, sql, params)[0][0]


def ofac_records(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8").replace("\x1a", "")
    return [r for r in csv.reader(text.splitlines(keepends=True)) if r and r[0].strip()]


def load_csv_list(
    con: duckdb.DuckDBPyConnection, path: Path, layout: str, delimiter: str = ","
) -> tuple[VersionReport, list[dict[str, str]]]:
    """Load a CSV list file, which must be detected as ``layout``; and its raw records to check against."""
    assert detect(path) == layout
    [report] = load_paths(con, [path])
    with path.open(encoding="utf-8-sig") as handle:
        return report, list(csv.DictReader(handle, delimiter=delimiter))


def targets(con: duckdb.DuckDBPyConnection, list_name: str) -> int:
    return int(one(con, "SELECT count(*) FROM entities WHERE list = ? AND target AND active", [list_name]))


def test_ofac_sdn_set(con: duckdb.DuckDBPyConnection) -> None:
    sdn = shared_file("sanctions/ofac/sdn_2024-05-03.csv")
    alt = shared_file("sanctions/ofac/alt_2025-02.csv")
    add = shared_file("sanctions/ofac/add_2025-02.csv")
    comments = shared_file("sanctions/ofac/sdn_comments_2025-02.csv")
    assert {detect(p) for p in (sdn, alt, add, comments)} == {"ofac-csv"}
    [report] = load_paths(con, [sdn, alt, add, comments])
    main = ofac_records(sdn)
    ent_nums = {r[0] for r in main}
    assert len(main) == len(ent_nums) == 14_965
    assert report.targets == targets(con, "ofac_sdn") == len(ent_nums)
    # every alt row of a known ent_num became a name of that entity; the others were counted
    alts = [r for r in ofac_records(alt) if r[0] in ent_nums]
    orphan_alts = len(ofac_records(alt)) - len(alts)
    assert any(f"{orphan_alts:,} alt_2025-02.csv rows" in n for n in report.notes)
    alt_names = one(
        con,
        "SELECT count(*) FROM entity_names WHERE list = 'ofac_sdn'"
        " AND prop IN ('alias', 'previousName', 'weakAlias')",
    )
    assert alt_names >= len({(r[0], r[3].strip()) for r in alts})
    addresses = [r for r in ofac_records(add) if r[0] in ent_nums and any(c.strip() != "-0-" for c in r[2:5])]
    assert one(con, "SELECT count(*) FROM entities WHERE list = 'ofac_sdn' AND schema = 'Address'") == len(
        addresses
    )
    # types: individual -> Person, vessel -> Vessel
    people = sum(1 for r in main if r[2].strip() == "individual")
    vessels = sum(1 for r in main if r[2].strip() == "vessel")
    assert one(con, "SELECT count(*) FROM entities WHERE list='ofac_sdn' AND schema='Person'") == people
    assert one(con, "SELECT count(*) FROM entities WHERE list='ofac_sdn' AND schema='Vessel'") == vessels
    # programs and ids come out of the columns and remarks
    row = rows(
        con,
        "SELECT programs, caption FROM entities WHERE list='ofac_sdn' AND entity_id='ofac-306'",
    )[0]
    assert row == (["CUBA"], "BANCO NACIONAL DE CUBA")
    assert one(con, "SELECT count(*) FROM entity_names WHERE entity_id='ofac-306' AND name='BNC'") == 1
    inn_count = sum(1 for r in main if re.search(r"Tax ID No\. (\d{10}|\d{12}) \(Russia\)", r[11]))
    assert inn_count == 2560
    # INNs are recognised by their check digits (a few published ones fail them)
    assert (
        one(con, "SELECT count(DISTINCT entity_id) FROM entity_ids WHERE list='ofac_sdn' AND scheme='inn'")
        >= inn_count * 0.95
    )
    # the remarks overflow of sdn_comments.csv is joined onto its entry
    overflow = {r[0]: r[1] for r in ofac_records(comments)}
    joined = [n for n in overflow if n in ent_nums]
    assert len(joined) == 19
    for ent_num in joined:
        props = one(con, "SELECT properties::VARCHAR FROM entities WHERE entity_id = ?", [f"ofac-{ent_num}"])
        # the last word of the overflow's last part ("Linked To:" parts become UnknownLink entities)
        parts = [p for p in overflow[ent_num].rstrip(".").split("; ") if not p.startswith("Linked To")]
        tail = re.findall(r"\w+", parts[-1])[-1]
        assert tail in props, (ent_num, tail)


def test_ofac_versions_match_the_real_history(con: duckdb.DuckDBPyConnection) -> None:
    """Loading the 2021 then the 2024 sdn.csv records exactly the additions and removals that
    the 308 daily versions in between show (sdn_first_last_seen file)."""
    old = shared_file("sanctions/ofac/sdn_2021-08-18.csv")
    new = shared_file("sanctions/ofac/sdn_2024-05-03.csv")
    history = shared_file("sanctions/ofac/sdn_first_last_seen_2021-08_2024-05.csv")
    first = load_paths(con, [old])[0]
    second = load_paths(con, [new])[0]
    with history.open(encoding="utf-8") as handle:
        seen = list(csv.DictReader(handle))
    was = {
        r["ent_num"] for r in seen if r["first_seen_in_scrape"] <= "2021-08-18" <= r["last_seen_in_scrape"]
    }
    now = {r["ent_num"] for r in seen if r["last_seen_in_scrape"] == "2024-05-03"}
    assert first.targets == len(was)
    assert second.added == len(now - was)
    assert second.removed == len(was - now)
    added = {
        r[0].removeprefix("ofac-")
        for r in rows(
            con,
            "SELECT entity_id FROM list_changes WHERE version_id = ? AND change = 'added'"
            " AND schema NOT IN ('Sanction', 'Address', 'UnknownLink')",
            [second.version_id],
        )
    }
    assert added == now - was
    removed_active = one(con, "SELECT count(*) FROM entities WHERE list='ofac_sdn' AND target AND NOT active")
    assert removed_active == len(was - now)
    # an entity present in both keeps its first_seen from the first version
    kept = sorted(was & now)[0]
    first_seen = one(
        con, "SELECT first_seen::DATE::VARCHAR FROM entities WHERE entity_id = ?", [f"ofac-{kept}"]
    )
    assert first_seen == "2021-08-18"
    # loading an older file after a newer one is refused, loading the same file twice is a no-op
    assert load_paths(con, [new])[0].status == "already-loaded"
    from dualtrace.errors import InputError

    older = Path(pytest.importorskip("tempfile").mkdtemp()) / "sdn_2020-01-01.csv"
    older.write_text(
        "\n".join(",".join(f'"{c}"' for c in r) for r in ofac_records(old)[:-1]), encoding="utf-8"
    )
    with pytest.raises(InputError, match="older than the loaded version"):
        load_paths(con, [older])


def test_ofac_consolidated(con: duckdb.DuckDBPyConnection) -> None:
    files = [shared_file(f"sanctions/ofac/cons_{p}_2025-12.csv") for p in ("prim", "alt", "add", "comments")]
    [report] = load_paths(con, files)
    assert report.list_name == "ofac_cons"
    assert report.targets == len({r[0] for r in ofac_records(files[0])}) == 442


@pytest.mark.parametrize(
    ("name", "list_name"),
    [
        ("eu__journal_sanctions__32014R0833.csv", "eu_journal_32014R0833"),
        ("eu__journal_sanctions__32014R0269.csv", "eu_journal_32014R0269"),
    ],
)
def test_eu_journal(con: duckdb.DuckDBPyConnection, name: str, list_name: str) -> None:
    path = shared_file(f"sanctions/eu/{name}")
    report, raw = load_csv_list(con, path, "eu-journal-csv")
    keys = {(r["annex"], r["recordId"] or r["name"].strip().casefold()) for r in raw}
    assert report.list_name == list_name
    assert report.targets == targets(con, list_name) == len(keys)
    with_inn = {(r["annex"], r["recordId"]) for r in raw if r["innCode"].strip()}
    assert one(
        con, "SELECT count(DISTINCT entity_id) FROM entity_ids WHERE list = ? AND scheme = 'inn'", [list_name]
    ) >= len(with_inn)
    if "0833" in name:
        annex_iv = sum(1 for r in raw if r["annex"] == "IV")
        assert (
            one(
                con,
                "SELECT count(*) FROM entities WHERE list = ? AND list_contains(programs, 'EU-RUS Annex IV')",
                [list_name],
            )
            == annex_iv
        )
        # "Full (Short); Other" aliases are split into separate names
        names = [
            r[0] for r in rows(con, "SELECT name FROM entity_names WHERE entity_id = 'eu-32014R0833-IV-4'")
        ]
        assert "АО «Концерн «Калашников»" in names and "JSC Concern Kalashnikov" in names
        assert (
            one(con, "SELECT listing_date::VARCHAR FROM entities WHERE entity_id='eu-32014R0833-IV-4'")
            == "2014-09-12"
        )


def test_un_xml(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("sanctions/un/UN_consolidated.xml")
    assert detect(path) == "un-xml"
    [report] = load_paths(con, [path])
    root = ET.parse(path).getroot()
    people, orgs = len(root.findall("INDIVIDUALS/INDIVIDUAL")), len(root.findall("ENTITIES/ENTITY"))
    assert (people, orgs) == (730, 273)
    assert report.targets == people + orgs
    assert (
        one(con, "SELECT count(*) FROM entities WHERE list='un_sc' AND schema='Person' AND target") == people
    )
    assert str(report.version_date) == "2026-02-27"
    aliases = sum(
        1
        for node in root.iter()
        if node.tag in ("INDIVIDUAL_ALIAS", "ENTITY_ALIAS") and (node.findtext("ALIAS_NAME") or "").strip()
    )
    assert (
        one(con, "SELECT count(*) FROM entity_names WHERE list='un_sc' AND prop IN ('alias','weakAlias')")
        <= aliases
    )
    assert (
        one(con, "SELECT count(*) FROM entity_names WHERE list='un_sc' AND prop IN ('alias','weakAlias')")
        >= aliases * 0.95
    )


@pytest.mark.parametrize("name", ["csl_2019_sample.csv", "csl_2025_layout_sample.csv"])
def test_us_csl(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = shared_file(f"sanctions/us-csl/{name}")
    report, raw = load_csv_list(con, path, "us-csl")
    # rows of one party (one row per address on the DPL part) merge into one entity
    assert report.targets == len(
        {(r["source"], r["entity_number"], r["name"].strip().casefold()) for r in raw}
    )
    entity_list = sum(1 for r in raw if r["source"].startswith("Entity List"))
    assert (
        one(
            con,
            "SELECT count(*) FROM entities WHERE list='us_csl' AND target"
            " AND list_contains(topics, 'export.control')",
        )
        >= entity_list
    )
    alt = {
        (r["source"], r["entity_number"], r["name"].strip().casefold(), a.strip())
        for r in raw
        for a in r["alt_names"].split(";")
        if a.strip()
    }
    assert one(con, "SELECT count(*) FROM entity_names WHERE list='us_csl' AND prop='alias'") == len(alt)


def test_bis_dpl(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("sanctions/us-csl/bis_dpl_2019.txt")
    report, raw = load_csv_list(con, path, "bis-dpl", delimiter="\t")
    assert report.targets == len({" ".join(r["Name"].split()).upper() for r in raw})
    assert (
        one(
            con,
            "SELECT count(*) FROM entities WHERE list='us_bis_dpl' AND target"
            " AND len(properties->'$.address') > 1",
        )
        > 0
    )


def test_ftm_zala_ownership(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("sanctions/opensanctions/yente_zala_entities.ftm.json")
    assert detect(path) == "ftm-json"
    load_paths(con, [path], list_name="zala")
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_schema: dict[str, int] = {}
    for entity in raw:
        by_schema[entity["schema"]] = by_schema.get(entity["schema"], 0) + 1
    stored = dict(rows(con, "SELECT schema, count(*) FROM entities WHERE list='zala' GROUP BY 1"))
    assert stored == by_schema
    assert stored["Ownership"] == 14 and stored["Sanction"] == 41
    # every property kept as it was, and Ownership links flattened for the network engine
    for entity in raw:
        props = json.loads(one(con, "SELECT properties FROM entities WHERE entity_id = ?", [entity["id"]]))
        assert props == entity["properties"]
    owners = sum(len(e["properties"].get("owner", [])) for e in raw if e["schema"] == "Ownership")
    assert one(con, "SELECT count(*) FROM entity_links WHERE list='zala' AND prop='owner'") == owners
    # programs and listing dates roll up from the Sanction entities onto their targets
    for sanction in (e for e in raw if e["schema"] == "Sanction"):
        for target in sanction["properties"].get("entity", []):
            programs = one(con, "SELECT programs FROM entities WHERE entity_id = ?", [target])
            assert set(sanction["properties"].get("programId", [])) <= set(programs)
    listed = one(
        con, "SELECT listing_date::VARCHAR FROM entities WHERE entity_id = 'NK-abdzbEBkqyT29GyREbiURZ'"
    )
    assert listed is not None and listed <= "2023-02-24"


def test_ftm_delta_applied_in_place(con: duckdb.DuckDBPyConnection) -> None:
    base = shared_file("sanctions/opensanctions/yente_t1_entities.ftm.json")
    delta = shared_file("sanctions/opensanctions/yente_t2_20240527194702_entities.delta.json")
    assert detect(delta) == "ftm-delta"
    load_paths(con, [base], list_name="yente")
    before = targets(con, "yente")
    [report] = load_paths(con, [delta], list_name="yente")
    ops = [json.loads(line) for line in delta.read_text(encoding="utf-8").splitlines() if line.strip()]
    adds = [o["entity"]["id"] for o in ops if o["op"] == "ADD"]
    assert report.added == len(adds) == 2
    assert targets(con, "yente") == before + len(adds)
    assert one(con, "SELECT count(*) FROM list_versions WHERE list='yente' AND is_delta") == 1
    caption = one(con, "SELECT caption FROM entities WHERE entity_id = 'NK-2T3S8Hu29ktYnKSTgQp2wL'")
    assert caption == "AL-QAIDA IN IRAQ"


def test_ftm_delete_and_modify(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    base = shared_file("sanctions/opensanctions/yente_t1_entities.ftm.json")
    load_paths(con, [base], list_name="yente")
    first = json.loads(base.read_text(encoding="utf-8").splitlines()[0])
    changed = dict(first, properties={**first["properties"], "name": ["Renamed Tobacco"]})
    delta = tmp_path / "x_20240601000000_entities.delta.json"
    delta.write_text(
        json.dumps({"op": "MOD", "entity": changed})
        + "\n"
        + json.dumps({"op": "DEL", "entity": {"id": "NK-2Ka3UvopqbpZmVDFjWd4LA"}})
        + "\n",
        encoding="utf-8",
    )
    [report] = load_paths(con, [delta], list_name="yente")
    assert (report.changed, report.removed) == (1, 1)
    assert one(con, "SELECT active FROM entities WHERE entity_id='NK-2Ka3UvopqbpZmVDFjWd4LA'") is False
    assert (
        one(
            con,
            "SELECT count(*) FROM entity_names WHERE entity_id = ? AND name='Renamed Tobacco'",
            [first["id"]],
        )
        == 1
    )


def test_opensanctions_simple_and_nested(con: duckdb.DuckDBPyConnection) -> None:
    simple = shared_file("sanctions/opensanctions/wd_persons_targets.simple.csv")
    nested = shared_file("sanctions/opensanctions/wd_persons_targets.nested.json")
    assert detect(simple) == "ftm-simple-csv"
    assert detect(nested) == "ftm-nested"
    [s] = load_paths(con, [simple], list_name="wd_simple")
    [n] = load_paths(con, [nested], list_name="wd_nested")
    with simple.open(encoding="utf-8-sig") as handle:
        raw = list(csv.DictReader(handle))
    lines = [json.loads(line) for line in nested.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert s.targets == len(raw) == 5
    assert n.targets == len(lines) == 5
    # nested relatives became entities of their own, linked by id
    assert n.entities > len(lines)
    assert one(con, "SELECT count(*) FROM entity_links WHERE list='wd_nested' AND prop='relative'") > 0
    assert {r[0] for r in rows(con, "SELECT entity_id FROM entities WHERE list='wd_simple'")} == {
        r["id"] for r in raw
    }


def test_dod_1260h_parents(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("sanctions/opensanctions/us__dod_chinese_milcorps__sanctions.csv")
    report, raw = load_csv_list(con, path, "dod-1260h-csv")
    assert len(raw) == 397
    clean = {(r["Clean Name"] or r["Name"]).strip().rstrip("*").strip().casefold() for r in raw}
    assert report.targets == len(clean)
    with_parent = {
        (r["Clean Name"] or r["Name"]).strip().rstrip("*").strip().casefold()
        for r in raw
        if r["Parent Name"].strip()
    }
    assert sum(1 for r in raw if r["Parent Name"].strip()) == 197
    links = one(
        con, "SELECT count(DISTINCT entity_id) FROM entity_links WHERE list='us_dod_1260h' AND prop='parent'"
    )
    assert links == len(with_parent)
    # AVIC subsidiaries point at the listed AVIC entry
    parent = rows(
        con,
        "SELECT p.caption, p.target FROM entity_links l JOIN entities c ON c.entity_id = l.entity_id"
        " JOIN entities p ON p.entity_id = l.target_id"
        " WHERE c.caption = 'AVIC Heavy Machinery Company Limited'",
    )
    assert parent and parent[0][1] is True and "Aviation Industry Corporation of China" in parent[0][0]


def test_cn_sanctions(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("sanctions/opensanctions/cn__sanctions__sanctions.csv")
    report, raw = load_csv_list(con, path, "cn-sanctions-csv")
    assert report.targets == len(raw) == 610
    chinese = sum(1 for r in raw if r["Chinese name"].strip())
    assert (
        one(con, "SELECT count(*) FROM entity_names WHERE list='cn_sanctions' AND script='Hani'")
        >= chinese * 0.95
    )


def test_every_shared_file_has_a_layout(shared_data: Path) -> None:
    """No file in the folder is left without a parser (the derived first/last-seen history is
    data for tests, not a list)."""
    unread = []
    for path in sorted((shared_data / "sanctions").rglob("*")):
        if path.is_file() and "first_last_seen" not in path.name:
            try:
                detect(path)
            except Exception as exc:  # pragma: no cover - the assertion shows which
                unread.append(f"{path.name}: {exc}")
    assert unread == []


def test_reports_are_plain_records(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("sanctions/opensanctions/cn__sanctions__sanctions.csv")
    report: VersionReport = load_paths(con, [path])[0]
    record = report.as_dict()
    assert record["list"] == "cn_sanctions" and record["status"] == "loaded"
    assert one(con, "SELECT added FROM list_versions WHERE version_id = ?", [report.version_id]) == 610
