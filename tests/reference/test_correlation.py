"""HS version correlation: official files, the authored table (verified against them), identity."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from dualtrace.errors import InputError
from dualtrace.reference import (
    HS_VERSIONS,
    CorrelationRow,
    CorrelationTable,
    hs_version_for_period,
    load_official,
    to_version,
)
from dualtrace.reference.correlation import (
    AUTHORED_SOURCE,
    IDENTITY_SOURCE,
    authored_rows,
    builtin_table,
    new_in_hs2022,
)
from dualtrace.reference.hs import is_known
from tests.conftest import shared_file

PAIR_FILE = "reference/HS2022_HS2017_correlation.csv"
CONSOLIDATED_FILE = "reference/HS_consolidated_comtrade_concordances.csv"


@cache
def _official_rows() -> tuple[CorrelationRow, ...]:
    return tuple(load_official(shared_file(PAIR_FILE)))


@cache
def _official_table() -> CorrelationTable:
    table = CorrelationTable()
    table.add(_official_rows(), complete=True)
    return table


def _by_side(rows: tuple[CorrelationRow, ...]) -> tuple[dict[str, set[tuple[str, str]]], ...]:
    """(HS2022 code -> {(HS2017 code, rel)}, HS2017 code -> {(HS2022 code, rel)})."""
    newer: dict[str, set[tuple[str, str]]] = defaultdict(set)
    older: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        newer[row.from_code].add((row.to_code, row.relationship))
        older[row.to_code].add((row.from_code, row.relationship))
    return newer, older


def test_pair_file_layout() -> None:
    rows = _official_rows()
    assert len(rows) == 15657
    assert {(row.from_version, row.to_version, row.source) for row in rows} == {
        ("HS2022", "HS2017", "HS2022_HS2017_correlation.csv")
    }
    assert all(len(row.from_code) == len(row.to_code) == 6 for row in rows)


def test_consolidated_file_keeps_leading_zeros_and_skips_sitc() -> None:
    path = shared_file(CONSOLIDATED_FILE)
    raw_short = sum(1 for line in path.read_text().splitlines()[1:] if len(line.split(",")[0]) == 5)
    assert raw_short > 1000  # the file really lost leading zeros
    rows = load_official(path)
    assert {row.from_version for row in rows} | {row.to_version for row in rows} <= set(HS_VERSIONS)
    assert all(code.isdigit() and len(code) == 6 for r in rows for code in (r.from_code, r.to_code))
    # Its 2022 -> 2017 part is the pair file, row for row, once the zeros are restored.
    recent = {
        (r.from_code, r.to_code, r.relationship)
        for r in rows
        if (r.from_version, r.to_version) == ("HS2022", "HS2017")
    }
    assert recent == {(r.from_code, r.to_code, r.relationship) for r in _official_rows()}
    assert {(r.from_version, r.to_version) for r in rows} == {
        (newer, older) for older, newer in pairwise(HS_VERSIONS)
    }


def test_unknown_layout_and_bad_rows_are_input_errors(tmp_path: Path) -> None:
    bad_header = tmp_path / "x.csv"
    bad_header.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError, match="not a known correlation layout"):
        load_official(bad_header)
    bad_code = tmp_path / "y.csv"
    bad_code.write_text("hs2022,hs2017,relationship\n010121,010121,1:1\n01x121,010121,1:1\n")
    with pytest.raises(InputError, match=r"y\.csv line 3"):
        load_official(bad_code)
    bad_relationship = tmp_path / "z.csv"
    bad_relationship.write_text("hs2022,hs2017,relationship\n010121,010121,many\n")
    with pytest.raises(InputError, match="relationship"):
        load_official(bad_relationship)
    with pytest.raises(InputError, match="cannot read"):
        load_official(tmp_path / "missing.csv")


def test_every_authored_row_is_in_the_official_table() -> None:
    official = {(r.from_code, r.to_code, r.relationship) for r in _official_rows()}
    authored = authored_rows()
    assert len(authored) > 100
    assert {(row.from_version, row.to_version) for row in authored} == {("HS2022", "HS2017")}
    missing = [row for row in authored if (row.from_code, row.to_code, row.relationship) not in official]
    assert missing == []


def test_authored_table_is_complete_for_the_codes_it_names() -> None:
    # For each code it mentions, the authored table has every official link that is not merely
    # an n:n group link, on both sides, so the built-in answer is never a partial direct map.
    official_newer, official_older = _by_side(_official_rows())
    authored_newer, authored_older = _by_side(authored_rows())
    for authored, official in ((authored_newer, official_newer), (authored_older, official_older)):
        for code, links in authored.items():
            direct = {link for link in official[code] if link[1] != "n:n"}
            assert direct <= links, code
    # A code the table names on one side that also exists on the other side is named there too.
    for code in authored_newer:
        assert code not in official_older or code in authored_older, code
    for code in authored_older:
        assert code not in official_newer or code in authored_newer, code


def test_codes_listed_as_new_in_hs2022_are_new() -> None:
    _, official_older = _by_side(_official_rows())
    new = new_in_hs2022()
    assert new
    assert all(is_known(code) for code in new)
    assert sorted(code for code in new if code in official_older) == []


def test_builtin_maps_watched_codes_exactly_as_the_official_table() -> None:
    official = _official_table()
    builtin = builtin_table()
    checked = 0
    for row in authored_rows():
        for code, source, target in (
            (row.to_code, "HS2017", "HS2022"),
            (row.from_code, "HS2022", "HS2017"),
        ):
            ours = {item.code for item in builtin.to_version(code, source, target)}
            theirs = {item.code for item in official.to_version(code, source, target)}
            direct = {
                item.code for item in official.to_version(code, source, target) if item.relationship != "n:n"
            }
            assert direct <= ours <= theirs, (code, source)
            checked += 1
    assert checked == 2 * len(authored_rows())


def test_builtin_identity_is_almost_always_right_from_hs2017() -> None:
    # Identity is an assumption; measure it against the official table. HS2017 -> HS2022 it
    # never claims a wrong code except for the two codes HS2022 reused with another meaning.
    official = _official_table()
    builtin = builtin_table()
    hs2017_codes = sorted({row.to_code for row in _official_rows()})
    wrong = []
    for code in hs2017_codes:
        ours = {item.code for item in builtin.to_version(code, "HS2017", "HS2022")}
        theirs = {item.code for item in official.to_version(code, "HS2017", "HS2022")}
        if not ours <= theirs:
            wrong.append(code)
    assert len(hs2017_codes) > 5000
    assert len(wrong) <= 2, wrong


def test_builtin_identity_back_to_hs2017_errs_only_outside_the_watched_goods() -> None:
    # HS2022 -> HS2017 the built-in table cannot know every code HS2022 created; those outside
    # the watched goods are mapped to themselves. No error touches a watched code; the counts
    # are the ones the module docstring gives (new codes, plus the two reused numbers).
    official = _official_table()
    builtin = builtin_table()
    _, official_older = _by_side(_official_rows())
    watched = {row.from_code for row in authored_rows()} | new_in_hs2022()
    wrong = []
    for code in sorted({row.from_code for row in _official_rows()}):
        ours = {item.code for item in builtin.to_version(code, "HS2022", "HS2017")}
        theirs = {item.code for item in official.to_version(code, "HS2022", "HS2017")}
        if not ours <= theirs:
            wrong.append(code)
    reused = [code for code in wrong if code in official_older]
    assert not set(wrong) & watched
    assert len(wrong) <= 280
    assert len(reused) <= 2


def test_relationships_read_from_to() -> None:
    split = to_version("852580", "HS2017", "HS2022")
    assert {item.code: item.relationship for item in split if item.code.startswith("8525")} == {
        "852581": "1:n",
        "852582": "1:n",
        "852583": "1:n",
        "852589": "1:n",
    }
    assert all(item.source == AUTHORED_SOURCE for item in split)
    merged = to_version("852583", "HS2022", "HS2017")
    assert [(item.code, item.relationship) for item in merged] == [("852580", "n:1")]


def test_unmanned_aircraft_come_from_aircraft_and_camera_codes() -> None:
    sources = {item.code for item in to_version("8806.22", "HS2022", "HS2017")}
    assert sources == {"852580", "880211", "880220"}
    drones = {item.code for item in to_version("88022000", "HS2017", "HS2022")}
    assert {"880220", "880622", "880692"} <= drones


def test_identity_for_unchanged_codes_and_nothing_for_unknown_ones() -> None:
    assert to_version("847150", "HS2017", "HS2022") == to_version("847150", "HS2022", "HS2017")
    [same] = to_version("8471.50.00", "HS2017", "HS2022")
    assert (same.code, same.relationship, same.source) == ("847150", "1:1", IDENTITY_SOURCE)
    assert to_version("854151", "HS2022", "HS2017") == []  # new in 2022, many sources
    assert to_version("852589", "HS2017", "HS2022") == []  # not an HS2017 code
    assert to_version("999998", "HS2017", "HS2022") == []
    assert to_version("8471", "HS2017", "HS2022") == []  # headings are not correlated
    with pytest.raises(InputError, match="unknown HS edition"):
        to_version("847150", "HS2015", "HS2022")


def test_official_table_chains_editions() -> None:
    table = builtin_table().with_official(shared_file(CONSOLIDATED_FILE))
    assert table.is_complete("HS2012", "HS2017") and table.is_complete("HS2017", "HS2012")
    assert not builtin_table().is_complete("HS2017", "HS2022")
    parts = table.to_version("880330", "HS2012", "HS2022")
    assert ("880730", "1:n") in {(item.code, item.relationship) for item in parts}
    back = table.to_version("880730", "HS2022", "HS2012")
    assert {item.code for item in back} == {"880330"}
    # Official rows replace the authored copy of the same link, naming their file.
    [camera] = [item for item in table.to_version("852580", "HS2017", "HS2022") if item.code == "852583"]
    assert camera.source == "HS_consolidated_comtrade_concordances.csv"


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(1988, 1, 1), "HS1992"),
        (date(1995, 12, 31), "HS1992"),
        (date(2012, 1, 1), "HS2012"),
        (date(2016, 12, 31), "HS2012"),
        (date(2017, 1, 1), "HS2017"),
        (date(2021, 12, 31), "HS2017"),
        (date(2022, 1, 1), "HS2022"),
        (date(2026, 6, 1), "HS2022"),
        (date(2027, 12, 31), "HS2022"),
        (date(2028, 1, 1), "HS2028"),
    ],
)
def test_hs_version_for_period(day: date, version: str) -> None:
    assert hs_version_for_period(day) == version


def test_no_hs_before_1988() -> None:
    with pytest.raises(InputError, match="1988"):
        hs_version_for_period(date(1987, 12, 31))
