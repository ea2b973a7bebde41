"""transaction() blocks inside another join it: the outer block commits or rolls back all."""

from __future__ import annotations

import duckdb
import pytest

from dualtrace.warehouse.db import transaction


def _count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM t").fetchall()[0][0])


def test_an_error_after_an_inner_block_rolls_back_the_inner_rows_too() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), transaction(con):
        with transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
        assert _count(con) == 1  # the inner block did not commit on its own
        raise RuntimeError("crash between two blocks")
    assert _count(con) == 0
    with transaction(con):  # the connection is usable again, and a lone block commits
        con.execute("INSERT INTO t VALUES (2)")
    con.execute("BEGIN TRANSACTION")  # proof the block above committed: a new one can start
    con.execute("ROLLBACK")
    assert _count(con) == 1
