"""The party network: build, exposure, export, ownership files, party decisions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.network.apply_decisions import merge_parties, split_parties
from dualtrace.network.build import build_network
from dualtrace.network.export import export_network
from dualtrace.network.exposure import exposure_rows
from dualtrace.network.ownership_load import load_ownership
from dualtrace.network.show import party_show


class NetworkMixin(SessionBase):
    def network_build(
        self,
        *,
        as_of: date | None = None,
        workers: int | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Any:
        """Resolve parties, apply the 50% rule, build the ownership/trade graph, write findings."""
        return build_network(self.con, as_of=as_of, workers=workers, progress=progress)

    def network_exposure(
        self, *, max_hops: int | None = None, party: str | None = None
    ) -> list[dict[str, Any]]:
        """Per party: paths to listed parties by ownership and trade, listed partners, shares, signals."""
        return exposure_rows(self.con, max_hops=max_hops, party=party)

    def network_export(
        self, fmt: str, out: PathLike | None = None, *, lines: bool = True, stream: Any = None
    ) -> dict[str, Any]:
        """Export parties, ownership and trade as FtM JSON lines, GraphML or CSV."""
        return export_network(self.con, fmt, Path(out) if out else None, lines=lines, stream=stream)

    def network_load_ownership(
        self, paths: Sequence[PathLike], *, layout: str | None = None, source: str | None = None
    ) -> list[Any]:
        """Load ownership files: GLEIF level-2 API JSON (files or folders) or a user CSV table."""
        return load_ownership(self.con, [Path(p) for p in paths], layout=layout, source=source)

    def party_show(self, name_or_id: str) -> dict[str, Any]:
        """A resolved party: aliases, ids, lists and hits, owners, holdings, partners, goods, exposure."""
        return party_show(self.con, name_or_id)

    def party_merge(
        self, a: str, b: str, *, note: str | None = None, reviewer: str | None = None
    ) -> dict[str, Any]:
        """Record that two parties are one (append-only; every later build applies it)."""
        return merge_parties(self.con, a, b, note=note, reviewer=reviewer)

    def party_split(
        self,
        party: str,
        *,
        names: Sequence[str] = (),
        refs: Sequence[str] = (),
        note: str | None = None,
        reviewer: str | None = None,
    ) -> dict[str, Any]:
        """Record that some records of a party are another party (append-only)."""
        return split_parties(
            self.con, party, names=list(names), refs=list(refs), note=note, reviewer=reviewer
        )

    def party_decisions(self) -> list[dict[str, Any]]:
        return self._records(
            "SELECT decision_id, action, len(refs_a) AS records_a, len(refs_b) AS records_b, note, reviewer,"
            " decided_at FROM party_decisions ORDER BY decision_id"
        )
