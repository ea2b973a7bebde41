"""Party resolution on small fictional declarations: which rule joins what, what keeps parties
apart, analysts' decisions surviving rebuilds, and quality on a labelled synthetic set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import dualtrace
from dualtrace.demo import party_lines as synthetic
from dualtrace.errors import InputError
from dualtrace.network import apply_decisions
from dualtrace.network.ids import clean_ids
from dualtrace.network.resolve import resolve_parties
from dualtrace.normalize.name_keys import keys_for, palladius_reading
from dualtrace.session import Dualtrace

# Fictional companies; INN / USCC values carry valid check digits and belong to no one.
INN_A = "7707083893"
INN_B = "7736207543"
USCC = "91440300MABTJ8797L"
# a shipment as the tests write it: shipper, its id, its country, consignee, its id, repeat
Line = tuple[str, str | None, str, str, str | None, int]
# two spellings of one Hong Kong firm and a look-alike: what the decision tests split and merge
ALPHA_AND_APEX: list[Line] = [
    ("ALPHA PEAK TRADING LIMITED", None, "HKG", 'ООО "ВЕКТОР"', INN_A, 10),
    ("ALPHA PEAK TRADING LTD", None, "HKG", 'ООО "ВЕКТОР"', INN_A, 3),
    ("APEX SUMMIT TRADING LIMITED", None, "HKG", 'ООО "ВЕКТОР"', INN_A, 4),
]


def _lines(rows: list[Line]) -> pa.Table:
    """(shipper, shipper_id, shipper_country, consignee, consignee_id, repeat) -> shipments rows."""
    out: dict[str, list[Any]] = {
        k: []
        for k in (
            "date",
            "shipper_name",
            "shipper_id",
            "shipper_country",
            "consignee_name",
            "consignee_id",
            "consignee_country",
            "hs_code",
            "value",
            "currency",
            "value_usd",
            "consignee_address",
        )
    }
    for shipper, sid, scountry, consignee, cid, repeat in rows:
        for i in range(repeat):
            out["date"].append(date(2023, 1, 1 + i % 28))
            out["shipper_name"].append(shipper)
            out["shipper_id"].append(sid)
            out["shipper_country"].append(scountry)
            out["consignee_name"].append(consignee)
            out["consignee_id"].append(cid)
            out["consignee_country"].append("RUS")
            out["hs_code"].append("8542310000")
            out["value"].append(1000.0)
            out["currency"].append("USD")
            out["value_usd"].append(1000.0)
            out["consignee_address"].append(None)
    return pa.table(out)


def _warehouse(tmp: Path, rows: list[Line]) -> Dualtrace:
    dt = dualtrace.open(tmp / "r.duckdb")
    synthetic.install(dt.con, _lines(rows))
    return dt


def _party(dt: Dualtrace, name: str) -> set[str]:
    return {r["party_id"] for r in dt.sql("SELECT party_id FROM party_records WHERE name = ?", [name])}


def test_ids_are_cleaned_and_schemed() -> None:
    assert clean_ids(f"ИНН {INN_A}") == [f"inn:{INN_A}"]
    assert clean_ids(f"{INN_A}; 1027700132195") == [f"inn:{INN_A}", "ogrn:1027700132195"]
    assert clean_ids("QLRUBN9") == ["kcs:QLRUBN9"]  # Korean-style importer code: strong
    assert clean_ids("3234531") == ["id:3234531"]  # a Hong Kong company number: weak
    assert clean_ids("7707083894") == ["id:7707083894"]  # an INN with a wrong check digit: weak
    assert clean_ids("  ") == []


def test_name_keys() -> None:
    same = {
        keys_for(n).exact
        for n in (
            "SHENZHEN HUARUI ELEC TECH CO., LTD.",
            "深圳市华瑞电子科技有限公司",
            "Huarui Electronic Technology (Shenzhen) Co., Limited",
        )
    }
    assert len(same) == 1
    assert keys_for("HUA RUI ELECTRONIC TECHNOLOGY").core == keys_for("HUARUI ELECTRONIC TECHNOLOGY").core
    assert keys_for("VEKTRA MASH").ordered == keys_for("ООО «Вектрамаш»").ordered
    assert keys_for("HARBIN CHENGLI").core != keys_for("HARBIN HENGLI").core  # pinyin initials stay apart
    assert keys_for("沈阳天垣轴承有限公司").exact == keys_for("SHENYANG TIANYUAN BEARING CO., LTD.").exact
    assert keys_for("ООО «Промдельта»").legal == "llc" and keys_for("PROMDELTA PJSC").legal == "pjsc"
    assert (
        keys_for("SHENZHNE HUARUI ELECTRONC TECHNOLOGY").exact
        == keys_for("SHENZHEN HUARUI ELECTRONIC TECHNOLOGY").exact
    )
    assert palladius_reading("ШЭНЬЧЖЭНЬ ЛЯНЬСИНЬ ЖУЙДА") == "shenzhen lianxin ruida"
    assert palladius_reading("ООО «Янтарь»") is None  # a Russian name is not read as pinyin


def test_rules_join_and_keep_apart(tmp_path: Path) -> None:
    dt = _warehouse(
        tmp_path,
        [
            # same INN: Cyrillic and Latin spellings are one party
            ("SHENZHEN HUARUI ELECTRONIC TECHNOLOGY CO., LTD.", None, "CHN", 'ООО "ТЕРМОКВАНТ"', INN_A, 20),
            ("深圳市华瑞电子科技有限公司", USCC, "CHN", "TERMOKVANT LLC", INN_A, 5),
            # a typo of a busy name, no id: joined by the scored rule
            ("SHENZHEN HUARIU ELECTRONIC TECHNOLOGY CO LTD", None, "CHN", "ООО «Термоквант»", None, 1),
            # the same name in another city is another firm
            ("GUANGZHOU HUARUI ELECTRONIC TECHNOLOGY CO., LTD.", None, "CHN", "ЗАО «ТЕРМОКВАНТ»", INN_B, 7),
            # same name, two different INNs: two firms; an id-less one joins the busier
            ("SHENZHEN HUARUI ELECTRONIC TECHNOLOGY CO., LTD.", None, "CHN", 'ООО "ВОЛНА"', "7710140679", 9),
            ("SHENZHEN HUARUI ELECTRONIC TECHNOLOGY CO., LTD.", None, "CHN", 'ООО "ВОЛНА"', "7702070139", 2),
            ("SHENZHEN HUARUI ELECTRONIC TECHNOLOGY CO., LTD.", None, "CHN", 'ООО "ВОЛНА"', None, 1),
            # established spellings one letter apart are two firms
            ("HANGZHOU KUNLONG TRADING CO., LTD.", None, "CHN", 'ООО "ЯМАЛНОР"', None, 6),
            ("HANGZHOU KUNLONG TRADING CO., LTD.", None, "CHN", "YAMALNOR LLC", None, 6),
            ("HANGZHOU KUNLONG TRADING CO., LTD.", None, "CHN", 'ООО "ЯМАЛНОВ"', None, 3),
            ("HANGZHOU KUNLONG TRADING CO., LTD.", None, "CHN", "YAMALNOV LLC", None, 3),
        ],
    )
    report = resolve_parties(dt.con)
    termokvant = _party(dt, 'ООО "ТЕРМОКВАНТ"')
    assert termokvant == _party(dt, "TERMOKVANT LLC") == _party(dt, "ООО «Термоквант»")
    assert _party(dt, "ЗАО «ТЕРМОКВАНТ»").isdisjoint(termokvant)  # another INN, another legal form
    huarui = _party(dt, "SHENZHEN HUARUI ELECTRONIC TECHNOLOGY CO., LTD.")
    assert (
        huarui
        == _party(dt, "深圳市华瑞电子科技有限公司")
        == _party(dt, "SHENZHEN HUARIU ELECTRONIC TECHNOLOGY CO LTD")
    )
    assert _party(dt, "GUANGZHOU HUARUI ELECTRONIC TECHNOLOGY CO., LTD.").isdisjoint(huarui)
    volna = dt.sql("SELECT DISTINCT raw_id, party_id FROM party_records WHERE name = 'ООО \"ВОЛНА\"'")
    by_id = {r["raw_id"]: r["party_id"] for r in volna}
    assert by_id["7710140679"] != by_id["7702070139"]
    assert by_id[None] == by_id["7710140679"]  # the id-less spelling joins the busier firm
    assert _party(dt, 'ООО "ЯМАЛНОР"') == _party(dt, "YAMALNOR LLC")
    assert _party(dt, 'ООО "ЯМАЛНОВ"').isdisjoint(_party(dt, 'ООО "ЯМАЛНОР"'))
    assert report.refused >= 1
    # every join keeps its evidence
    typo = dt.sql(
        "SELECT m.rule, m.features FROM party_merges m JOIN party_records r ON r.record_id IN"
        " (m.a_record, m.b_record)"
        " WHERE r.name = 'SHENZHEN HUARIU ELECTRONIC TECHNOLOGY CO LTD'"
    )
    assert typo and typo[0]["rule"] == "scored" and "name one edit" in typo[0]["features"]
    same_id = dt.sql("SELECT detail FROM party_merges WHERE rule = 'same_id'")
    assert f"inn:{INN_A}" in {r["detail"] for r in same_id}
    # party_key relates parties to screening's screen_parties / party_links
    keys = dt.sql("SELECT count(DISTINCT party_key) AS n FROM party_records WHERE origin = 'shipment'")
    assert keys[0]["n"] == report.shipment_records
    dt.close()


def test_decisions_survive_rebuilds(tmp_path: Path) -> None:
    dt = _warehouse(tmp_path, ALPHA_AND_APEX)
    dt.network_build()
    alpha = _party(dt, "ALPHA PEAK TRADING LIMITED")
    assert alpha == _party(dt, "ALPHA PEAK TRADING LTD")
    assert alpha.isdisjoint(_party(dt, "APEX SUMMIT TRADING LIMITED"))
    # an analyst splits the LTD spelling off ...
    split = dt.party_split(
        "ALPHA PEAK TRADING LIMITED", names=["ALPHA PEAK TRADING LTD"], note="two firms", reviewer="ana"
    )
    assert _party(dt, "ALPHA PEAK TRADING LTD").isdisjoint(_party(dt, "ALPHA PEAK TRADING LIMITED"))
    dt.network_build()  # ... and the rebuild keeps them apart
    assert _party(dt, "ALPHA PEAK TRADING LTD").isdisjoint(_party(dt, "ALPHA PEAK TRADING LIMITED"))
    # merging two different names is kept too
    merged = dt.party_merge("ALPHA PEAK TRADING LIMITED", "APEX SUMMIT TRADING LIMITED", reviewer="ana")
    assert _party(dt, "ALPHA PEAK TRADING LIMITED") == _party(dt, "APEX SUMMIT TRADING LIMITED")
    report = dt.network_build()
    assert _party(dt, "ALPHA PEAK TRADING LIMITED") == _party(dt, "APEX SUMMIT TRADING LIMITED")
    assert report.resolution is not None and report.resolution.decisions_applied == [
        split["decision_id"],
        merged["decision_id"],
    ]
    evidence = dt.sql("SELECT rule, detail FROM party_merges WHERE rule = 'analyst_merge'")
    assert evidence and "by ana" in evidence[0]["detail"]
    # a later merge across the split voids it
    dt.party_merge("ALPHA PEAK TRADING LTD", "ALPHA PEAK TRADING LIMITED", reviewer="bob")
    report = dt.network_build()
    assert report.resolution is not None and split["decision_id"] in report.resolution.decisions_voided
    assert _party(dt, "ALPHA PEAK TRADING LTD") == _party(dt, "ALPHA PEAK TRADING LIMITED")
    # the audit trail is append-only: three decisions, oldest first
    assert [d["action"] for d in dt.party_decisions()] == ["split", "merge", "merge"]
    with pytest.raises(InputError, match="already one party"):
        dt.party_merge("ALPHA PEAK TRADING LTD", "APEX SUMMIT TRADING LIMITED")
    with pytest.raises(InputError, match="no party matches"):
        dt.party_show("NO SUCH COMPANY WHATSOEVER")
    dt.close()


def test_a_decision_that_fails_to_apply_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recording a merge or split and applying it are one transaction: a failure while applying
    leaves no decision behind that the parties do not show."""
    dt = _warehouse(tmp_path, ALPHA_AND_APEX)
    dt.network_build()
    parties = dt.sql("SELECT name, party_id FROM party_records ORDER BY name, party_id")

    def fail(*_: object, **__: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_decisions, "refresh_parties", fail)  # the last write of applying a decision
    with pytest.raises(RuntimeError, match="disk full"):
        dt.party_merge("ALPHA PEAK TRADING LIMITED", "APEX SUMMIT TRADING LIMITED")
    with pytest.raises(RuntimeError, match="disk full"):
        dt.party_split("ALPHA PEAK TRADING LIMITED", names=["ALPHA PEAK TRADING LTD"])
    assert dt.party_decisions() == []
    assert dt.sql("SELECT name, party_id FROM party_records ORDER BY name, party_id") == parties
    dt.close()


def _ftm_list(tmp: Path, entities: list[dict[str, Any]]) -> Path:
    path = tmp / "fictional.ftm.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n", encoding="utf-8")
    return path


def test_list_entries_and_screening_reviews_constrain(tmp_path: Path) -> None:
    dt = _warehouse(tmp_path, [("ORION NOVA TRADING LIMITED", None, "HKG", 'ООО "ВЕКТОР"', INN_A, 5)])
    company = {"schema": "Company", "target": True, "datasets": ["fictional"]}
    dt.lists_load(
        [
            _ftm_list(
                tmp_path,
                [
                    {
                        **company,
                        "id": "fx-1",
                        "properties": {
                            "name": ["Orion Nova Trading Limited"],
                            "country": ["hk"],
                            "topics": ["sanction"],
                            "program": ["FICTIONAL"],
                        },
                    },
                    # a second entry of the same list with the same name: the list says two parties
                    {
                        **company,
                        "id": "fx-2",
                        "properties": {
                            "name": ["Orion Nova Trading Limited"],
                            "country": ["hk"],
                            "topics": ["sanction"],
                            "program": ["FICTIONAL"],
                        },
                    },
                ],
            )
        ],
        list_name="fictional",
    )
    resolve_parties(dt.con)
    e1 = dt.sql("SELECT party_id FROM party_records WHERE entity_id = 'fx-1'")[0]["party_id"]
    e2 = dt.sql("SELECT party_id FROM party_records WHERE entity_id = 'fx-2'")[0]["party_id"]
    assert e1 != e2
    shipper = _party(dt, "ORION NOVA TRADING LIMITED")
    assert shipper & {e1, e2}  # the shipment spelling joins one of them
    assert dt.sql("SELECT listed FROM parties WHERE party_id = ?", [next(iter(shipper))]) == [
        {"listed": True}
    ]
    # an analyst dismissed the screening hit of this spelling on fx-1 and fx-2: never joined again
    key = dt.sql("SELECT party_key FROM party_records WHERE name = 'ORION NOVA TRADING LIMITED'")[0][
        "party_key"
    ]
    for i, eid in enumerate(("fx-1", "fx-2"), start=1):
        dt.con.execute(
            "INSERT INTO screen_reviews (review_id, party_key, name, list, entity_id, decision, reviewer)"
            " VALUES (?, ?, 'ORION NOVA TRADING LIMITED', 'fictional', ?, 'dismissed', 'ana')",
            [i, key, eid],
        )
    resolve_parties(dt.con)
    assert _party(dt, "ORION NOVA TRADING LIMITED").isdisjoint(
        {r["party_id"] for r in dt.sql("SELECT party_id FROM party_records WHERE origin = 'entity'")}
    )
    dt.close()


def test_quality_on_a_labelled_synthetic_set(tmp_path: Path) -> None:
    with dualtrace.open(tmp_path / "s.duckdb") as dt:
        source = synthetic.install(dt.con, synthetic.generate(60_000, 4_000, seed=3))
        resolve_parties(dt.con, workers=1)
        scores = synthetic.evaluate(dt.con, source)
    mentions, base = scores["mentions"], scores["baseline_mentions"]
    assert mentions["precision"] >= 0.95 and mentions["recall"] >= 0.95, scores
    assert scores["records"]["precision"] >= 0.9 and scores["records"]["recall"] >= 0.9, scores
    assert mentions["recall"] > base["recall"] + 0.05  # ids, typos, scripts: far beyond exact names


def test_trade_edges_use_goods_tags_when_the_goods_engine_ran(tmp_path: Path) -> None:
    dt = _warehouse(tmp_path, [("ORION NOVA TRADING LIMITED", None, "HKG", 'ООО "ВЕКТОР"', INN_A, 4)])
    dt.network_build()
    [edge] = dt.sql("SELECT lines, controlled_lines, categories FROM trade_edges")
    assert edge == {"lines": 4, "controlled_lines": 4, "categories": ["chpl"]}  # 854231 is on the CHPL
    # the goods engine's view, as its migration defines it (only the columns read here): two lines
    # tagged, one of them with a CHPL tier
    dt.con.execute(
        "CREATE TEMP VIEW goods_shipment_tags AS SELECT * FROM (VALUES"
        " (1, 2, '1', ['microelectronics']), (1, 3, NULL, ['electronics']))"
        " t(source_id, source_line, chpl_tier, categories)"
    )
    dt.network_build()
    [edge] = dt.sql("SELECT lines, controlled_lines, categories FROM trade_edges")
    assert edge == {"lines": 4, "controlled_lines": 1, "categories": ["electronics", "microelectronics"]}
    dt.close()
