"""Where things live: the warehouse path and tunables read from the environment."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DEFAULT_DB = "dualtrace.duckdb"


def default_db_path() -> Path:
    """The warehouse used when no --db is given: $DUALTRACE_DB, else ./dualtrace.duckdb."""
    return Path(os.environ.get("DUALTRACE_DB") or DEFAULT_DB)


def memory_limit() -> str:
    """DuckDB memory limit; bounded so bulk loads stay well inside a laptop's RAM."""
    return os.environ.get("DUALTRACE_MEMORY_LIMIT", "3GB")


def threads() -> int | None:
    value = os.environ.get("DUALTRACE_THREADS")
    return int(value) if value else None


def reviewer_name(reviewer: str | None) -> str:
    """Who made a decision, for the audit tables: the name given, else the system user."""
    if reviewer:
        return reviewer
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def gzip_limits() -> tuple[int, int, int]:
    """(most decompressed bytes, highest ratio, bytes past which the ratio counts) for .gz inputs."""
    return (
        _env_int("DUALTRACE_GZIP_MAX_BYTES", 4 << 30),
        _env_int("DUALTRACE_GZIP_MAX_RATIO", 200),
        _env_int("DUALTRACE_GZIP_RATIO_FROM", 64 << 20),
    )
