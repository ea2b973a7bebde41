"""alias_key must equal the SQL the ingest layer joins on, for every character."""

from __future__ import annotations

import re
import string

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrace.reference import alias_key
from dualtrace.reference._keys import SQL_ALIAS_KEY
from dualtrace.reference.countries import alias_sources

SQL = SQL_ALIAS_KEY.format(x="t")

# Latin, Greek, Cyrillic, Armenian, CJK, and every kind of space and line break.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x01, max_codepoint=0x5FF),
        st.characters(min_codepoint=0x1E00, max_codepoint=0x206F),
        st.characters(min_codepoint=0x3000, max_codepoint=0x30FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.sampled_from(" \t\n\r\f\v\u00a0\u2003\u3000\u1680\u0085\u2028"),
    ),
    max_size=30,
)


def _sql_keys(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[str]:
    rows = con.execute(
        f"SELECT i, {SQL} FROM unnest(?) WITH ORDINALITY AS u(t, i) ORDER BY i", [texts]
    ).fetchall()
    return [row[1] for row in rows]


def test_matches_duckdb_on_every_single_character(memory_db: duckdb.DuckDBPyConnection) -> None:
    chars = [chr(code) for code in range(1, 0x10000) if not 0xD800 <= code < 0xE000]
    # Each character alone (trim applies) and between letters (only case mapping applies).
    texts = chars + [f"a{char}b" for char in chars]
    mismatched = [
        text for text, key in zip(texts, _sql_keys(memory_db, texts), strict=True) if alias_key(text) != key
    ]
    assert mismatched == []


def test_matches_duckdb_on_every_alias(memory_db: duckdb.DuckDBPyConnection) -> None:
    texts = sorted({text for text, _, _ in alias_sources()})
    assert len(texts) > 5000
    assert [alias_key(text) for text in texts] == _sql_keys(memory_db, texts)


def test_known_differences_between_python_upper_and_sql_are_handled() -> None:
    # str.upper() would give "STRASSE" and strip tabs; DuckDB keeps one character per
    # character and trims only space separators.
    assert alias_key("straße") == "STRAẞE"
    assert alias_key("\tx\t") == "X"  # regexp turns the tabs into spaces first
    assert alias_key("\u00a0Russia\u00a0") == "RUSSIA"
    assert alias_key("a\u00a0b") == "A\u00a0B"  # not \s for RE2: kept inside
    assert alias_key("Россия") == "РОССИЯ"
    assert alias_key(" 俄罗斯 ") == "俄罗斯"


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=40))
def test_same_as_duckdb_on_random_text(memory_db: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    assert _sql_keys(memory_db, texts) == [alias_key(text) for text in texts]


@given(TEXT)
def test_idempotent(text: str) -> None:
    assert alias_key(alias_key(text)) == alias_key(text)


@given(TEXT, st.sampled_from([" ", "  ", "\t", "\n ", " \r\n"]))
def test_runs_of_ascii_whitespace_count_as_one_space(text: str, space: str) -> None:
    words = re.split(r"[\t\n\f\r ]+", text)
    assert alias_key(space.join(words)) == alias_key(" ".join(words))


LETTERS = string.ascii_letters + "".join(map(chr, range(0x410, 0x450))) + "Ёё"


@given(st.text(alphabet=LETTERS + " ", max_size=20))
def test_latin_and_cyrillic_case_does_not_matter(text: str) -> None:
    assert alias_key(text.lower()) == alias_key(text.upper()) == alias_key(text)
