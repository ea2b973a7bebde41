"""dualtrace: find the trade that keeps a sanctioned war machine supplied.

Python API mirrors the CLI: ``dualtrace.open("w.duckdb").ingest_trade([...])``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dualtrace.session import Dualtrace


def open(path: str | Path | None = None, *, read_only: bool = False, confined: bool = False) -> Dualtrace:
    """Open (and create or migrate) a warehouse; returns the Python API object. confined: read-only
    with no file, network or extension access from SQL (for queries from untrusted hands)."""
    from dualtrace.session import Dualtrace

    return Dualtrace(path, read_only=read_only, confined=confined)


__all__ = ["__version__", "open"]
