"""Countries: codes, names and aliases, checked against the real trade files."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from dualtrace.reference import (
    alias_key,
    aliases,
    by_code,
    by_comtrade_code,
    countries,
    resolve,
)
from dualtrace.reference.countries import (
    TIER_ISO_NUMERIC,
    _StrictLoader,
    alias_conflicts,
    alias_overrides,
    name_variants,
)
from tests.conftest import shared_file

COMTRADE_LISTS = (
    "trade/comtrade/comtrade_legacy_reporterAreas.json",
    "trade/comtrade/comtrade_legacy_partnerAreas.json",
)


def _comtrade_entries() -> list[tuple[str, str]]:
    entries: list[tuple[str, str]] = []
    for name in COMTRADE_LISTS:
        data = json.loads(shared_file(name).read_text(encoding="utf-8"))
        entries += [(entry["id"], entry["text"]) for entry in data["results"]]
    return entries


def _csv_values(path: Path, columns: tuple[str, ...]) -> set[str]:
    # DuckDB's sniffer refuses some of these files; csv reads them all.
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return {row[column] for row in reader for column in columns if column in row}


def _trade_file_country_values() -> dict[str, set[str]]:
    """Every value of every country-name column in the real trade files, by file."""
    values: dict[str, set[str]] = {}
    totals = shared_file("trade/eurostat/totals")
    for path in sorted(totals.glob("*.csv")):
        values[path.name] = _csv_values(path, ("REPORTER", "PARTNER"))
    big = shared_file("trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz")
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT DISTINCT reporter, partner FROM read_csv(?, all_varchar = true)", [str(big)]
        ).fetchall()
    finally:
        con.close()
    values[big.name] = {value for row in rows for value in row}
    subset = shared_file("trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv")
    values[subset.name] = _csv_values(subset, ("reporter", "partner"))
    for path in sorted(shared_file("trade/china").glob("*.csv")):
        found = _csv_values(path, ("partner_name",))
        if found:
            values[path.name] = found
    values["comtrade lists"] = {text for _, text in _comtrade_entries()}
    return values


def test_every_country_value_in_the_real_trade_files_resolves() -> None:
    values = _trade_file_country_values()
    assert sum(len(found) for found in values.values()) > 600
    unresolved = {
        name: sorted(value for value in found if resolve(value) is None) for name, found in values.items()
    }
    assert {name: found for name, found in unresolved.items() if found} == {}


def test_trade_file_spellings_resolve_to_the_country_they_name() -> None:
    # The same country as spelled by Eurostat, Comtrade, national statistics and China customs.
    for expected, spellings in {
        "RUS": ["Russian Federation (Russia)", "Russian Federation", "Russia"],
        "BLR": ["Belarus (Belorussia)", "Belarus"],
        "KGZ": ["Kyrgyzstan", "Kyrgyz Republic"],
        "KOR": ["Rep. of Korea", "Republic of Korea", "South Korea", "Korea, Republic of"],
        "PRK": ["Korea (DPRK)", "Korea, DPR of", "Dem. People's Rep. of Korea"],
        "HKG": ["China, Hong Kong SAR", "Hong Kong", "SAR-Hong Kong"],
        "MAC": ["China, Macao SAR", "Macao", "Macau (Macau)"],
        "TWN": ["Other Asia, nes", "Taiwan", "490"],
        "USA": ["USA", "United States", "United States of America", "842"],
        "TUR": ["Türkiye", "Turkey"],
        "VNM": ["Viet Nam", "Vietnam"],
        "CZE": ["Czechia", "Czech Republic"],
        "IRN": ["Iran", "Iran, Islamic Republic of"],
        "BOL": ["Bolivia (Plurinational State of)", "Bolivia"],
        "NLD": ["Netherlands (the)", "Netherlands"],
        "DEU": ["Germany (incl. German Democratic Republic 'DD' from 1991)"],
        "BLM": ["Saint-Barth?lemy", "Saint Barthélemy"],
        "CIV": ["Côte d'Ivoire", "Côte d’Ivoire", "Cote d' Ivoire"],
        "BIH": ["Bosnia Herzegovina", "Босния и Герцеговина"],
        "W00": ["World", "0"],
        "EUR": ["EU-28", "European Union (EU)", "97"],
    }.items():
        assert {spelling: resolve(spelling) for spelling in spellings} == dict.fromkeys(spellings, expected)


def test_russian_and_chinese_names_resolve() -> None:
    for expected, names in {
        "RUS": ["Россия", "Российская Федерация", "俄罗斯"],
        "CHN": ["Китай", "中国"],
        "HKG": ["香港", "Гонконг"],
        "KAZ": ["Казахстан", "哈萨克斯坦"],
        "KGZ": ["Киргизия", "Кыргызстан", "吉尔吉斯斯坦"],
        "TWN": ["Тайвань", "台湾", "台灣"],
    }.items():
        assert {name: resolve(name) for name in names} == dict.fromkeys(names, expected)


def test_every_comtrade_entry_resolves_by_code_and_by_text_to_the_same_entry() -> None:
    entries = _comtrade_entries()
    assert len(entries) > 500
    disagreements = []
    for code, text in entries:
        by_number = by_comtrade_code(code)
        if by_number is None or resolve(text) != by_number.iso3 or resolve(code) != by_number.iso3:
            disagreements.append((code, text, by_number and by_number.iso3, resolve(text)))
    assert disagreements == []


def test_comtrade_codes_are_exactly_those_comtrade_uses() -> None:
    # Every code we give is in Comtrade's lists (legacy, or the Comtrade+ API file) and every
    # code there is ours: this checks the hand-written differences from ISO (842 USA, 251
    # France, 579 Norway, 757 Switzerland...).
    ours = Counter(code for country in countries() for code in country.comtrade_codes)
    assert [code for code, count in ours.items() if count > 1] == []
    legacy = {int(code) for code, _ in _comtrade_entries()}
    api = shared_file("trade/comtrade/comtradeplus_api_CHN_8542_annual_2010-2021.csv")
    comtrade_plus = {int(code) for code in _csv_values(api, ("partner2Code",))}
    assert legacy <= set(ours)
    assert set(ours) - legacy <= comtrade_plus


@pytest.mark.parametrize(
    ("code", "iso3", "iso_numeric"),
    [
        (842, "USA", "840"),
        (251, "FRA", "250"),
        (381, "ITA", "380"),  # legacy lists; Comtrade+ uses 380
        (579, "NOR", "578"),
        (757, "CHE", "756"),
        (699, "IND", "356"),
        (490, "TWN", "158"),
    ],
)
def test_comtrade_codes_that_differ_from_iso(code: int, iso3: str, iso_numeric: str) -> None:
    country = by_comtrade_code(code)
    assert country is not None
    assert (country.iso3, country.iso_numeric) == (iso3, iso_numeric)
    assert code in country.comtrade_codes
    assert resolve(iso_numeric) == resolve(str(code)) == iso3


def test_comtrade_plus_api_file_codes_resolve() -> None:
    path = shared_file("trade/comtrade/comtradeplus_api_CHN_8542_annual_2010-2021.csv")
    codes = _csv_values(path, ("reporterCode", "partnerCode", "partner2Code"))
    assert len(codes) > 50
    assert sorted(code for code in codes if by_comtrade_code(code) is None) == []


def test_no_alias_means_two_things() -> None:
    assert alias_conflicts() == {}


def test_only_comtrade_492_overrides_another_meaning() -> None:
    # Comtrade's 492 "Europe EU, nes" shadows ISO's 492 (Monaco, which Comtrade counts in
    # France): numbers in trade files are Comtrade's. Monaco stays reachable by code and name.
    overrides = alias_overrides()
    assert set(overrides) == {"492"}
    assert overrides["492"][TIER_ISO_NUMERIC] == {"MCO"}
    assert resolve("492") == "X492"
    assert resolve("MC") == resolve("MCO") == resolve("Monaco") == "MCO"


def test_codes_are_unique_and_well_formed() -> None:
    rows = countries()
    for field in ("iso3", "iso2", "iso_numeric"):
        values = [getattr(row, field) for row in rows if getattr(row, field) is not None]
        assert len(values) == len(set(values)), field
    assert all(row.iso_numeric is None or len(row.iso_numeric) == 3 for row in rows)
    assert {row.kind for row in rows} == {"country", "historic", "area"}
    assert all(row.is_area == (row.kind == "area") for row in rows)


def test_every_entry_resolves_from_its_own_codes_and_names() -> None:
    wrong = []
    for country in countries():
        texts = [country.iso3, country.iso2, country.name_en, country.name_ru, country.name_zh]
        texts += [str(code) for code in country.comtrade_codes]
        for text in texts:
            if text is not None and resolve(text) != country.iso3:
                wrong.append((country.iso3, text, resolve(text)))
    assert wrong == []


def test_countries_have_russian_and_chinese_names() -> None:
    missing = [c.iso3 for c in countries() if c.kind == "country" and not (c.name_ru and c.name_zh)]
    assert missing == []
    russia = by_code("RUS")
    assert russia is not None
    assert (russia.name_ru, russia.name_zh) == ("Российская Федерация", "俄罗斯")


def test_iso_numeric_with_and_without_leading_zeros() -> None:
    assert resolve("004") == resolve("4") == resolve(4) == "AFG"
    assert resolve(" ru ") == resolve("RUS") == resolve("643") == "RUS"


def test_unknown_text_resolves_to_none() -> None:
    assert resolve("Atlantis") is None
    assert resolve("") is None
    assert resolve(None) is None
    assert resolve("Korea") is None  # two countries: no guess
    assert by_comtrade_code("not a number") is None
    assert by_comtrade_code(12345) is None


def test_alias_map_keys_are_alias_keys() -> None:
    table = aliases()
    assert all(alias_key(key) == key for key in table)
    assert set(table.values()) <= {country.iso3 for country in countries()}


def test_name_variants_cover_the_ways_statistics_reorder_names() -> None:
    variants = name_variants("Korea, Republic of")
    assert {"Republic of Korea", "Korea (Republic of)", "Rep. of Korea"} <= variants
    assert "Korea" not in variants
    assert "British Virgin Islands" in name_variants("Virgin Islands, British")
    assert "Falkland Islands" in name_variants("Falkland Islands (Malvinas)")
    assert "Saint-Barth?lemy" in name_variants("Saint Barthélemy")


def test_reference_yaml_refuses_duplicate_keys() -> None:
    with pytest.raises(ValueError, match="duplicate keys"):
        yaml.load("a: [1]\nb: [2]\na: [3]\n", Loader=_StrictLoader)
