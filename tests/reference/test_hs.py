"""HS nomenclature and code cleaning, checked against the real HS2022 and Eurostat files."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualtrace.reference import clean_code, describe, hs6_of, nomenclature
from tests.conftest import shared_file


def test_nomenclature_is_the_published_hs2022() -> None:
    path = shared_file("reference/harmonized-system_HS2022.csv")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        published = {
            row["hscode"]: (
                int(row["level"]),
                None if row["parent"] == "TOTAL" else row["parent"],
                row["description"].strip(),
                row["section"] if row["section"] != "TOTAL" else None,
            )
            for row in csv.DictReader(handle)
            if row["hscode"].isdigit()
        }
    ours = {e.code: (e.level, e.parent, e.description, e.section) for e in nomenclature()}
    assert ours == published
    assert len(ours) == 6939


def test_nomenclature_is_a_tree() -> None:
    entries = {entry.code: entry for entry in nomenclature()}
    for entry in entries.values():
        assert len(entry.code) == entry.level
        if entry.level == 2:
            assert entry.parent is None
        else:
            assert entry.parent == entry.code[: entry.level - 2]
            assert entry.parent in entries


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8542.31.0000", "8542310000"),
        ("8542 31 00 00", "8542310000"),
        ("8471-50", "847150"),
        (" 847150 ", "847150"),
        ("10121", "010121"),  # a spreadsheet dropped the leading zero
        ("1012100", "01012100"),
        ("1", "01"),
        ("Food preparations, n.e.s. [2106]", "2106"),
        ("Motor vehicles for the transport of >= 10 persons, incl. driver [8702]", "8702"),
        ("TOTAL", None),
        ("", None),
        ("  ", None),
        ("00", None),
        ("0000", None),
        ("12345678901", None),  # 11 digits: not a tariff code
        ("84a71", None),
        ("8471/50", None),
    ],
)
def test_clean_code(raw: str, expected: str | None) -> None:
    assert clean_code(raw) == expected


def test_clean_code_on_real_eurostat_codes() -> None:
    # CN8 codes, HS4 headings as text labels, and two codes that lost their leading zero.
    big = shared_file("trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz")
    codes_input = shared_file("trade/eurostat/eu_reg833_export_sanctioned_codes_input.csv")
    con = duckdb.connect()
    try:
        products = [
            row[0]
            for row in con.execute(
                "SELECT DISTINCT cn8 FROM read_csv(?, all_varchar = true)", [str(big)]
            ).fetchall()
        ]
        listed = [
            row[0]
            for row in con.execute(
                "SELECT code FROM read_csv(?, all_varchar = true)", [str(codes_input)]
            ).fetchall()
        ]
    finally:
        con.close()
    labels = [product for product in products if not product.isdigit()]
    assert len(labels) > 100
    for label in labels:
        code = clean_code(label)
        assert code is not None and len(code) == 4, label
        assert label.endswith(f"[{code}]") or label.endswith(f"[{int(code)}]")
    for product in products:
        code = clean_code(product)
        assert code is not None and describe(code) is not None, product
    odd = [code for code in listed if len(code) % 2]
    assert odd, "the Reg 833 code list has codes that lost a leading zero"
    assert all(clean_code(code) == "0" + code for code in odd)


def test_describe_national_code_through_its_hs6() -> None:
    info = describe("8542.31.0000")
    assert info is not None
    assert (info.code, info.hs6, info.level, info.matched) == ("8542310000", "854231", 10, "854231")
    assert [entry.code for entry in info.chain] == ["85", "8542", "854231"]
    assert info.description.startswith("Electronic integrated circuits; processors")
    assert info.chain[0].description.startswith("Electrical machinery and equipment")
    assert info.chain[1].description == "Electronic integrated circuits"
    assert (info.section, info.exact) == ("XVI", False)


def test_describe_falls_back_to_the_heading_for_codes_hs2022_does_not_have() -> None:
    info = describe("852580")  # an HS2017 subheading, split in HS2022
    assert info is not None
    assert (info.matched, info.hs6, info.exact) == ("8525", "852580", False)


def test_describe_unknown_and_invalid() -> None:
    assert describe("7700") is None  # chapter 77 is reserved
    assert describe("TOTAL") is None
    info = describe("8471")
    assert info is not None and info.exact and info.hs6 is None


def test_chpl_descriptions_match_the_published_list() -> None:
    path = shared_file("reference/chpl_hs6_2024-02-23.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            info = describe(row["hs6_dotted"])
            assert info is not None and info.exact
            assert info.description == row["hs2022_description"].strip()


def test_hs6_of() -> None:
    assert hs6_of("8542.31.0000") == "854231"
    assert hs6_of("8542") is None
    assert hs6_of("n/a") is None


CODE_TEXT = st.text(alphabet="0123456789 .-", max_size=14)


@given(st.one_of(st.text(max_size=20), CODE_TEXT))
def test_clean_code_returns_even_digit_strings_or_none(raw: str) -> None:
    code = clean_code(raw)
    if code is not None:
        assert code.isdigit() and code.isascii()
        assert len(code) % 2 == 0 and 2 <= len(code) <= 10
        assert not code.startswith("00")


@given(st.one_of(st.text(max_size=20), CODE_TEXT))
def test_clean_code_is_idempotent(raw: str) -> None:
    code = clean_code(raw)
    if code is not None:
        assert clean_code(code) == code


@given(st.from_regex(r"[1-9][0-9]{1,9}", fullmatch=True), st.sampled_from([".", " ", "-", ". "]))
def test_separators_between_digit_pairs_do_not_change_the_code(digits: str, sep: str) -> None:
    padded = digits if len(digits) % 2 == 0 else "0" + digits
    pairs = re.findall("..", padded)
    assert clean_code(sep.join(pairs)) == clean_code(digits) == padded


@given(st.from_regex(r"[0-9]{4}", fullmatch=True), st.text(max_size=30))
def test_bracketed_label_gives_its_code(code: str, label: str) -> None:
    expected = clean_code(code)
    assert clean_code(f"{label} [{code}]") == expected
