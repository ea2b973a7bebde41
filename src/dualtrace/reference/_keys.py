"""The alias key: one normalisation shared by Python and the warehouse's SQL.

The ingest layer joins raw country names on ``ref_country_aliases.alias`` in SQL with exactly
``upper(trim(regexp_replace(x, '\\s+', ' ', 'g')))``. ``alias_key`` reproduces that expression
character for character, so a key computed here always equals the key DuckDB computes.
"""

from __future__ import annotations

import re
import unicodedata

# The SQL text of the key. Kept here so install.py and tests use the same string.
SQL_ALIAS_KEY = "upper(trim(regexp_replace({x}, '\\s+', ' ', 'g')))"

# DuckDB's regexp is RE2, whose \s is ASCII only: tab, newline, form feed, carriage return,
# space (not \v, not NBSP). Python's \s is wider, so it is spelled out.
_RE2_SPACES = re.compile(r"[\t\n\f\r ]+")


def _duckdb_trim_char(char: str) -> bool:
    # DuckDB trim() removes Unicode space separators (category Zs) and nothing else: not tabs.
    return unicodedata.category(char) == "Zs"


def _duckdb_upper_char(char: str) -> str:
    # DuckDB upper() maps each character to one character (Unicode simple case mapping).
    # Python's full mapping can expand ("ß" -> "SS"); fall back to the one-character
    # titlecase where Python has it ("ᾀ" -> "ᾈ"), to "ẞ" for "ß", else keep the character.
    upper = char.upper()
    if len(upper) == 1:
        return upper
    title = char.title()
    if len(title) == 1:
        return title
    return "\u1e9e" if char == "\u00df" else char


def alias_key(text: str) -> str:
    """Collapse ASCII whitespace runs to one space, trim space separators, uppercase.

    Equals DuckDB's ``upper(trim(regexp_replace(text, '\\s+', ' ', 'g')))`` for any text.
    """
    collapsed = _RE2_SPACES.sub(" ", text)
    start, end = 0, len(collapsed)
    while start < end and _duckdb_trim_char(collapsed[start]):
        start += 1
    while end > start and _duckdb_trim_char(collapsed[end - 1]):
        end -= 1
    return "".join(_duckdb_upper_char(char) for char in collapsed[start:end])
