"""The Common High Priority List against the published list and the official correlation."""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache

import pytest

from dualtrace.reference import TIERS, CorrelationTable, chpl_entries, chpl_matches, tier, tier_of
from dualtrace.reference.correlation import builtin_table
from dualtrace.reference.hs import is_known
from tests.conftest import shared_file


def _read(relative: str) -> list[dict[str, str]]:
    with shared_file(relative).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _official() -> CorrelationTable:
    return builtin_table().with_official(shared_file("reference/HS2022_HS2017_correlation.csv"))


def _hs2017_rows() -> list[dict[str, str]]:
    return _read("reference/chpl_hs2022_to_hs2017_official_correlation.csv")


def test_codes_and_tiers_are_the_published_list() -> None:
    published = {row["hs6"]: row["tier"] for row in _read("reference/chpl_hs6_2024-02-23.csv")}
    ours = {entry.hs6: entry.tier for entry in chpl_entries()}
    assert ours == published
    assert len(ours) == 50
    assert {entry.tier for entry in chpl_entries()} == set(TIERS)
    assert all(is_known(code) for code in ours)
    assert all(entry.description for entry in chpl_entries())


def test_tier_of_listed_codes_in_every_written_form() -> None:
    for entry in chpl_entries():
        code = entry.hs6
        forms = [
            code,
            f"{code[:4]}.{code[4:]}",
            f"{code[:4]}.{code[4:]}.0000",
            code + "00",
            code + "9090",
        ]
        assert {form: tier_of(form) for form in forms} == dict.fromkeys(forms, entry.tier)
        assert tier(code) == entry.tier


def test_every_hs2017_code_of_the_official_correlation_has_a_tier() -> None:
    tiers: dict[str, set[str]] = defaultdict(set)
    direct: dict[str, str] = {}
    for row in _hs2017_rows():
        tiers[row["hs2017"]].add(row["tier"])
        if row["relationship"] != "n:n":
            direct[row["hs2017"]] = row["tier"]
    assert len(tiers) > 500
    found = {code: tier_of(code, "HS2017", table=_official()) for code in tiers}
    assert {code for code, got in found.items() if got not in tiers[code]} == set()
    # A code mapped directly onto a CHPL code gets that code's tier, not an n:n group's.
    assert {code: found[code] for code in direct} == direct
    # National codes and dotted forms of HS2017 codes too.
    for code, expected in direct.items():
        assert tier_of(f"{code[:4]}.{code[4:]}.10.00", "HS2017", table=_official()) == expected


def test_builtin_table_resolves_the_directly_mapped_hs2017_codes() -> None:
    # Without the official table, 48 of the 534 HS2017 codes in the official correlation
    # resolve: those mapped directly (1:1 or n:1) onto a CHPL code, and 8529.90, a CHPL code
    # whose number HS2022 kept (identity). The other 486 reach the CHPL only through n:n
    # groups (483 codes are grouped with 8529.90) and need the official table.
    rows = _hs2017_rows()
    codes = {row["hs2017"] for row in rows}
    expected = {row["hs2017"]: row["tier"] for row in rows if row["relationship"] != "n:n"}
    expected |= {code: listed for code in codes if (listed := tier(code))}
    resolved = {code: found for code in codes if (found := tier_of(code, "HS2017"))}
    assert resolved == expected
    assert (len(resolved), len(codes)) == (48, 534)


def test_changed_chpl_codes_resolve_from_their_hs2017_codes() -> None:
    assert tier_of("8525.80", "HS2017") == tier("852589") == "3.A"  # cameras
    assert tier_of("85414000", "HS2017") == tier("854149") == "3.A"
    assert tier_of("8548.90", "HS2017") == tier("854800") == "2"
    assert tier_of("880330", "HS2017") == tier("880730") == "3.B"  # aircraft parts


def test_matches_put_direct_links_first() -> None:
    found = chpl_matches("903020", "HS2017", table=_official())
    assert found[0].hs6 == "903020" and found[0].direct
    assert any(not match.direct for match in found)  # n:n links to 8529.90 and 8541.51/59
    assert tier_of("903020", "HS2017", table=_official()) == "4.A"


@pytest.mark.parametrize("code", ["", "TOTAL", "8542", "85", "847130", "852580"])
def test_not_chpl(code: str) -> None:
    # Headings are too coarse to say; 8471.30 is not listed; 8525.80 is not an HS2022 code.
    assert tier_of(code) is None
    assert chpl_matches(code) == []
