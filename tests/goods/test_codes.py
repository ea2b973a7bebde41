"""Codes: every CHPL code in every written form and edition resolves to its tier; categories."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dualtrace.goods import Catalogue, CodeResolver, load_catalogue
from dualtrace.reference import chpl_entries, correlation_table, ensure_installed, load_correlation_file
from dualtrace.warehouse import connect
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse with the official UNSD HS2022/HS2017 correlation loaded (real file)."""
    path = shared_file("reference/HS2022_HS2017_correlation.csv")
    con = connect(tmp_path_factory.mktemp("official") / "w.duckdb")
    ensure_installed(con)
    load_correlation_file(con, path)
    yield con
    con.close()


def _published() -> dict[str, str]:
    with shared_file("reference/chpl_hs6_2024-02-23.csv").open(encoding="utf-8") as handle:
        return {row["hs6"]: row["tier"] for row in csv.DictReader(handle)}


def test_every_chpl_code_in_hs2022_and_national_forms_resolves_to_its_tier(catalogue: Catalogue) -> None:
    resolver = CodeResolver(catalogue)
    published = _published()
    assert len(published) == 50
    for hs6, tier in published.items():
        forms = [hs6, f"{hs6[:4]}.{hs6[4:]}", hs6 + "00", hs6 + "9000", f"{hs6[:4]} {hs6[4:]} 90 00"]
        for form in forms:
            info = resolver.resolve(form, "HS2022")
            assert (form, info.chpl_tier, info.hs6) == (form, tier, hs6)
            assert f"chpl_{tier.lower().replace('.', '')}" in info.categories


def test_every_chpl_code_resolves_from_hs2017_through_the_official_correlation(
    official: duckdb.DuckDBPyConnection, catalogue: Catalogue
) -> None:
    resolver = CodeResolver(catalogue, correlation_table(official))
    published = _published()
    rows = list(
        csv.DictReader(shared_file("reference/chpl_hs2022_to_hs2017_official_correlation.csv").open())
    )
    hs2017_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        hs2017_of[row["hs2022"]].add((row["hs2017"], row["relationship"]))
    assert set(hs2017_of) == set(published)
    strong, weak_only = 0, []
    for hs6, tier in published.items():
        # the HS2017 codes that map onto it directly, or within the same heading
        mine = [c for c, rel in hs2017_of[hs6] if rel != "n:n" or c[:4] == hs6[:4]]
        if not mine:
            weak_only.append(hs6)
            # only cross-heading n:n groups lead there: reported, not counted
            for code, _ in sorted(hs2017_of[hs6])[:20]:
                info = resolver.resolve(code, "HS2017")
                assert info.weak_chpl_tier is not None or info.chpl_tier is not None
            continue
        for code in mine:
            for form in (code, code + "0000", f"{code[:4]}.{code[4:]}.00"):
                info = resolver.resolve(form, "HS2017")
                assert info.chpl_tier == tier, (hs6, form, info.chpl_tier)
                strong += 1
    # 8541.51 and 8541.59 (new in HS2022) were carved out of 157 HS2017 parts codes across headings
    assert weak_only == ["854151", "854159"]
    assert strong >= 48 * 3


def test_cross_heading_groups_set_no_tier(official: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    resolver = CodeResolver(catalogue, correlation_table(official))
    pump = resolver.resolve("841311", "HS2017")  # an n:n group ties it to CHPL 8529.90
    assert pump.chpl_tier is None and pump.weak_chpl_tier == "3.A"
    assert "chpl_3a" not in pump.categories
    tv_parts = resolver.resolve("852990", "HS2017")  # same heading: counted
    assert tv_parts.chpl_tier == "3.A"


def test_hs2017_codes_without_the_official_table(catalogue: Catalogue) -> None:
    resolver = CodeResolver(catalogue)
    assert resolver.resolve("8525800000", "HS2017").chpl_tier == "3.A"  # 8525.80 split into 8525.89
    assert resolver.resolve("8803.30", "HS2017").chpl_tier == "3.B"  # -> 8807.30
    assert resolver.resolve("854890", "HS2017").chpl_tier == "2"  # -> 8548.00


@pytest.mark.parametrize(
    ("code", "categories"),
    [
        ("8806210000", {"uav"}),
        ("3912.20", {"energetic_materials"}),
        ("281820", {"aluminum_oxide"}),
        ("9303300000", {"firearms"}),
        ("8411110000", {"engines"}),
        ("690912", {"technical_ceramics"}),
        ("9013100000", {"night_vision_sights", "chpl_3b"}),
        ("8456110000", {"machine_tools"}),
        ("6211430000", set()),
    ],
)
def test_code_categories(catalogue: Catalogue, code: str, categories: set[str]) -> None:
    assert set(CodeResolver(catalogue).resolve(code).categories) == categories


def test_hs4_flows_are_members_or_partly_members(catalogue: Catalogue) -> None:
    resolver = CodeResolver(catalogue)
    ics = resolver.resolve("8542")
    assert "semiconductors" in ics.categories and "chpl_1" in ics.partial_categories
    assert resolver.resolve("8542").chpl_tier is None


def test_national_codes_in_a_user_category_match_the_code_as_declared(tmp_path: Path) -> None:
    mine = tmp_path / "national.yaml"
    mine.write_text(
        "categories:\n  - id: gnss_receivers\n    label: GNSS receivers (EU CN 8526 91 20)\n"
        "    risk: high\n    codes: ['85269120']\n",
        encoding="utf-8",
    )
    resolver = CodeResolver(load_catalogue(mine))
    assert "gnss_receivers" in resolver.resolve("8526 91 20 00").categories
    assert "gnss_receivers" not in resolver.resolve("8526918000").categories


def test_not_a_code(catalogue: Catalogue) -> None:
    info = CodeResolver(catalogue).resolve("N/A")
    assert info.code is None and info.categories == {} and info.chpl_tier is None
    assert {e.hs6 for e in chpl_entries()}  # the reference is there
