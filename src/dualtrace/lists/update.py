"""``dualtrace lists update``: fetch the official list files from their publishers.

Each download is a conditional request (If-None-Match with the last ETag, If-Modified-Since with
the last Last-Modified): a 304 costs nothing. A new file is checked (SHA-256) and kept next to the
previous version (``<file>.previous``), recorded in ``list_downloads``, then loaded as a new list
version. Without a network the command says so in one line. The URLs (data/sources.yaml) can be replaced by a
JSON file ``{"name": ["url", ...]}`` in ``$DUALTRACE_LIST_SOURCES`` (a mirror, a proxy).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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
from dualtrace.warehouse.db import fetch_one

__all__ = ["Download", "OfflineError", "official", "sources", "update"]


class OfflineError(DualtraceError):
    """No network: the publishers cannot be reached."""


@dataclass
class Download:
    name: str
    url: str
    path: Path
    status: str  # new | updated | not-modified | unchanged
    sha256: str = ""
    size_bytes: int = 0
    loaded: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.name,
            "file": self.path.name,
            "status": self.status,
            "sha256": self.sha256[:12],
            "size_bytes": self.size_bytes,
            "url": self.url,
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
    if record is not None and record.filename and index == 0:
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


def _fetch(con: duckdb.DuckDBPyConnection, name: str, url: str, target: Path, timeout: float) -> Download:
    last = fetch_one(
        con,
        "SELECT etag, last_modified, sha256 FROM list_downloads WHERE url = ?"
        " ORDER BY fetched_at DESC LIMIT 1",
        [url],
    )
    headers = {"User-Agent": f"dualtrace/{__version__} (+lists update)"}
    if last and target.exists():
        if last[0]:
            headers["If-None-Match"] = last[0]
        if last[1]:
            headers["If-Modified-Since"] = last[1]
    request = urllib.request.Request(url, headers=headers)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            with partial.open("wb") as out:
                shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Download(name, url, target, "not-modified", last[2] if last else "", target.stat().st_size)
        raise InputError(f"{name}: {url} answered HTTP {exc.code} {exc.reason}") from None
    digest = _sha256(partial)
    size = partial.stat().st_size
    if size == 0:
        partial.unlink()
        raise InputError(f"{name}: {url} sent an empty file; the previous version is kept")
    if target.exists() and _sha256(target) == digest:
        partial.unlink()
        status = "unchanged"
    else:
        status = "updated" if target.exists() else "new"
        if target.exists():
            shutil.move(str(target), str(target.with_name(target.name + ".previous")))
        shutil.move(str(partial), str(target))
    con.execute(
        "INSERT INTO list_downloads (name, url, path, sha256, size_bytes, etag, last_modified, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [name, url, str(target), digest, size, etag, modified, status],
    )
    return Download(name, url, target, status, digest, size)


def update(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    *,
    only: list[str] | None = None,
    timeout: float = 60.0,
    load: bool = True,
    loader: Callable[[list[Path], str], list[dict[str, Any]]] | None = None,
) -> list[Download]:
    """Download each list (or ``only`` these), keep the previous files, load what changed."""
    known = sources()
    names = only or list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(f"unknown list {', '.join(unknown)}; use one of {', '.join(known)}")
    downloads: list[Download] = []
    for name in names:
        target_dir = folder / name
        target_dir.mkdir(parents=True, exist_ok=True)
        group: list[Download] = []
        for index, url in enumerate(known[name]):
            target = target_dir / _filename(name, url, index)
            try:
                group.append(_fetch(con, name, url, target, timeout))
            except urllib.error.URLError as exc:
                if _offline(exc):
                    host = urlparse(url).hostname or url
                    raise OfflineError(
                        f"offline: cannot reach {host} ({getattr(exc, 'reason', exc)});"
                        f" nothing was downloaded for {name} - load files you have"
                        " with `dualtrace lists load`"
                    ) from None
                raise InputError(f"{name}: {url}: {exc}") from None
        downloads.extend(group)
        if load and loader is not None and any(d.status in ("new", "updated") for d in group):
            group[0].loaded = loader([d.path for d in group], name)
    return downloads
