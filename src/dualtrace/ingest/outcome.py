"""What a load tells its face: the progress it reports on the way and the report at the end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb


class Progress(Protocol):
    """What a face shows while a file loads. Engines call it; they never print."""

    def phase(self, label: str) -> None: ...

    def running(self, con: duckdb.DuckDBPyConnection) -> Any: ...  # a context manager


class Silent:
    def phase(self, label: str) -> None:
        pass

    @contextmanager
    def running(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        yield


@dataclass(frozen=True)
class QuarantineSummary:
    kind: str  # the reason without the offending value
    count: int
    first_line: int
    first_reason: str


@dataclass
class LoadReport:
    path: str
    table: str
    status: str  # loaded | already-loaded
    source_id: int | None = None
    layout: str = ""
    encoding: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    duration_s: float = 0.0
    reasons: list[QuarantineSummary] = field(default_factory=list)
    inferred_mapping: str | None = None  # the mapping YAML, when no layout matched and one was inferred

    def as_dict(self) -> dict[str, Any]:
        """What a face shows: the fields in this order, the path as ``file``, seconds rounded."""
        shown = {name: getattr(self, name) for name in _SHOWN}
        return {"file": self.path, **shown, "seconds": round(self.duration_s, 2)}


_SHOWN = (
    "table", "status", "source_id", "layout", "encoding", "rows_read", "rows_loaded", "rows_quarantined",
)  # fmt: skip
