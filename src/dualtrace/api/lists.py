"""Sanctions and export-control lists: load, update, status, changes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.lists.diff import ListDiff, diff
from dualtrace.lists.history import versions
from dualtrace.lists.load import load_paths
from dualtrace.lists.status import changes, status
from dualtrace.lists.store import VersionReport
from dualtrace.lists.update import update


class ListsMixin(SessionBase):
    def lists_load(
        self,
        paths: Sequence[PathLike],
        *,
        layout: str | None = None,
        list_name: str | None = None,
        version_date: date | None = None,
        force: bool = False,
        on_report: Callable[[VersionReport], None] | None = None,
    ) -> list[VersionReport]:
        """Load sanctions / export-control list files (layout detected) as FtM entities."""
        return load_paths(
            self.con,
            [Path(p) for p in paths],
            layout=layout,
            list_name=list_name,
            version_date=version_date,
            force=force,
            on_report=on_report,
        )

    def lists_update(
        self,
        *,
        only: Sequence[str] | None = None,
        folder: PathLike | None = None,
        timeout: float = 60.0,
        load: bool = True,
    ) -> list[Any]:
        """Download the official list files (conditional requests, previous version kept) and load
        the ones that changed. Each list succeeds or fails alone: a failed one is a Download with
        status "failed" and its reason, its previous version kept. Raises OfflineError (one line)
        when no publisher could be reached."""
        target = Path(folder or os.environ.get("DUALTRACE_LISTS_DIR") or self.path.parent / "lists")

        def loader(paths: list[Path], name: str) -> list[dict[str, Any]]:
            return [r.as_dict() for r in self.lists_load(paths, list_name=name)]

        return update(
            self.con, target, only=list(only) if only else None, timeout=timeout, load=load, loader=loader
        )

    def lists_status(self) -> list[dict[str, Any]]:
        """Each loaded list: version date, counts, what its last version added and removed."""
        return status(self.con)

    def lists_changes(self, list_name: str, version_id: int | None = None) -> list[dict[str, Any]]:
        return changes(self.con, list_name, version_id)

    def lists_versions(self, list_name: str | None = None) -> list[dict[str, Any]]:
        """Each loaded version of each list (or of one): version id, loaded at, files, sha256,
        entities and targets, and whether its contents were recorded (``diffable``)."""
        return versions(self.con, list_name)

    def lists_diff(
        self, list_name: str, from_version: int | None = None, to_version: int | None = None
    ) -> ListDiff:
        """Entities added, removed and changed (with which properties) between two versions of a
        list; default: its last two."""
        return diff(self.con, list_name, from_version, to_version)
