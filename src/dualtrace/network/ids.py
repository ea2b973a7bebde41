"""Identifiers as party resolution uses them: one ``scheme:value`` string per id.

Strong schemes identify a company wherever they appear: INN, OGRN, USCC and LEI (recognised by
format and check digits, ``dualtrace.normalize.identifiers.scheme_of``), and the 7-character importer
and seller codes of Korean-style customs declarations (letters and digits mixed, e.g. ``QLRUBN9``).
Two records with the same strong id are one party; two different values of one strong scheme
mean two parties. Any other id (an HK company number, a registration number without check
digits) is weak: equal values support a merge, they never force one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dualtrace.normalize.identifiers import STRONG_SCHEMES, normalize_id, scheme_of

__all__ = ["STRONG", "clean_ids", "is_strong", "parse_ref"]

# Schemes that decide on their own (and that conflict when they differ).
STRONG = frozenset({"inn", "ogrn", "uscc", "lei", "kcs"})
_KCS = re.compile(r"(?=.*[A-Z])(?=.*\d)[A-Z0-9]{7}")
# Labels written before an id on declarations ("INN 7716935343", "ИНН: ...", "USCC ...").
_LABEL = re.compile(
    r"^\s*(?:инн|огрн|inn|ogrn|uscc|lei|tin|tax\s*id|reg(?:istration)?\s*(?:no|number)?|no)\b\.?:?\s*",
    re.IGNORECASE,
)


@lru_cache(maxsize=500_000)
def _one(raw: str, hint: str | None) -> str | None:
    text = _LABEL.sub("", raw.strip())
    value = normalize_id(text)
    if len(value) < 4:
        return None
    scheme = scheme_of(value, hint)
    if scheme in STRONG_SCHEMES or scheme in STRONG:
        return f"{scheme}:{value}"
    if _KCS.fullmatch(value):
        return f"kcs:{value}"
    return f"id:{value}"  # weak: which registry it comes from is rarely known


def clean_ids(raw: str | None, hint: str | None = None) -> list[str]:
    """The ids of one written value ("7716935343; 1027700132195" -> inn and ogrn)."""
    if not raw or not raw.strip():
        return []
    out: list[str] = []
    for part in re.split(r"[;,/|]", raw):
        if part.strip():
            one = _one(part, hint)
            if one and one not in out:
                out.append(one)
    return out


def is_strong(scheme_value: str) -> bool:
    return scheme_value.split(":", 1)[0] in STRONG


def parse_ref(scheme_value: str) -> tuple[str, str]:
    scheme, _, value = scheme_value.partition(":")
    return scheme, value
