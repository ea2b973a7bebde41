"""`dualtrace sql` reads the warehouse and nothing else: every other form is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.warehouse.readonly import SqlRefused

runner = CliRunner()
app = build_app()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "w.duckdb"
    with dualtrace.open(path) as dt:
        dt.con.execute("CREATE TABLE notes AS SELECT 1 AS n")
    (tmp_path / "secret.csv").write_text("password\nhunter2\n")
    return str(path)


def run(db: str, query: str, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["sql", query, "--db", db, "--format", "json", *extra])
    return result.exit_code, result.stdout, result.stderr


def refused(db: str, query: str, expect: str) -> str:
    code, out, err = run(db, query)
    assert code == 1, (query, out, err)
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1, err
    assert expect in err, (query, err)
    return err


def test_select_on_the_warehouse_works(db: str) -> None:
    code, out, err = run(db, "SELECT n FROM notes")
    assert code == 0, err
    assert '"n": 1' in out


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('{tmp}/secret.csv')",
        "SELECT * FROM '{tmp}/secret.csv'",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('{tmp}/*')",
        "SELECT * FROM read_parquet('{tmp}/x.parquet')",
        "SELECT * FROM read_json('https://example.org/x.json')",
    ],
)
def test_reading_files_or_urls_is_refused(db: str, query: str) -> None:
    tmp = str(Path(db).parent)
    err = refused(db, query.format(tmp=tmp), "file, network and extension access is refused")
    assert "hunter2" not in err


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("COPY notes TO '{tmp}/out.csv'", "COPY"),
        ("ATTACH '{tmp}/other.duckdb' AS other", "ATTACH"),
        ("INSTALL httpfs", "LOAD"),  # DuckDB types INSTALL and LOAD statements alike
        ("LOAD httpfs", "LOAD"),
        ("SET enable_external_access = true", "SET"),
        ("SET threads = 1", "SET"),
        ("RESET lock_configuration", ""),
        ("PRAGMA enable_profiling", "PRAGMA"),
        ("EXPORT DATABASE '{tmp}/dump'", "EXPORT"),
        ("INSERT INTO notes VALUES (2)", "INSERT"),
        ("UPDATE notes SET n = 3", "UPDATE"),
        ("DELETE FROM notes", "DELETE"),
        ("CREATE TABLE t2 AS SELECT 1", "CREATE"),
        ("DROP TABLE notes", "DROP"),
        ("SELECT 1; DELETE FROM notes", "DELETE"),
        ("CALL pragma_version()", "CALL"),
        ("EXPLAIN ANALYZE DELETE FROM notes", "DELETE"),
    ],
)
def test_every_other_statement_is_refused(db: str, query: str, kind: str) -> None:
    tmp = Path(db).parent
    err = refused(db, query.format(tmp=tmp), "sql is read-only")
    assert kind in err
    assert not (tmp / "out.csv").exists() and not (tmp / "dump").exists()
    with dualtrace.open(db, read_only=True) as dt:
        assert dt.sql("SELECT n FROM notes") == [{"n": 1}]


def test_copy_inside_a_select_cannot_write_either(db: str) -> None:
    # No SQL form reaches the file system: COPY (SELECT ...) TO is a COPY statement.
    tmp = Path(db).parent
    refused(db, f"COPY (SELECT * FROM notes) TO '{tmp}/out.parquet'", "COPY")
    assert not (tmp / "out.parquet").exists()


def test_time_limit_stops_a_long_query(db: str) -> None:
    # Hashing a trillion numbers takes hours; the limit stops it.
    code, _, err = run(db, "SELECT sum(hash(range)) AS n FROM range(1000000000000)", "--timeout", "0.3")
    assert code == 1 and "SQL stopped after 0.3 s" in err and "--timeout" in err
    assert len(err.strip().splitlines()) == 1


def test_row_limit_refuses_a_huge_result(db: str) -> None:
    code, _, err = run(db, "SELECT * FROM range(20)", "--max-rows", "10")
    assert code == 1 and "more than 10 rows" in err and "--max-rows" in err
    code, out, _ = run(db, "SELECT * FROM range(10)", "--max-rows", "10")
    assert code == 0 and out.count('"range"') == 10


def test_the_api_refuses_writes_on_a_writable_session_too(db: str) -> None:
    # Statement types are checked on every connection; EXPLAIN ANALYZE would run its DELETE.
    with dualtrace.open(db) as dt:
        for query in ("DELETE FROM notes", "EXPLAIN ANALYZE DELETE FROM notes", "SET threads = 1"):
            with pytest.raises(SqlRefused, match="sql is read-only"):
                dt.sql(query)
        assert dt.sql("EXPLAIN SELECT n FROM notes")
        assert dt.sql("SELECT n FROM notes") == [{"n": 1}]


def test_a_confined_api_session_cannot_read_files(db: str) -> None:
    secret = Path(db).parent / "secret.csv"
    with dualtrace.open(db, confined=True) as dt:
        with pytest.raises(SqlRefused, match="file, network and extension access is refused"):
            dt.sql(f"SELECT * FROM read_csv('{secret}')")
        assert dt.sql("SELECT n FROM notes") == [{"n": 1}]
