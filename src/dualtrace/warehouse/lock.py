"""Who holds a warehouse open for writing: ``<warehouse>.lock``, written by every writable
open (pid, host, command, since) and removed on close.

DuckDB lets one process write a file (and then no other process may open it at all); its own
lock error names no command. When an open fails on that lock, the holder file says who holds
it: "warehouse W is in use by pid 1234 (dualtrace serve --port 8000, since 2026-12-07T04:10Z)".
A holder file whose process is gone (kill -9) is stale: it names nobody and the next writable
open replaces it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def holder_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _command() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    words = ["dualtrace" if name in ("dualtrace", "__main__.py") else name, *sys.argv[1:]]
    text = " ".join(words)
    return text if len(text) <= 120 else text[:117] + "..."


def record(db_path: Path, command: str | None = None) -> None:
    """Say that this process now holds the warehouse (written atomically)."""
    path = holder_path(db_path)
    data = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command or _command(),
        "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"),
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only folder: DuckDB's own lock still guards the file
        tmp.unlink(missing_ok=True)


def release(db_path: Path) -> None:
    """Remove the holder file if this process wrote it."""
    found = holder(db_path, check_alive=False)
    if found is not None and found.get("pid") == os.getpid():
        holder_path(db_path).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def holder(db_path: Path, *, check_alive: bool = True) -> dict[str, Any] | None:
    """The live holder of the warehouse, or None (no file, unreadable, or its process is gone)."""
    try:
        data = json.loads(holder_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
        return None
    if check_alive and data.get("host") == socket.gethostname() and not _alive(data["pid"]):
        return None
    return data


def describe(db_path: Path, pid: int | None = None) -> str | None:
    """'pid 1234 (dualtrace serve --port 8000, since ...)' for the live holder (the process
    ``pid``, when the caller knows which holds the file), or None."""
    found = holder(db_path)
    if found is None or (pid is not None and found["pid"] != pid) or found["pid"] == os.getpid():
        return None
    where = "" if found.get("host") == socket.gethostname() else f" on {found.get('host')}"
    return f"pid {found['pid']}{where} ({found.get('command', '?')}, since {found.get('since', '?')})"
