"""OFAC SDN_ADVANCED.xml on a small fictional file in the official layout: the same entities as
sdn.xml, names in other scripts kept as aliases, features, documents, relations and sanctions
entries resolved through the reference values; bad files refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import dualtrace
from dualtrace.errors import InputError
from dualtrace.lists.load import detect
from dualtrace.lists.ofac_advanced import read

FIXTURES = Path(__file__).with_name("fixtures")
ADVANCED = FIXTURES / "sdn_advanced.xml"


def test_detected_and_version_dated() -> None:
    assert detect(ADVANCED) == "ofac-advanced-xml"
    batch = read(ADVANCED)
    assert batch.list_name == "ofac_sdn" and str(batch.version_date) == "2024-05-03"


def test_same_entities_as_sdn_xml(tmp_path: Path) -> None:
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.lists_load([ADVANCED], list_name="advanced")
        dt.lists_load([FIXTURES / "sdn.xml"], list_name="xml")
        rows = dt.sql(
            "SELECT list, entity_id, schema, caption, programs, listing_date FROM entities WHERE target"
            " ORDER BY entity_id"
        )
        xml = {r["entity_id"]: (r["schema"], r["caption"], r["programs"]) for r in rows if r["list"] == "xml"}
        advanced = {r["entity_id"]: r for r in rows if r["list"] == "advanced"}
        for entity_id, (schema, caption, programs) in xml.items():
            got = advanced[entity_id]
            assert (got["schema"], got["caption"], got["programs"]) == (schema, caption, programs)
        assert advanced["ofac-90015"]["schema"] == "Vessel"
        assert str(advanced["ofac-90001"]["listing_date"]) == "2023-05-19"
        ids = dt.sql("SELECT entity_id, scheme, value FROM entity_ids WHERE list = 'advanced' ORDER BY 1")
        assert [(r["entity_id"], r["scheme"], r["value"]) for r in ids] == [
            ("ofac-90001", "inn", "7716526012"),
            ("ofac-90015", "imo", "9876543"),
        ]


def test_features_names_and_relations() -> None:
    entities = {e.id: e for e in read(ADVANCED)}
    company, person, vessel = entities["ofac-90001"], entities["ofac-90008"], entities["ofac-90015"]
    assert company.properties["alias"] == [
        "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ НОРДЛИХТ ОПТИКА",
        "OOO NORDLICHT OPTIKA",
    ]
    assert company.properties["address"] == ["Ul. Lesnaya 5, Moscow, 125047, Russia"]
    assert company.properties["incorporationDate"] == ["2015-02-03"]
    assert (person.first("lastName"), person.first("firstName")) == ("PETROV", "Ivan Sergeevich")
    assert person.properties["birthDate"] == ["1971-03-12"]
    assert person.properties["nationality"] == ["Russia"] and person.properties["gender"] == ["Male"]
    assert person.properties["weakAlias"] == ["VANYA"]
    assert (vessel.first("type"), vessel.first("flag")) == ("Container Ship", "Russia")
    links = {
        (e.first("subject"), e.first("object"), e.first("role"))
        for e in entities.values()
        if e.schema == "UnknownLink"
    }
    assert links == {
        ("ofac-90008", "ofac-90001", "Associate Of"),
        ("ofac-90015", "ofac-90001", "Owned or Controlled By"),
    }
    sanction = entities["ofac-90001-sanction"]
    assert sanction.properties["provisions"] == ["SDN List", "Block"]
    assert sanction.properties["program"] == ["RUSSIA-EO14024"]


def test_cyrillic_name_screens(tmp_path: Path) -> None:
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.lists_load([ADVANCED])
        hits = dt.screen(["ООО Нордлихт Оптика"], country="RU")
        assert hits and hits[0]["entity_id"] == "ofac-90001" and hits[0]["score"] >= 0.9


def test_bad_files_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "sdn_advanced.xml"
    broken.write_text(ADVANCED.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(InputError, match=r"^sdn_advanced.xml: not well-formed XML"):
        read(broken)
    other = tmp_path / "other.xml"
    other.write_text("<root><ReferenceValueSets/></root>", encoding="utf-8")
    with pytest.raises(InputError, match=r"not an OFAC advanced XML file \(root element root\)"):
        read(other)
