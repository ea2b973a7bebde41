"""Filter, sort and page stored findings: the one place every face (API, web pages) asks.

Findings of different kinds keep their country and goods code under different metric names
(partner, reporter, country, hub...; code, hs_code, codes...), so the filters look at every
metric whose name says what it holds, and at the evidence rows' table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dualtrace.findings.model import SEVERITIES, Finding, severity_rank
from dualtrace.reference import resolve as resolve_country

SORTS = ("score", "severity", "kind", "subject", "period")
_COUNTRY_WORDS = ("country", "partner", "reporter", "hub", "origin", "destination", "via", "transit")
_CODE_WORDS = ("hs", "code", "cn8")


@dataclass(frozen=True)
class FindingFilter:
    kinds: Sequence[str] = ()
    min_severity: str | None = None
    country: str | None = None
    hs: str | None = None
    period_from: date | None = None
    period_to: date | None = None

    def check(self) -> FindingFilter:
        """The filter with its country resolved; ValueError names what cannot be used."""
        if self.min_severity is not None and self.min_severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.min_severity!r}; use one of {', '.join(SEVERITIES)}")
        if self.hs is not None and not self.hs.isdigit():
            raise ValueError(f"HS code {self.hs!r} must be digits (a chapter, heading or code prefix)")
        country = self.country
        if country:
            code = resolve_country(country)
            if code is None:
                raise ValueError(f"unknown country {country!r}; use an ISO code or a country name")
            country = code
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise ValueError(f"period from {self.period_from} is after period to {self.period_to}")
        return FindingFilter(
            self.kinds, self.min_severity, country, self.hs, self.period_from, self.period_to
        )


def _values(finding: Finding, words: tuple[str, ...]) -> Iterator[str]:
    sources: list[dict[str, Any]] = [finding.metrics, *finding.evidence.table[:200]]
    for record in sources:
        for key, value in record.items():
            if not any(w in key.lower() for w in words) or "currency" in key.lower():
                continue
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                if isinstance(item, str | int):
                    yield str(item)


def matches(finding: Finding, flt: FindingFilter) -> bool:
    if flt.kinds and finding.kind not in flt.kinds:
        return False
    if flt.min_severity and severity_rank(finding.severity) < severity_rank(flt.min_severity):
        return False
    if flt.country and not any(
        v.upper() == flt.country or resolve_country(v) == flt.country
        for v in _values(finding, _COUNTRY_WORDS)
    ):
        return False
    if flt.hs and not any(v.startswith(flt.hs) for v in _values(finding, _CODE_WORDS)):
        return False
    end = finding.period_end or finding.period_start
    if flt.period_from and (end is None or end < flt.period_from):
        return False
    start = finding.period_start or finding.period_end
    return not (flt.period_to and (start is None or start > flt.period_to))


def _sort_key(sort: str) -> Any:
    if sort == "score":
        return lambda f: f.score
    if sort == "severity":  # rank_key's order (descending by default)
        return lambda f: (severity_rank(f.severity), f.score)
    if sort == "period":
        return lambda f: f.period_start or date.min
    return lambda f: getattr(f, sort)


def select(
    findings: Sequence[Finding],
    flt: FindingFilter,
    *,
    sort: str = "score",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[Finding]]:
    """(how many match, the page of them in the asked order)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    checked = flt.check()
    found = [f for f in findings if matches(f, checked)]
    found.sort(key=_sort_key(sort), reverse=descending)
    return len(found), found[offset : offset + limit]
