"""Fixtures shared by the reference tests."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest


@pytest.fixture(scope="module")
def memory_db() -> Iterator[duckdb.DuckDBPyConnection]:
    """A bare in-memory DuckDB, for checking SQL expressions against Python."""
    con = duckdb.connect()
    yield con
    con.close()
