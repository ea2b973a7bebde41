"""Periods in English: "2023", "May 2022", "Jan-May 2022", "January to May 2022", "H1 2022",
"Q3 2023", "2022-05", "2021-2023" (years), and "a year before" / "year on year" (the base)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dualtrace.claims.model import Period

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:19|20)\d\d"
_SEP = r"\s*(?:-|–|to|through|until)\s*"
PATTERNS = [
    ("month_range", re.compile(rf"\b(?P<m1>{_MONTH}){_SEP}(?P<m2>{_MONTH})\s+(?P<y>{_YEAR})\b", re.I)),
    (
        "month_span",
        re.compile(rf"\b(?P<m1>{_MONTH})\s+(?P<y1>{_YEAR}){_SEP}(?P<m2>{_MONTH})\s+(?P<y2>{_YEAR})\b", re.I),
    ),
    ("half", re.compile(rf"\b(?:H(?P<h>[12])|(?P<hw>first|second) half(?: of)?)\s+(?P<y>{_YEAR})\b", re.I)),
    ("quarter", re.compile(rf"\bQ(?P<q>[1-4])\s+(?P<y>{_YEAR})\b", re.I)),
    ("month", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b", re.I)),
    ("iso_month", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])\b")),
    ("year", re.compile(rf"\b(?P<y>{_YEAR})\b")),
]
BASE_WORDS = re.compile(
    r"\b(a year (?:before|earlier|ago)|the year before|a year-earlier|year[- ]on[- ]year|y/y|yoy|"
    r"the same (?:period|months?) (?:of |in )?(?:the previous|last|a) year|from a year earlier)\b",
    re.I,
)


@dataclass(frozen=True)
class FoundPeriod:
    period: Period
    start: int
    end: int


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _make(kind: str, m: re.Match[str]) -> Period:
    label = m.group(0)
    if kind == "month_range":
        y = int(m["y"])
        return Period(date(y, _month(m["m1"]), 1), date(y, _month(m["m2"]), 1), label)
    if kind == "month_span":
        return Period(date(int(m["y1"]), _month(m["m1"]), 1), date(int(m["y2"]), _month(m["m2"]), 1), label)
    if kind == "half":
        y, first = int(m["y"]), (m["h"] == "1" or (m["hw"] or "").lower() == "first")
        return Period(date(y, 1 if first else 7, 1), date(y, 6 if first else 12, 1), label)
    if kind == "quarter":
        y, q = int(m["y"]), int(m["q"])
        return Period(date(y, 3 * q - 2, 1), date(y, 3 * q, 1), label)
    if kind in ("month", "iso_month"):
        month = _month(m["m"]) if kind == "month" else int(m["m"])
        return Period(date(int(m["y"]), month, 1), date(int(m["y"]), month, 1), label)
    y = int(m["y"])
    return Period(date(y, 1, 1), date(y, 12, 1), label)


def find_periods(text: str) -> list[FoundPeriod]:
    """Every period of a sentence in order; longer forms win over the years inside them."""
    found: list[FoundPeriod] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in found):
                continue
            found.append(FoundPeriod(_make(kind, m), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def year_range(text: str) -> tuple[int, int] | None:
    """ "2021-2023", "2021 to 2023", "between 2021 and 2023", "from 2021 to 2023": the two ends."""
    m = re.search(rf"\b(?:between\s+|from\s+)?(?P<a>{_YEAR})\s*(?:-|–|to|and)\s*(?P<b>{_YEAR})\b", text)
    return (int(m["a"]), int(m["b"])) if m else None


def says_year_before(text: str) -> bool:
    return BASE_WORDS.search(text) is not None
