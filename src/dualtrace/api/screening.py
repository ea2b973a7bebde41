"""Screening names, files and shipment parties against the loaded lists."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualtrace.api.base import PathLike, SessionBase
from dualtrace.screening.batch import read_names
from dualtrace.screening.engine import Screener, make_query
from dualtrace.screening.pairs import metrics, read_pairs, score_pairs
from dualtrace.screening.parties import screen_parties
from dualtrace.screening.review import review
from dualtrace.screening.score import DEFAULT_THRESHOLD


def _threshold(threshold: float | None) -> float:
    return DEFAULT_THRESHOLD if threshold is None else threshold


@dataclass(frozen=True)
class Screened:
    """Hits for some names, and for each name without one its best candidate at any score."""

    hits: list[dict[str, Any]]
    threshold: float
    misses: dict[str, dict[str, Any] | None]


class ScreeningMixin(SessionBase):
    def screen(
        self,
        names: Sequence[str],
        *,
        country: str | None = None,
        ids: Sequence[str] = (),
        schema: str | None = None,
        threshold: float | None = None,
        limit: int = 5,
        lists: Sequence[str] | None = None,
        birth_date: str | None = None,
        address: str | None = None,
    ) -> list[dict[str, Any]]:
        """Screen names against the loaded lists; one record per hit, with its explanation.
        ``birth_date`` and ``address`` are qualifiers: they raise or lower a score, never find."""
        queries = [make_query(n, country, ids, schema, birth_date, address) for n in names]
        results = Screener(self.con).screen(
            queries, threshold=_threshold(threshold), limit=limit, lists=lists
        )
        out = []
        for query, hits in zip(queries, results, strict=True):
            for rank, hit in enumerate(hits, start=1):
                out.append({"rank": rank, **hit.as_dict(), "query": query.name})
        return out

    def screen_best(
        self,
        names: Sequence[str],
        *,
        country: str | None = None,
        ids: Sequence[str] = (),
        schema: str | None = None,
        lists: Sequence[str] | None = None,
        birth_date: str | None = None,
        address: str | None = None,
    ) -> dict[str, dict[str, Any] | None]:
        """The best candidate of each name at any score (None when blocking finds none): what a
        miss is told about ("no match above T, best: ...")."""
        hits = self.screen(
            names, country=country, ids=ids, schema=schema, threshold=0.0, limit=1, lists=lists,
            birth_date=birth_date, address=address,
        )  # fmt: skip
        best: dict[str, dict[str, Any] | None] = dict.fromkeys(names)
        for hit in hits:
            best[hit["query"]] = hit
        return best

    def screen_names(
        self, names: Sequence[str], *, threshold: float | None = None, limit: int = 5, **qualifiers: Any
    ) -> Screened:
        """Screen names (see ``screen``), telling each name that matched nothing its best candidate."""
        hits = self.screen(names, threshold=threshold, limit=limit, **qualifiers)
        missed = [n for n in names if not any(h["query"] == n for h in hits)]
        misses = self.screen_best(missed, **qualifiers) if missed else {}
        return Screened(hits, _threshold(threshold), misses)

    def screen_file(
        self,
        path: PathLike,
        column: str,
        *,
        country_column: str | None = None,
        id_column: str | None = None,
        birth_date_column: str | None = None,
        address_column: str | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Screen every name of a CSV column (batch screening); the other columns named give
        each row's country, identifier, birth date and address (else ``options``' values)."""
        columns = {"country": country_column, "id": id_column, "birth_date": birth_date_column,
                   "address": address_column}  # fmt: skip
        rows = read_names(Path(path), column, {q: c for q, c in columns.items() if c})
        by_row: dict[tuple[tuple[str, str | None], ...], list[str]] = {}
        for name, values in rows:
            by_row.setdefault(tuple(sorted(values.items())), []).append(name)
        out: list[dict[str, Any]] = []
        for key, names in by_row.items():
            values = dict(key)
            ident = values.get("id")
            out.extend(
                self.screen(
                    names,
                    country=values.get("country") or options.get("country"),
                    ids=[ident] if ident else (),
                    schema=options.get("schema"),
                    threshold=options.get("threshold"),
                    limit=options.get("limit", 5),
                    birth_date=values.get("birth_date") or options.get("birth_date"),
                    address=values.get("address") or options.get("address"),
                )
            )
        return out

    def screen_parties(
        self, *, threshold: float | None = None, full: bool = False, progress: Any = None
    ) -> Any:
        """Screen every shipment party into party_links; write sanctioned_counterparty findings."""
        return screen_parties(
            self.con,
            threshold=_threshold(threshold),
            full=full,
            progress=progress,
        )

    def screen_review(
        self, party: str, entity: str, decision: str, *, note: str | None = None, reviewer: str | None = None
    ) -> dict[str, Any]:
        """Confirm or dismiss a screening hit; kept in the append-only screen_reviews audit table."""
        return review(self.con, party, entity, decision, note=note, reviewer=reviewer)

    def match(self, pairs: PathLike) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Score labelled or unlabelled name pairs; with is_match, precision/recall/F1 per threshold."""
        results = score_pairs(read_pairs(Path(pairs)), self.con)
        return [r.as_dict() for r in results], metrics(results)

    def list_entities(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The list entries by (list, entity_id): FtM properties, datasets, first and last seen."""
        if not keys:
            return {}
        pairs = sorted(keys)
        rows = self._records(
            "SELECT list, entity_id, properties, datasets, target, first_seen, last_seen, last_change"
            " FROM entities WHERE (list, entity_id) IN (" + ", ".join("(?, ?)" for _ in pairs) + ")",
            [v for pair in pairs for v in pair],
        )
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:
            row["properties"] = json.loads(row["properties"]) if row["properties"] else {}
            out[(row["list"], row["entity_id"])] = row
        return out
