"""Adding a list layout is one record in data/sources.yaml plus its reader: detection, loading,
`lists layouts` and screening take it from the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

import dualtrace
from dualtrace.errors import InputError
from dualtrace.lists import load, registry, update

TOY = """
  toy-csv:
    description: A toy list for the registry test
    reader: tests.lists.toy_layout.read
    detect: {csv_columns: [toy_id, toy_name, toy_country]}
"""


@pytest.fixture
def with_toy(monkeypatch: pytest.MonkeyPatch) -> None:
    text = registry.registry_text().replace("\ndownloads:", TOY + "\ndownloads:", 1)
    parsed = registry.parse(text)
    monkeypatch.setattr(registry, "current", lambda: parsed)


def test_packaged_records_name_real_readers_and_layouts() -> None:
    for record in registry.layouts().values():
        assert callable(record.read_function()), record.name
    for download in registry.downloads().values():
        assert download.layout in registry.layouts()
        assert download.urls and download.publisher and download.licence
    assert update.official()["un_sc"] == ["https://scsanctions.un.org/resources/xml/en/consolidated.xml"]
    with pytest.raises(InputError, match="unknown layout 'nope'; use one of un-xml"):
        registry.layout("nope")


def test_a_new_layout_needs_only_its_record_and_reader(with_toy: None, tmp_path: Path) -> None:
    path = tmp_path / "toy.csv"
    path.write_text("toy_id,toy_name,toy_country\n1,Vektor Optics LLC,ru\n", encoding="utf-8")
    assert load.detect(path) == "toy-csv"
    assert "toy-csv" in load.layouts()
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        [report] = dt.lists_load([path])
        hits = dt.screen(["Vektor Optics"])
    assert report.list_name == "toy_list"
    assert hits, "the toy entry is screened like any other"
    assert hits[0]["entity_id"] == "toy-1", hits[0]
