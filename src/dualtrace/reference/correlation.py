"""HS version correlation: which codes of one HS edition correspond to a code of another.

Trade data is reported in the HS edition in force at the time (HS2017 until 2021, HS2022 since),
so a watch list written in HS2022 must be carried back to HS2017 and vice versa.

Three sources, from most to least complete:

- the official UNSD correlation tables, read by ``load_official`` in their published layouts
  (``hs2022,hs2017,relationship`` and the consolidated ``code.after,code.before,Relationship,
  adjustment``); they are not shipped with dualtrace, ``install.load_correlation_file`` puts
  them in the warehouse;
- a small table written for dualtrace (``data/hs2022_hs2017_changes.csv``): the HS2017 -> HS2022
  changes for the CHPL and other watched dual-use goods (cameras, unmanned aircraft, aircraft
  parts, semiconductors, metal-forming machine tools, detonators, CWC precursors...); every row
  is checked against the official table by the tests;
- identity: a code outside that table is assumed unchanged when it exists in HS2022.
  Measured against the official table this is right, HS2017 -> HS2022, for all but 2 of
  5,387 codes (701919 and 911490, numbers HS2022 reused); HS2022 -> HS2017 it is wrong for
  280 of 5,613 codes, none of them watched: 278 codes HS2022 created and the same two
  reused numbers. Load the official table for anything beyond the watched goods.

Relationships are written ``from:to``: "1:n" means the one source code split into several.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

from dualtrace.errors import InputError
from dualtrace.reference import hs

__all__ = [
    "AUTHORED_SOURCE",
    "EDITION_START",
    "HS_VERSIONS",
    "IDENTITY_SOURCE",
    "CorrelationRow",
    "CorrelationTable",
    "Correspondence",
    "authored_rows",
    "builtin_table",
    "hs_version_for_period",
    "load_official",
    "new_in_hs2022",
    "to_version",
]

# Editions that correlation tables connect, oldest first. UN Comtrade's H0 is "HS1992".
HS_VERSIONS = ("HS1992", "HS1996", "HS2002", "HS2007", "HS2012", "HS2017", "HS2022")
RELATIONSHIPS = frozenset({"1:1", "1:n", "n:1", "n:n"})
AUTHORED_SOURCE = "dualtrace"
IDENTITY_SOURCE = "identity"

# First calendar year of each edition. The HS 2028 edition (WCO) follows HS2022 on 2028-01-01.
EDITION_START = (
    (1988, "HS1992"),
    (1996, "HS1996"),
    (2002, "HS2002"),
    (2007, "HS2007"),
    (2012, "HS2012"),
    (2017, "HS2017"),
    (2022, "HS2022"),
    (2028, "HS2028"),
)

_PAIR_HEADER = re.compile(r"^hs(\d{4})$")
_ADJUSTMENT = re.compile(r"^\s*(\d{4})\s+to\s+(\d{4})\s*$")
_HS_YEARS = {version[2:] for version in HS_VERSIONS}


@dataclass(frozen=True)
class CorrelationRow:
    """One correspondence between two editions, as stored in ``ref_hs_correlation``."""

    from_version: str
    from_code: str
    to_version: str
    to_code: str
    relationship: str
    source: str

    def reversed(self) -> CorrelationRow:
        return CorrelationRow(
            from_version=self.to_version,
            from_code=self.to_code,
            to_version=self.from_version,
            to_code=self.from_code,
            relationship=_flip(self.relationship),
            source=self.source,
        )


@dataclass(frozen=True)
class Correspondence:
    """A code of the target edition, how it relates (``from:to``) and what says so."""

    code: str
    relationship: str
    source: str


def _flip(relationship: str) -> str:
    left, right = relationship.split(":")
    return f"{right}:{left}"


def hs_version_for_period(period: date) -> str:
    """The HS edition in force on a date: HS2017 for 2017-2021, HS2022 for 2022-2027..."""
    version = None
    for first_year, name in EDITION_START:
        if period.year >= first_year:
            version = name
    if version is None:
        raise InputError(f"no HS edition was in force on {period.isoformat()} (HS began in 1988)")
    return version


# ---------------------------------------------------------------------------------------------
# Reading correlation files


def _hs6(raw: str, where: str) -> str:
    """A six-digit HS code; restores a leading zero lost by a spreadsheet ("10121")."""
    code = raw.strip()
    if code.isdigit() and len(code) == 5:
        code = "0" + code
    if not (code.isdigit() and len(code) == 6):
        raise InputError(f"{where}: {raw!r} is not a six-digit HS code")
    return code


def _relationship(raw: str, where: str) -> str:
    value = raw.strip().lower()
    if value not in RELATIONSHIPS:
        raise InputError(f"{where}: relationship {raw!r} is not one of 1:1, 1:n, n:1, n:n")
    return value


def _parse(text: str, source: str) -> Iterator[CorrelationRow]:
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lstrip("\ufeff").lower() for cell in next(reader, [])]
    first = _PAIR_HEADER.match(header[0]) if header else None
    second = _PAIR_HEADER.match(header[1]) if len(header) > 1 else None
    if first and second and len(header) >= 3 and header[2] == "relationship":
        # hs2022,hs2017,relationship: the relationship reads first column : second column.
        versions = (f"HS{first.group(1)}", f"HS{second.group(1)}")
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            where = f"{source} line {line}"
            yield CorrelationRow(
                versions[0],
                _hs6(cells[0], where),
                versions[1],
                _hs6(cells[1], where),
                _relationship(cells[2], where),
                source,
            )
        return
    if header[:4] == ["code.after", "code.before", "relationship", "adjustment"]:
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            where = f"{source} line {line}"
            adjustment = _ADJUSTMENT.match(cells[3])
            if adjustment is None:
                raise InputError(f"{where}: adjustment {cells[3]!r} is not like '2022 to 2017'")
            after, before = adjustment.groups()
            if after not in _HS_YEARS or before not in _HS_YEARS:
                continue  # an HS <-> SITC concordance ("1992 to 1988" is HS1992 to SITC Rev.3)
            yield CorrelationRow(
                f"HS{after}",
                _hs6(cells[0], where),
                f"HS{before}",
                _hs6(cells[1], where),
                _relationship(cells[2], where),
                source,
            )
        return
    raise InputError(
        f"{source}: not a known correlation layout (header {','.join(header)!r}); expected "
        "'hs2022,hs2017,relationship' or 'code.after,code.before,Relationship,adjustment'"
    )


def load_official(path: str | Path) -> list[CorrelationRow]:
    """Rows of an official UNSD correlation file, oriented newer -> older as published.

    HS <-> SITC rows of the consolidated Comtrade file are skipped. ``source`` is the file name.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read correlation file {file}: {exc.strerror}") from exc
    return list(_parse(text, file.name))


def _package_text(name: str) -> str:
    return resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")


@cache
def authored_rows() -> tuple[CorrelationRow, ...]:
    """The HS2022 -> HS2017 rows written for dualtrace (watched goods and the CHPL)."""
    rows = _parse(_package_text("hs2022_hs2017_changes.csv"), "authored")
    return tuple(replace(row, source=AUTHORED_SOURCE) for row in rows)


@cache
def new_in_hs2022() -> frozenset[str]:
    """Watched HS2022 codes that did not exist in HS2017 and have no single HS2017 source.

    Without the official table they map back to nothing rather than to themselves.
    """
    reader = csv.DictReader(io.StringIO(_package_text("hs2022_new_codes.csv")))
    return frozenset(row["hs2022"] for row in reader)


# ---------------------------------------------------------------------------------------------
# Looking codes up


class CorrelationTable:
    """Correspondences between editions, looked up in both directions.

    Version pairs loaded from an official table are *complete*: a code missing there does not
    exist in the source edition. Other pairs fall back to identity for codes the rows do not
    mention (see the module docstring).
    """

    def __init__(self, rows: Iterable[CorrelationRow] = ()) -> None:
        self._index: dict[tuple[str, str], dict[str, dict[str, Correspondence]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self._complete: set[tuple[str, str]] = set()
        self._rows: list[CorrelationRow] = []
        self.add(rows)

    def add(self, rows: Iterable[CorrelationRow], *, complete: bool = False) -> None:
        """Add rows (both directions are indexed). ``complete``: they are an official table."""
        for row in rows:
            self._rows.append(row)
            for oriented in (row, row.reversed()):
                targets = self._index[(oriented.from_version, oriented.to_version)]
                found = targets[oriented.from_code].get(oriented.to_code)
                if found is None or found.source == AUTHORED_SOURCE:
                    # An official row wins over the authored copy of it: it names the file.
                    targets[oriented.from_code][oriented.to_code] = Correspondence(
                        oriented.to_code, oriented.relationship, oriented.source
                    )
                if complete:
                    self._complete.add((oriented.from_version, oriented.to_version))

    def copy(self) -> CorrelationTable:
        table = CorrelationTable()
        for pair, targets in self._index.items():
            copied = {code: dict(found) for code, found in targets.items()}
            table._index[pair] = defaultdict(dict, copied)
        table._complete = set(self._complete)
        table._rows = list(self._rows)
        return table

    def with_official(self, path: str | Path) -> CorrelationTable:
        """A copy of this table plus an official correlation file."""
        table = self.copy()
        table.add(load_official(path), complete=True)
        return table

    def rows(self) -> list[CorrelationRow]:
        return list(self._rows)

    def is_complete(self, from_version: str, to_version: str) -> bool:
        return (from_version, to_version) in self._complete

    def _step(self, code: str, from_version: str, to_version: str) -> list[Correspondence]:
        pair = (from_version, to_version)
        targets = self._index.get(pair, {}).get(code)
        if targets:
            return sorted(targets.values(), key=lambda item: item.code)
        if pair in self._complete:
            return []
        # No row: assume the code is unchanged, unless we know better.
        if "HS2022" in pair and not hs.is_known(code):
            return []  # not an HS2022 subheading, so it changed: only a table can say how
        if pair == ("HS2022", "HS2017") and code in new_in_hs2022():
            return []
        if self._index.get((to_version, from_version), {}).get(code):
            return []  # a target-edition code that rows say came from elsewhere
        return [Correspondence(code, "1:1", IDENTITY_SOURCE)]

    def to_version(self, code: str, from_version: str, to_version: str) -> list[Correspondence]:
        """Codes of ``to_version`` that correspond to an HS6 (or longer) code of ``from_version``.

        Longer national codes are correlated through their first six digits. Editions more than
        one step apart are chained; relationships then compose conservatively (an "n" on either
        step stays an "n").
        """
        for version in (from_version, to_version):
            if version not in HS_VERSIONS:
                raise InputError(f"unknown HS edition {version!r}; known: {', '.join(HS_VERSIONS)}")
        clean = hs.clean_code(code)
        if clean is None or len(clean) < 6:
            return []
        start = HS_VERSIONS.index(from_version)
        end = HS_VERSIONS.index(to_version)
        current = [Correspondence(clean[:6], "1:1", IDENTITY_SOURCE)]
        if start == end:
            return current if from_version != "HS2022" or hs.is_known(clean[:6]) else []
        step = 1 if end > start else -1
        path = HS_VERSIONS[start : end + step : step]
        for source_version, target_version in pairwise(path):
            reached: dict[str, Correspondence] = {}
            for item in current:
                for found in self._step(item.code, source_version, target_version):
                    combined = Correspondence(
                        found.code,
                        _compose(item.relationship, found.relationship),
                        found.source if len(path) == 2 else _join(item.source, found.source),
                    )
                    previous = reached.get(found.code)
                    if previous is not None:
                        combined = _merge(previous, combined)
                    reached[found.code] = combined
            current = sorted(reached.values(), key=lambda item: item.code)
        return current


def _compose(first: str, second: str) -> str:
    first_from, first_to = first.split(":")
    second_from, second_to = second.split(":")
    from_side = "1" if first_from == second_from == "1" else "n"
    to_side = "1" if first_to == second_to == "1" else "n"
    return f"{from_side}:{to_side}"


def _join(first: str, second: str) -> str:
    if first == IDENTITY_SOURCE:
        return second
    return first if first == second else f"{first}+{second}"


def _merge(first: Correspondence, second: Correspondence) -> Correspondence:
    # The same target reached twice: it gathers several intermediate codes.
    relationship = first.relationship if first.relationship == second.relationship else "n:n"
    return Correspondence(first.code, relationship, _join(first.source, second.source))


@cache
def builtin_table() -> CorrelationTable:
    """The table dualtrace ships: the authored rows, identity elsewhere."""
    return CorrelationTable(authored_rows())


def to_version(
    code: str, from_version: str, to_version: str, *, table: CorrelationTable | None = None
) -> list[Correspondence]:
    """Correspondences of an HS code in another edition (built-in table unless one is given)."""
    return (table or builtin_table()).to_version(code, from_version, to_version)
