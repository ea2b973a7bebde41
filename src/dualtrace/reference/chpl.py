"""The Common High Priority List (CHPL): 50 HS6 codes in priority tiers.

Published by the US BIS with the EU, UK and Japan (version of 2024-02-23) for items Russia uses in
its weapons: tier 1 integrated circuits, tier 2 other electronics, 3.A/3.B more electronics,
bearings and optics, 4.A/4.B manufacturing and machine tools. The codes are HS2022; ``tier_of``
also takes HS2017 codes, dotted codes and 8- or 10-digit national codes by way of the
correlation table.

How far the built-in correlation goes: the official UNSD HS2022/HS2017 table ties 534 HS2017
codes to CHPL codes. The built-in table resolves 48 of them: every one mapped directly (1:1,
n:1) and 8529.90, which kept its number. The other 486 are linked only through n:n groups
(483 through the group around 8529.90, which HS2022's new heading 8524 created) and resolve
once the official table is loaded (``install.load_correlation_file``, or
``builtin_table().with_official(path)``). Such group links are weak evidence: ``matches``
marks them ``direct=False`` and ``tier_of`` prefers a direct link when there is one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dualtrace.reference import hs
from dualtrace.reference.correlation import CorrelationTable, builtin_table

__all__ = [
    "CHPL_DATE",
    "CHPL_HS_VERSION",
    "TIERS",
    "ChplEntry",
    "ChplMatch",
    "entries",
    "matches",
    "tier",
    "tier_of",
]

CHPL_DATE = "2024-02-23"
CHPL_HS_VERSION = "HS2022"
# Highest priority first: when a code reaches several CHPL codes the first tier here is reported.
TIERS = ("1", "2", "3.A", "3.B", "4.A", "4.B")


@dataclass(frozen=True)
class ChplEntry:
    hs6: str
    tier: str
    description: str


@dataclass(frozen=True)
class ChplMatch:
    """A CHPL code reached from a code, with how (``from:to`` relationship, source table)."""

    hs6: str
    tier: str
    relationship: str
    source: str

    @property
    def direct(self) -> bool:
        """Not only an n:n group link: the code maps onto (part of) this CHPL code."""
        return self.relationship != "n:n"


@cache
def _entries() -> dict[str, ChplEntry]:
    text = resources.files(__package__).joinpath("data/chpl.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {row["hs6"]: ChplEntry(row["hs6"], row["tier"], row["description"]) for row in rows}


def entries() -> list[ChplEntry]:
    """The 50 CHPL codes, highest tier first, then by code."""
    return sorted(_entries().values(), key=lambda entry: (TIERS.index(entry.tier), entry.hs6))


def tier(hs6: str) -> str | None:
    """The tier of an HS2022 six-digit code, exactly as listed ("854231" -> "1")."""
    entry = _entries().get(hs6)
    return entry.tier if entry else None


def matches(
    code: str, hs_version: str = CHPL_HS_VERSION, *, table: CorrelationTable | None = None
) -> list[ChplMatch]:
    """CHPL codes that a code of any edition corresponds to, strongest link first.

    Direct links (1:1, 1:n, n:1) come before n:n group links, then by tier.
    """
    clean = hs.clean_code(code)
    if clean is None or len(clean) < 6:
        return []
    if hs_version == CHPL_HS_VERSION:
        found = [(clean[:6], "1:1", "chpl")]
    else:
        correspondences = (table or builtin_table()).to_version(clean, hs_version, CHPL_HS_VERSION)
        found = [(item.code, item.relationship, item.source) for item in correspondences]
    listed = _entries()
    result = [
        ChplMatch(target, listed[target].tier, relationship, source)
        for target, relationship, source in found
        if target in listed
    ]
    return sorted(result, key=lambda m: (not m.direct, TIERS.index(m.tier), m.hs6))


def tier_of(
    code: str, hs_version: str = CHPL_HS_VERSION, *, table: CorrelationTable | None = None
) -> str | None:
    """The CHPL tier of a code (any length, dotted or not) of the given HS edition, or None.

    A code that corresponds to several CHPL codes gets the tier of its strongest link (see
    ``matches``): an HS2017 code mapped directly onto a CHPL code keeps that code's tier even if
    an official n:n group also ties it to a higher tier.
    """
    found = matches(code, hs_version, table=table)
    return found[0].tier if found else None
