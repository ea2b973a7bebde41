"""The opened warehouse every capability mixin of the Python API works on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import duckdb

from dualtrace import config
from dualtrace.warehouse import db, lock

PathLike = str | Path


class SessionBase:
    """A warehouse opened for work: the connection, opened on first use, and its path."""

    def __init__(
        self, path: PathLike | None = None, *, read_only: bool = False, confined: bool = False
    ) -> None:
        self.path = Path(path) if path is not None else config.default_db_path()
        self.read_only = read_only or confined
        # Confined: read-only with no file, network or extension access (db.connect).
        self.confined = confined
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = db.connect(self.path, read_only=self.read_only, confined=self.confined)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
            if not self.read_only and str(self.path) != ":memory:":
                lock.release(self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _records(self, query: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        return db.records(self.con, query, params)
