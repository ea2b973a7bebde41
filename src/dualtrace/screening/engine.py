"""Screen names against the loaded lists: block candidates in DuckDB, score each with an
explanation, keep the hits above the threshold."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from dualtrace import config
from dualtrace.errors import InputError
from dualtrace.normalize.identifiers import normalize_id
from dualtrace.reference import resolve as resolve_country
from dualtrace.screening.index import MIN_SHARE, block, ensure_index
from dualtrace.screening.score import DEFAULT_THRESHOLD, Candidate, Query, Scored, score

__all__ = ["Screener", "load_candidates", "make_query"]

_SCHEMA_WORDS = {
    "person": "Person",
    "individual": "Person",
    "company": "Company",
    "organization": "Organization",
    "organisation": "Organization",
    "entity": "Organization",
    "legalentity": "LegalEntity",
    "vessel": "Vessel",
    "airplane": "Airplane",
}


_DATE = re.compile(r"(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def make_query(
    name: str,
    country: str | None = None,
    ids: Iterable[str] = (),
    schema: str | None = None,
    birth_date: str | None = None,
    address: str | None = None,
) -> Query:
    """A Query from user input: country in any form (RU, RUS, Russia, Россия), schema word,
    birth date as YYYY, YYYY-MM or YYYY-MM-DD."""
    if not name or not name.strip():
        raise InputError("an empty name cannot be screened")
    code = None
    if country:
        code = resolve_country(country)
        if code is None:
            raise InputError(f"unknown country {country!r}; use an ISO code or a country name")
    canonical = None
    if schema:
        canonical = _SCHEMA_WORDS.get(schema.strip().lower().replace(" ", ""))
        if canonical is None:
            raise InputError(f"unknown schema {schema!r}; use Company, Organization, Person or Vessel")
    born = birth_date.strip() if birth_date and birth_date.strip() else None
    if born is not None and not _DATE.fullmatch(born):
        raise InputError(f"birth date {birth_date!r}: write it as YYYY, YYYY-MM or YYYY-MM-DD")
    where = address.strip() if address and address.strip() else None
    return Query(name.strip(), code, tuple(i for i in ids if i and i.strip()), canonical, born, where)


@dataclass
class Screener:
    """Screens queries against the active listed parties of the warehouse."""

    con: duckdb.DuckDBPyConnection
    top_k: int = 10
    min_share: float = MIN_SHARE  # of the query's key weight a candidate shares (index.block)
    workers: int | None = None  # processes for bulk scoring (default: DUALTRACE_THREADS or cores)

    def __post_init__(self) -> None:
        self.names = ensure_index(self.con)
        self._entities: dict[tuple[str, str], Candidate] = {}

    def _load(self, keys: set[tuple[str, str]]) -> None:
        missing = {k for k in keys if k not in self._entities}
        if missing:
            self._entities.update(load_candidates(self.con, missing))

    def _by_ids(self, queries: Sequence[Query]) -> dict[int, set[tuple[str, str]]]:
        wanted = [(qid, normalize_id(v)) for qid, q in enumerate(queries) for v in q.ids]
        wanted = [(qid, v) for qid, v in wanted if len(v) >= 5]
        if not wanted:
            return {}
        self.con.register(
            "_dt_qids", pa.table({"qid": [w[0] for w in wanted], "value": [w[1] for w in wanted]})
        )
        try:
            rows = self.con.execute(
                "SELECT q.qid, i.list, i.entity_id FROM _dt_qids q JOIN entity_ids i USING (value)"
                " JOIN entities e USING (list, entity_id) WHERE e.active AND e.target"
            ).fetchall()
        finally:
            self.con.unregister("_dt_qids")
        out: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for qid, lst, eid in rows:
            out[int(qid)].add((lst, eid))
        return out

    def screen(
        self,
        queries: Sequence[Query],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
        restrict: Sequence[tuple[str, str]] | None = None,
        lists: Sequence[str] | None = None,
    ) -> list[list[Scored]]:
        """For each query, its hits scoring at least ``threshold``, best first (at most limit)."""
        if not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold {threshold} must be within 0..1")
        results: list[list[Scored]] = [[] for _ in queries]
        if not queries:
            return results
        if self.names == 0:
            raise InputError("no lists loaded: run `dualtrace lists load FILE...` first")
        if len(queries) > CHUNK:  # bounded SQL joins and memory, whatever the input size
            out: list[list[Scored]] = []
            for start in range(0, len(queries), CHUNK):
                out.extend(
                    self.screen(
                        queries[start : start + CHUNK],
                        threshold=threshold,
                        limit=limit,
                        restrict=restrict,
                        lists=lists,
                    )
                )
            return out
        blocked = block(
            self.con, [q.key for q in queries], top_k=self.top_k, restrict=restrict, min_share=self.min_share
        )
        id_hits = self._by_ids(queries)
        if restrict is not None:
            allowed = set(restrict)
            id_hits = {q: {k for k in v if k in allowed} for q, v in id_hits.items()}
        wanted: set[tuple[str, str]] = set()
        for rows in blocked.values():
            wanted.update((r[1], r[2]) for r in rows)
        for keys in id_hits.values():
            wanted.update(keys)
        self._load(wanted)
        tasks: list[tuple[Query, list[tuple[Candidate, list[str]]]]] = []
        for qid, query in enumerate(queries):
            per_entity: dict[tuple[str, str], list[str]] = defaultdict(list)
            for _, lst, eid, name, _ in sorted(blocked.get(qid, [])):  # by name_id: one order every run
                per_entity[(lst, eid)].append(name)
            for key in id_hits.get(qid, ()):
                per_entity.setdefault(key, [])
            cands = [
                (self._entities[key], names)
                for key, names in per_entity.items()
                if key in self._entities and not (lists and key[0] not in lists)
            ]
            tasks.append((query, cands))
        workers = self.workers if self.workers is not None else (config.threads() or os.cpu_count() or 1)
        if workers > 1 and len(tasks) >= PARALLEL_FROM:
            return _score_parallel(tasks, threshold, limit, workers)
        return [_score_one(task, threshold, limit) for task in tasks]


def load_candidates(
    con: duckdb.DuckDBPyConnection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], Candidate]:
    """The list entries by (list, entity_id), ready to score: names, countries, ids, programs,
    listing date, birth dates and addresses. Keys with no entry are left out."""
    if not keys:
        return {}
    con.register("_dt_want", pa.table({"list": [k[0] for k in keys], "entity_id": [k[1] for k in keys]}))
    try:
        entities = con.execute(
            "SELECT e.list, e.entity_id, e.schema, e.caption, e.countries, e.programs, e.listing_date,"
            " json_extract(e.properties, '$.birthDate')::VARCHAR[],"
            " json_extract(e.properties, '$.address')::VARCHAR[]"
            " FROM entities e JOIN _dt_want w USING (list, entity_id)"
        ).fetchall()
        names = con.execute(
            "SELECT n.list, n.entity_id, n.name FROM entity_names n"
            " JOIN _dt_want w USING (list, entity_id)"
            # ordered: the scorer keeps the first of equally close names, so an unordered join
            # let the matched name (and a score resting on it) change from run to run
            " WHERE n.norm <> '' ORDER BY n.list, n.entity_id, n.name"
        ).fetchall()
        ids = con.execute(
            "SELECT i.list, i.entity_id, i.scheme, i.value FROM entity_ids i"
            " JOIN _dt_want w USING (list, entity_id)"
        ).fetchall()
    finally:
        con.unregister("_dt_want")
    by_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lst, eid, name in names:
        by_names[(lst, eid)].append(name)
    by_ids: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
    for lst, eid, scheme, value in ids:
        by_ids[(lst, eid)].setdefault(scheme, set()).add(value)
    out: dict[tuple[str, str], Candidate] = {}
    for lst, eid, schema, caption, countries, programs, listing, births, addresses in entities:
        key = (lst, eid)
        out[key] = Candidate(
            lst, eid, schema, caption or eid, by_names.get(key, [caption or eid]), list(countries or []),
            by_ids.get(key, {}), list(programs or []), listing, list(births or []), list(addresses or []),
        )  # fmt: skip
    return out


# Bulk scoring is pure Python: above this many queries it is spread over worker processes
# (forked, so they share the loaded candidates without copying them up front).
PARALLEL_FROM = 3000
CHUNK = 20_000
_TASKS: list[tuple[Query, list[tuple[Candidate, list[str]]]]] = []


def _score_one(
    task: tuple[Query, list[tuple[Candidate, list[str]]]], threshold: float, limit: int
) -> list[Scored]:
    query, cands = task
    # Blocking finds the entity; the score compares every name of it (the blocked names first, so
    # an exact one ends the search early): a blocked long name must not hide a short alias.
    hits = [
        s for s in (score(query, c, _ordered(names, c.names)) for c, names in cands) if s.score >= threshold
    ]
    hits.sort(key=lambda s: (-s.score, -s.name.similarity, s.candidate.list, s.candidate.entity_id))
    # The best entry of each list first, then the rest: a list's main entry (OFAC's Almaz-Antey)
    # must not be cut by --limit behind another list's duplicate entries of the same party.
    firsts: dict[str, Scored] = {}
    for hit in hits:
        firsts.setdefault(hit.candidate.list, hit)
    lead = list(firsts.values())
    chosen = {id(h) for h in lead}
    return [*lead, *(h for h in hits if id(h) not in chosen)][:limit]


def _ordered(first: list[str], every: list[str]) -> list[str]:
    seen = set(first)
    return [*first, *(n for n in every if n not in seen)]


def _score_range(args: tuple[int, int, float, int]) -> list[list[Scored]]:
    start, stop, threshold, limit = args
    return [_score_one(_TASKS[i], threshold, limit) for i in range(start, stop)]


def _score_parallel(
    tasks: list[tuple[Query, list[tuple[Candidate, list[str]]]]], threshold: float, limit: int, workers: int
) -> list[list[Scored]]:
    global _TASKS
    _TASKS = tasks
    try:
        step = max(500, len(tasks) // (workers * 4))
        chunks = [(i, min(i + step, len(tasks)), threshold, limit) for i in range(0, len(tasks), step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_score_range, chunks)
    finally:
        _TASKS = []
    return [hits for part in parts for hits in part]
