"""The reference tables in the warehouse: install, idempotence, SQL helpers, official files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dualtrace.reference import (
    aliases,
    chpl_entries,
    correlation_table,
    countries,
    ensure_installed,
    load_correlation_file,
    nomenclature,
    resolve,
    tier_of,
)
from dualtrace.reference.correlation import authored_rows
from dualtrace.reference.countries import alias_sources
from dualtrace.reference.install import HASH_KEY, reference_hash
from dualtrace.warehouse.db import connect
from tests.conftest import shared_file

PAIR_FILE = "reference/HS2022_HS2017_correlation.csv"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(db_path)
    ensure_installed(connection)
    yield connection
    connection.close()


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_migration_creates_the_tables(con: duckdb.DuckDBPyConnection) -> None:
    applied = {row[0] for row in con.execute("SELECT id FROM schema_migrations").fetchall()}
    assert "0002_reference" in applied
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {
        "ref_countries",
        "ref_country_aliases",
        "ref_hs",
        "ref_hs_correlation",
        "ref_chpl",
        "ref_hs6_chpl",
    } <= tables


def test_tables_hold_the_python_reference_data(con: duckdb.DuckDBPyConnection) -> None:
    assert _count(con, "SELECT count(*) FROM ref_countries") == len(countries())
    assert dict(con.execute("SELECT alias, iso3 FROM ref_country_aliases").fetchall()) == aliases()
    assert _count(con, "SELECT count(*) FROM ref_hs") == len(nomenclature())
    assert dict(con.execute("SELECT hs6, tier FROM ref_chpl").fetchall()) == {
        entry.hs6: entry.tier for entry in chpl_entries()
    }
    assert _count(con, "SELECT count(*) FROM ref_hs_correlation") == 2 * len(authored_rows())
    taiwan = con.execute(
        "SELECT iso2, iso_numeric, comtrade_code, is_area, kind FROM ref_countries WHERE iso3 = 'TWN'"
    ).fetchone()
    assert taiwan == ("TW", "158", 490, False, "country")


def test_second_call_is_a_cheap_no_op(con: duckdb.DuckDBPyConnection) -> None:
    stored = con.execute("SELECT value FROM meta WHERE key = ?", [HASH_KEY]).fetchone()
    assert stored == (reference_hash(),)
    # Mark a row: a no-op leaves it, a refill would restore it.
    con.execute("UPDATE ref_chpl SET description = 'marked' WHERE hs6 = '854231'")
    ensure_installed(con)
    assert _count(con, "SELECT count(*) FROM ref_chpl WHERE description = 'marked'") == 1
    con.execute("UPDATE meta SET value = 'stale' WHERE key = ?", [HASH_KEY])
    ensure_installed(con)
    assert _count(con, "SELECT count(*) FROM ref_chpl WHERE description = 'marked'") == 0
    assert _count(con, "SELECT count(*) FROM ref_chpl") == 50


def test_sql_alias_lookup_equals_python(con: duckdb.DuckDBPyConnection) -> None:
    texts = sorted({text for text, _, _ in alias_sources()})
    rows = con.execute("SELECT t, ref_country(t) FROM unnest(?) AS u(t)", [texts]).fetchall()
    assert dict(rows) == {text: resolve(text) for text in texts}


def test_sql_join_resolves_every_partner_of_a_real_file(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file("trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv")
    unmatched = con.execute(
        """
        SELECT DISTINCT f.reporter, f.partner
        FROM read_csv(?, all_varchar = true) AS f
        LEFT JOIN ref_country_aliases AS r ON r.alias = ref_alias_key(f.reporter)
        LEFT JOIN ref_country_aliases AS p ON p.alias = ref_alias_key(f.partner)
        WHERE r.iso3 IS NULL OR p.iso3 IS NULL
        """,
        [str(path)],
    ).fetchall()
    assert unmatched == []
    partners = con.execute(
        "SELECT DISTINCT ref_country(partner) FROM read_csv(?, all_varchar = true)", [str(path)]
    ).fetchall()
    assert {"RUS", "BLR", "KAZ", "KGZ", "ARM"} <= {row[0] for row in partners}


def test_chpl_tier_macro(con: duckdb.DuckDBPyConnection) -> None:
    found = con.execute(
        "SELECT ref_chpl_tier('8542310000', 'HS2022'), ref_chpl_tier('85258030', 'HS2017'),"
        " ref_chpl_tier('880330', 'HS2017'), ref_chpl_tier('847130', 'HS2022')"
    ).fetchone()
    assert found == ("1", "3.A", "3.B", None)


def test_official_file_loads_once_and_survives_a_refill(con: duckdb.DuckDBPyConnection) -> None:
    path = shared_file(PAIR_FILE)
    added = load_correlation_file(con, path)
    assert added == 2 * 15657  # both directions
    assert load_correlation_file(con, path) == 0
    con.execute("UPDATE meta SET value = 'stale' WHERE key = ?", [HASH_KEY])
    ensure_installed(con)
    assert _count(con, f"SELECT count(*) FROM ref_hs_correlation WHERE source = '{path.name}'") == 2 * 15657
    assert _count(con, "SELECT count(*) FROM ref_hs_correlation WHERE source = 'dualtrace'") == (
        2 * len(authored_rows())
    )


def test_chpl_map_follows_the_official_correlation(con: duckdb.DuckDBPyConnection) -> None:
    before = _count(con, "SELECT count(DISTINCT hs6) FROM ref_hs6_chpl WHERE hs_version = 'HS2017'")
    load_correlation_file(con, shared_file(PAIR_FILE))
    rows = con.execute("SELECT hs6, chpl_hs6, tier FROM ref_hs6_chpl WHERE hs_version = 'HS2017'").fetchall()
    derived = shared_file("reference/chpl_hs2022_to_hs2017_official_correlation.csv")
    published = set(
        con.execute(
            "SELECT hs2017, hs2022, tier FROM read_csv(?, all_varchar = true)", [str(derived)]
        ).fetchall()
    )
    assert set(rows) == published
    assert before < len({row[0] for row in rows})
    # rank 1 is what tier_of reports, with the same table.
    table = correlation_table(con)
    best = dict(
        con.execute("SELECT hs6, tier FROM ref_hs6_chpl WHERE hs_version = 'HS2017' AND rank = 1").fetchall()
    )
    assert best == {code: tier_of(code, "HS2017", table=table) for code in best}


def test_ensure_installed_migrates_a_bare_connection(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bare.duckdb"))
    try:
        ensure_installed(con)
        assert con.execute("SELECT ref_country('Kyrgyz Republic')").fetchone() == ("KGZ",)
    finally:
        con.close()
