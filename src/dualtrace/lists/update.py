"""``dualtrace lists update``: fetch the official list files from their publishers.

Each download is a conditional request (If-None-Match with the last ETag, If-Modified-Since with
the last Last-Modified): a 304 costs nothing. A new file is checked (SHA-256) and kept next to the
previous version (``<file>.previous``), recorded in ``list_downloads``, then loaded as a new list
version. Without a network the command says so in one line. The URLs (data/sources.yaml) can be replaced by a
JSON file ``{"name": ["url", ...]}`` in ``$DUALTRACE_LIST_SOURCES`` (a mirror, a proxy).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb

from dualtrace import __version__
from dualtrace.errors import DualtraceError, InputError
from dualtrace.lists import registry
from dualtrace.warehouse.db import fetch_one, transaction

__all__ = ["Download", "OfflineError", "failed", "official", "sources", "update"]


class OfflineError(DualtraceError):
    """No network: the publishers cannot be reached."""


@dataclass
class Download:
    name: str
    url: str
    path: Path
    status: str  # new | updated | not-modified | unchanged | failed
    sha256: str = ""
    size_bytes: int = 0
    loaded: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""  # why a source failed (status "failed")
    unreachable: bool = False  # failed before any answer (host down, refused, timeout)
    etag: str | None = None
    last_modified: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.name,
            "file": self.path.name,
            "status": self.status,
            "sha256": self.sha256[:12],
            "size_bytes": self.size_bytes,
            "url": self.url,
            "reason": self.reason,
        }


def official() -> dict[str, list[str]]:
    """List name -> the publisher's URLs of the files that make one list version (OFAC sets go
    together), from data/sources.yaml."""
    return {name: list(record.urls) for name, record in registry.downloads().items()}


def sources() -> dict[str, list[str]]:
    """The official URLs, or those of $DUALTRACE_LIST_SOURCES."""
    override = os.environ.get("DUALTRACE_LIST_SOURCES")
    if not override:
        return official()
    try:
        data = json.loads(Path(override).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"$DUALTRACE_LIST_SOURCES {override}: cannot read it as JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise InputError(f"$DUALTRACE_LIST_SOURCES {override}: expected {{name: [url, ...]}}")
    return {str(k): [str(u) for u in v] for k, v in data.items()}


def _filename(name: str, url: str, index: int) -> str:
    record = registry.downloads().get(name)
    # The registry's file name is for its own URL; a mirror's ($DUALTRACE_LIST_SOURCES) keeps its own.
    if record is not None and record.filename and index == 0 and url in record.urls:
        return record.filename
    base = Path(urlparse(url).path).name
    return base or f"{name}-{index}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _offline(exc: urllib.error.URLError) -> bool:
    """A failure to connect at all (DNS, refused, unreachable, timeout), not an HTTP answer."""
    return not isinstance(exc, urllib.error.HTTPError)


def _last(con: duckdb.DuckDBPyConnection, url: str) -> tuple[Any, ...] | None:
    row: tuple[Any, ...] | None = fetch_one(
        con,
        "SELECT etag, last_modified, sha256 FROM list_downloads WHERE url = ?"
        " ORDER BY fetched_at DESC LIMIT 1",
        [url],
    )
    return row


def _part(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def _previous(target: Path) -> Path:
    """Where the version before ``target`` waits until the new one loads."""
    return target.with_name(target.name + ".previous")


def _kept(previous: Path) -> Path:
    """Where the version before ``previous`` waits, for the same reason."""
    return previous.with_name(previous.name + ".keep")


def _repair(target: Path, recorded: str) -> None:
    """Undo the moves of a run killed after moving its files in and before its version committed:
    the file of the recorded download (the version the warehouse holds) goes back in place."""
    previous = _previous(target)
    keep = _kept(previous)
    in_place = target.exists() and _sha256(target) == recorded
    if not in_place and previous.exists() and _sha256(previous) == recorded:
        previous.replace(target)
    if keep.exists() and not previous.exists():
        keep.replace(previous)


def _fetch(con: duckdb.DuckDBPyConnection, name: str, url: str, target: Path, timeout: float) -> Download:
    """Fetch one URL into ``<target>.part`` (the current file is not touched yet)."""
    last = _last(con, url)
    if last:
        _repair(target, last[2])
    headers = {"User-Agent": f"dualtrace/{__version__} (+lists update)"}
    if last and target.exists():
        if last[0]:
            headers["If-None-Match"] = last[0]
        if last[1]:
            headers["If-Modified-Since"] = last[1]
    request = urllib.request.Request(url, headers=headers)
    partial = _part(target)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            with partial.open("wb") as out:
                shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Download(name, url, target, "not-modified", last[2] if last else "", target.stat().st_size)
        raise InputError(f"HTTP {exc.code} {exc.reason}") from None
    digest = _sha256(partial)
    size = partial.stat().st_size
    if size == 0:
        partial.unlink()
        raise InputError("empty file")
    # Unchanged means the same as the last version fetched and recorded, not as the file on disk:
    # a run killed after moving the new file into place has not loaded it yet.
    if target.exists() and last and last[2] == digest:
        partial.unlink()
        status = "unchanged"
    else:
        status = "updated" if target.exists() else "new"
    return Download(name, url, target, status, digest, size, etag=etag, last_modified=modified)


_UNREACHABLE = "cannot reach host ("


def _reason(exc: BaseException) -> str:
    """One line for a failed fetch or load."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        if not isinstance(exc.reason, BaseException):
            return f"{_UNREACHABLE}{exc.reason})"
        exc = exc.reason
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionError | socket.gaierror):
        return f"{_UNREACHABLE}{exc})"
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _unreachable(exc: BaseException) -> bool:
    """A failure to connect at all (DNS, refused, unreachable, timeout), not an HTTP answer."""
    if isinstance(exc, urllib.error.HTTPError):
        return False
    if isinstance(exc, urllib.error.URLError):
        return True
    return isinstance(exc, ConnectionError | TimeoutError | socket.gaierror)


def _swap_in(group: list[Download]) -> list[tuple[Path, Path]]:
    """Move the fetched files into place, the current ones to ``.previous``; return the moves
    to undo (``_undo``) if the new version does not load."""
    undo: list[tuple[Path, Path]] = []
    for d in group:
        if d.status not in ("new", "updated"):
            continue
        previous = _previous(d.path)
        if d.path.exists() and _sha256(d.path) == d.sha256:  # moved in by a run killed before its load
            _part(d.path).unlink()
            continue
        if d.path.exists():
            if previous.exists():
                keep = _kept(previous)
                shutil.move(str(previous), str(keep))
                undo.append((keep, previous))
            shutil.move(str(d.path), str(previous))
            undo.append((previous, d.path))
        shutil.move(str(_part(d.path)), str(d.path))
    return undo


def _undo(group: list[Download], moves: list[tuple[Path, Path]]) -> None:
    for d in group:
        if d.status in ("new", "updated") and d.path.exists() and not any(dst == d.path for _, dst in moves):
            d.path.unlink()  # a new file that had no previous version
    for src, dst in reversed(moves):
        if dst.exists():
            dst.unlink()
        shutil.move(str(src), str(dst))


def _record(con: duckdb.DuckDBPyConnection, group: list[Download]) -> None:
    """Remember what each fetched file was (its ETag is only kept once its version loaded: a
    failed source is fetched in full next time)."""
    for d in group:
        if d.status in ("new", "updated", "unchanged"):
            con.execute(
                "INSERT INTO list_downloads"
                " (name, url, path, sha256, size_bytes, etag, last_modified, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [d.name, d.url, str(d.path), d.sha256, d.size_bytes, d.etag, d.last_modified, d.status],
            )


def _drop_kept(group: list[Download]) -> None:
    """The versions before ``.previous`` (kept only to undo a failed load)."""
    for d in group:
        for stale in d.path.parent.glob("*.keep"):
            stale.unlink()


def failed(downloads: list[Download]) -> list[Download]:
    return [d for d in downloads if d.status == "failed"]


def _update_one(
    con: duckdb.DuckDBPyConnection,
    name: str,
    urls: list[str],
    folder: Path,
    timeout: float,
    loader: Callable[[list[Path], str], list[dict[str, Any]]] | None,
) -> list[Download]:
    """Fetch and load one source; on any failure its previous files and version stay as they were."""
    target_dir = folder / name
    target_dir.mkdir(parents=True, exist_ok=True)
    group: list[Download] = []
    for index, url in enumerate(urls):
        target = target_dir / _filename(name, url, index)
        try:
            group.append(_fetch(con, name, url, target, timeout))
        # Any failure of this source (network, HTTP, disk) is reported for it; the others go on.
        except (OSError, http.client.HTTPException, DualtraceError) as exc:
            for d in group:
                _part(d.path).unlink(missing_ok=True)
            _part(target).unlink(missing_ok=True)
            return [Download(name, url, target, "failed", reason=_reason(exc), unreachable=_unreachable(exc))]
    moves = _swap_in(group)
    try:
        # The new version and the record of its download are one transaction: a kill between
        # them would leave a version whose ETag is not kept, loaded again by the next run.
        with transaction(con):
            if loader is not None and any(d.status in ("new", "updated") for d in group):
                group[0].loaded = loader([d.path for d in group], name)
            _record(con, group)
    # A file that does not parse (whatever the reader raises) fails its source only; the
    # transaction is rolled back, so nothing is half-loaded.
    except Exception as exc:
        _undo(group, moves)
        bad = next((d for d in group if d.status in ("new", "updated")), group[0])
        return [Download(name, bad.url, bad.path, "failed", reason=f"does not load: {_reason(exc)}")]
    _drop_kept(group)
    return group


def update(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    *,
    only: list[str] | None = None,
    timeout: float = 60.0,
    load: bool = True,
    loader: Callable[[list[Path], str], list[dict[str, Any]]] | None = None,
) -> list[Download]:
    """Download each list (or ``only`` these), keep the previous files, load what changed. Each
    source succeeds or fails alone (a "failed" Download with its reason); only when no source
    could be reached at all is it OfflineError."""
    known = sources()
    names = only or list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(f"unknown list {', '.join(unknown)}; use one of {', '.join(known)}")
    downloads: list[Download] = []
    for name in names:
        downloads.extend(_update_one(con, name, known[name], folder, timeout, loader if load else None))
    failures = failed(downloads)
    if failures and len(failures) == len(names) and all(f.unreachable for f in failures):
        host = urlparse(failures[0].url).hostname or failures[0].url
        reason = failures[0].reason
        if reason.startswith(_UNREACHABLE):
            reason = reason[len(_UNREACHABLE) : -1]
        raise OfflineError(
            f"offline: cannot reach {host} ({reason}); nothing was downloaded"
            " - load files you have with `dualtrace lists load`"
        )
    return downloads
