"""Party resolution: one party per real company, however its name is written.

Records (``records.py``: shipment spellings, list entities, owners named in ownership files) are
joined in this order, each step kept as merge evidence in ``party_merges``:

1. ``analyst_merge`` / ``screening_confirmed``: decisions, applied as given (``decisions.py``);
2. ``same_entity``: the names of one list entity; ``reading``: a record and the pinyin reading
   of its Chinese name written in Cyrillic;
3. ``same_id``: a strong id (INN, OGRN, USCC, LEI, Korean-style importer code) in common;
4. ``same_name``: the same words after normalisation, in the same country;
5. ``scored``: candidate pairs scored by ``pairs.py`` at or above the threshold, best first;
6. ``screening_hit``: a strong screening hit (party_links, score >= 0.9, not dismissed) that
   points at one party only.

Steps 3-6 never join two clusters that hold different values of one strong id scheme, two
entries of one list, the two sides of an analyst's split, a dismissed screening pair, or a person
and an organisation.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec

import duckdb
import numpy as np
import pyarrow as pa

from dualtrace.network import pairs as pairs_module
from dualtrace.network.clustering import Clusters
from dualtrace.network.decisions import decision_constraints, record_merge, record_split
from dualtrace.network.ids import STRONG, is_strong, parse_ref
from dualtrace.network.records import entity_records, ownership_records, shipment_records
from dualtrace.normalize.name_keys import NameKeys, key_pool, keys_for, name_keys
from dualtrace.warehouse.db import transaction

_P = ParamSpec("_P")

__all__ = [
    "LISTED_SQL",
    "ResolveReport",
    "apply_decision",
    "merge_parties",
    "refresh_parties",
    "resolve_parties",
    "split_parties",
]

STRONG_HIT = 0.9
ORG_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})
# A list entity is a listed party when it is a target under a sanctions programme or topic.
LISTED_SQL = (
    "(e.active AND e.target AND (len(coalesce(e.programs, [])) > 0"
    " OR list_has_any(coalesce(e.topics, []), ['sanction', 'export.control'])))"
)


@dataclass
class ResolveReport:
    records: int = 0
    shipment_records: int = 0
    entity_records: int = 0
    ownership_records: int = 0
    distinct_names: int = 0
    units: int = 0
    candidate_pairs: int = 0
    parties: int = 0
    unions: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    decisions_applied: list[int] = field(default_factory=list)
    decisions_voided: list[int] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Timer:
    def __init__(self, report: ResolveReport, progress: Callable[[str], None] | None) -> None:
        self.report = report
        self.progress = progress
        self.started = time.perf_counter()

    def lap(self, label: str) -> None:
        now = time.perf_counter()
        self.report.seconds[label] = round(now - self.started, 2)
        self.started = now
        if self.progress is not None:
            self.progress(label)


def _party_id(anchor: str) -> str:
    return "pty-" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:12]


def resolve_parties(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float = pairs_module.THRESHOLD,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ResolveReport:
    """Resolve every record into parties; rewrite party_records, parties, party_merges and
    shipment_parties."""
    report = ResolveReport()
    timer = _Timer(report, progress)
    pool = key_pool(workers)  # before anything large is read: forked workers stay small
    try:
        return _resolve(con, report, timer, pool, threshold)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def load_record_table(
    con: duckdb.DuckDBPyConnection,
    records: pa.Table,
    names: list[str],
    distinct: list[str],
    keys: list[NameKeys],
) -> None:
    """The temp table ``_nw_rec``: every record with its name's keys (``keys[i]`` are the keys
    of ``distinct[i]``), which the units and the candidate pairs are built from."""
    n = len(records)
    index = {name: i for i, name in enumerate(distinct)}
    name_idx = np.fromiter((index[x] for x in names), dtype=np.int64, count=n)
    schemas = records.column("schema").to_pylist()
    key_table = pa.table(
        {
            "norm": [k.norm for k in keys],
            "exact": [k.exact for k in keys],
            "core": [k.core for k in keys],
            "ordered": [k.ordered for k in keys],
            "generic": pa.array([k.generic for k in keys], pa.int64()),
            "places": pa.array([k.places for k in keys], pa.int64()),
            "legal": [k.legal for k in keys],
        }
    )
    rec = pa.table(
        {
            "record_id": pa.array(np.arange(n, dtype=np.int64)),
            "name_idx": pa.array(name_idx),
            "country": records.column("country"),
            "person": pa.array([s == "Person" for s in schemas], pa.bool_()),
            "lines": records.column("lines"),
            "ids": records.column("ids"),
            "address": records.column("address"),
        }
    )
    con.register("_nw_rec_arrow", rec)
    con.register("_nw_keys_arrow", key_table)
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _nw_rec AS
            SELECT r.record_id, r.name_idx, k.exact, k.core, k.ordered, k.generic, k.places, k.legal, k.norm,
                   r.country, r.person, r.lines, r.ids, r.address
            FROM _nw_rec_arrow r JOIN (SELECT row_number() OVER () - 1 AS name_idx, * FROM _nw_keys_arrow) k
                 USING (name_idx)
            """
        )
    finally:
        con.unregister("_nw_rec_arrow")
        con.unregister("_nw_keys_arrow")


def _resolve(
    con: duckdb.DuckDBPyConnection,
    report: ResolveReport,
    timer: _Timer,
    pool: ProcessPoolExecutor | None,
    threshold: float,
) -> ResolveReport:
    parts = [shipment_records(con), entity_records(con), ownership_records(con)]
    report.shipment_records, report.entity_records, report.ownership_records = (len(p) for p in parts)
    records = pa.concat_tables(parts)
    n = len(records)
    report.records = n
    timer.lap("records")

    names = records.column("name").to_pylist()
    distinct = sorted(set(names))
    keys = name_keys(distinct, pool)
    records, names, distinct, keys = _with_readings(records, names, distinct, keys)
    n = report.records = len(records)
    report.distinct_names = len(distinct)
    timer.lap("name keys")

    load_record_table(con, records, names, distinct, keys)
    report.units = pairs_module.build_units(con)
    timer.lap("units")

    clusters = Clusters(n)
    refs = records.column("ref").to_pylist()
    by_ref: dict[str, list[int]] = defaultdict(list)
    for i, ref in enumerate(refs):
        by_ref[ref].append(i)
    _constrain(clusters, records, records.column("schema").to_pylist(), by_ref, con, report)
    _forced(clusters, by_ref, report, con)
    _same_id(clusters, records)
    _same_name(clusters, con)
    timer.lap("ids and names")

    scored = pairs_module.score_pairs(con, threshold)
    report.candidate_pairs = int(con.execute("SELECT count(*) FROM _nw_pairs").fetchall()[0][0])
    timer.lap("blocking and scoring")
    _scored(clusters, scored)
    _screening_hits(clusters, by_ref, con)
    report.refused = clusters.refused
    timer.lap("clustering")

    roots = clusters.roots()
    _write(con, records, roots, refs, clusters, report)
    timer.lap("write")
    for union in clusters.unions:
        report.unions[union[2]] = report.unions.get(union[2], 0) + 1
    for name in ("_nw_rec", "_nw_units", "_nw_unitmap", "_nw_unit_ids", "_nw_keys", "_nw_keyed", "_nw_pairs"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return report


def _with_readings(
    records: pa.Table, names: list[str], distinct: list[str], keys: list[NameKeys]
) -> tuple[pa.Table, list[str], list[str], list[NameKeys]]:
    """Add a record for the pinyin reading of each Chinese name written in Cyrillic (same ref,
    so it joins its record), to meet the same firm written in pinyin or in Chinese."""
    reading_of = {name: k.reading for name, k in zip(distinct, keys, strict=True) if k.reading}
    if not reading_of:
        return records, names, distinct, keys
    rows = [i for i, name in enumerate(names) if name in reading_of]
    extra = records.take(pa.array(rows, pa.int64()))
    readings = [reading_of[names[i]] for i in rows]
    extra = extra.set_column(extra.schema.get_field_index("name"), "name", pa.array(readings, pa.string()))
    extra = extra.set_column(
        extra.schema.get_field_index("origin"), "origin", pa.array(["reading"] * len(rows))
    )
    extra = extra.set_column(
        extra.schema.get_field_index("party_key"), "party_key", pa.array([None] * len(rows), pa.string())
    )
    extra = extra.set_column(
        extra.schema.get_field_index("lines"), "lines", pa.array([0] * len(rows), pa.int64())
    )
    new = sorted(set(readings) - set(distinct))
    return (
        pa.concat_tables([records, extra]),
        names + readings,
        distinct + new,
        keys + [keys_for(x) for x in new],
    )


def _constrain(
    clusters: Clusters,
    records: pa.Table,
    schemas: list[str | None],
    by_ref: dict[str, list[int]],
    con: duckdb.DuckDBPyConnection,
    report: ResolveReport,
) -> None:
    cache: dict[tuple[str, ...], dict[str, frozenset[str]]] = {}
    lists = records.column("list").to_pylist()
    entity_ids = records.column("entity_id").to_pylist()
    for i, ids in enumerate(records.column("ids").to_pylist()):
        strong = tuple(sorted(x for x in ids if is_strong(x)))
        schema = schemas[i]
        kind = "person" if schema == "Person" else "org" if schema in ORG_SCHEMAS else None
        key = (*strong, f"kind:{kind}") if kind else strong
        if lists[i] is not None:
            # A list names each party once: two entries of one list are two parties.
            key = (*key, f"list:{lists[i]}:{entity_ids[i]}")
        if not key:
            continue
        found = cache.get(key)
        if found is None:
            groups: dict[str, set[str]] = defaultdict(set)
            for x in strong:
                scheme, value = parse_ref(x)
                groups[scheme].add(value)
            if kind:
                groups["kind"].add(kind)
            if lists[i] is not None:
                groups[f"list:{lists[i]}"].add(str(entity_ids[i]))
            found = {s: frozenset(v) for s, v in groups.items()}
            cache[key] = found
        clusters.set_constraints(i, found)
    decisions = decision_constraints(con)
    report.decisions_applied = decisions.applied
    report.decisions_voided = decisions.voided
    for ref, tags in decisions.tags.items():
        for i in by_ref.get(ref, []):
            for scheme, value in tags:
                clusters.constrain(i, scheme, [value])
    con.execute("CREATE OR REPLACE TEMP TABLE _nw_forced (rule VARCHAR, refs VARCHAR[], detail VARCHAR)")
    if decisions.merges:
        con.executemany("INSERT INTO _nw_forced VALUES (?, ?, ?)", [list(m) for m in decisions.merges])


def _forced(
    clusters: Clusters, by_ref: dict[str, list[int]], report: ResolveReport, con: duckdb.DuckDBPyConnection
) -> None:
    for rule, refs, detail in con.execute("SELECT * FROM _nw_forced").fetchall():
        members = [i for ref in refs for i in by_ref.get(ref, [])]
        for other in members[1:]:
            clusters.union(members[0], other, rule, detail, check=False)
    con.execute("DROP TABLE _nw_forced")
    for ref, members in by_ref.items():
        if len(members) > 1:
            rule = "same_entity" if ref.startswith("entity:") else "reading"
            for other in members[1:]:
                clusters.union(members[0], other, rule, ref, check=False)


def _same_id(clusters: Clusters, records: pa.Table) -> None:
    lines = records.column("lines").to_pylist()
    groups: dict[str, list[int]] = defaultdict(list)
    for i, ids in enumerate(records.column("ids").to_pylist()):
        for x in ids:
            if is_strong(x):
                groups[x].append(i)
    for value, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (-lines[i], i))
        for other in members[1:]:
            clusters.union(members[0], other, "same_id", value)


def _same_name(clusters: Clusters, con: duckdb.DuckDBPyConnection) -> None:
    """Join the records of each unit (same words, country, legal form). When the unit holds
    several firms already told apart by their ids (one name, two INNs), a record without an id
    joins the firm whose address numbers it shares, else the busiest."""
    strong_schemes = ", ".join(f"'{x}'" for x in sorted(STRONG))
    rows = con.execute(
        """
        SELECT m.unit,
               list(r.record_id ORDER BY r.lines DESC, r.record_id) AS members,
               list(r.lines ORDER BY r.lines DESC, r.record_id) AS lines,
               list(len(list_filter(r.ids, lambda x: split_part(x, ':', 1) IN ({strong}))) > 0
                    ORDER BY r.lines DESC, r.record_id) AS strong,
               list(coalesce(list_filter(regexp_split_to_array(lower(r.address), '[^[:alnum:]]+'),
                                         lambda x: regexp_matches(x, '[0-9]')), [])
                    ORDER BY r.lines DESC, r.record_id) AS numbers
        FROM _nw_rec r JOIN _nw_unitmap m USING (record_id)
        GROUP BY m.unit HAVING count(*) > 1
        """.replace("{strong}", strong_schemes)
    ).fetchall()
    find = clusters.find
    for _, members, lines, strong, numbers in rows:
        with_ids = [r for i, r in enumerate(members) if strong[i]]
        for other in with_ids[1:]:  # an INN and an OGRN of one firm: no conflict, joined
            clusters.union(with_ids[0], other, "same_name", None)
        firms: dict[int, tuple[int, set[str]]] = {}  # root of an id-bearing firm -> (lines, numbers)
        for i, record in enumerate(members):
            if strong[i]:
                root = find(record)
                busy, nums = firms.get(root, (0, set()))
                firms[root] = (busy + int(lines[i] or 0), nums | set(numbers[i]))
        if len(firms) <= 1:
            for other in members[1:]:
                clusters.union(members[0], other, "same_name", None)
            continue
        busiest = max(firms, key=lambda r: (firms[r][0], -r))
        for i, record in enumerate(members):
            if strong[i]:
                continue
            mine = set(numbers[i])
            matching = [r for r, (_, nums) in firms.items() if mine and len(mine & nums) * 2 >= len(mine)]
            target = matching[0] if len(matching) == 1 else busiest
            detail = "same address numbers" if len(matching) == 1 else "busiest firm of that name"
            clusters.union(target, record, "same_name", detail)


def _scored(clusters: Clusters, scored: pa.Table) -> None:
    if len(scored) == 0:
        return
    ra = scored.column("ra").to_numpy()
    rb = scored.column("rb").to_numpy()
    weight = scored.column("weight").to_numpy()
    names = [f"w_{f}" for f in pairs_module.FEATURES] + [f"{f}_level" for f in pairs_module.FEATURES]
    columns = {c: scored.column(c) for c in names}
    find = clusters.find
    for i in range(len(ra)):
        a, b = find(int(ra[i])), find(int(rb[i]))
        if a == b:
            continue
        if clusters.conflict(a, b) is not None:
            clusters.refused += 1
            continue
        w = float(weight[i])
        row: dict[str, Any] = {c: columns[c][i].as_py() for c in names}
        row["weight"] = w
        clusters.union(
            int(ra[i]),
            int(rb[i]),
            "scored",
            None,
            1.0 / (1.0 + 2.0 ** -min(w, 60.0)),
            w,
            pairs_module.explain(row),
        )


def _screening_hits(clusters: Clusters, by_ref: dict[str, list[int]], con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT party_key, list(list || ':' || entity_id), max(score), arg_max(explanation, score)"
        " FROM party_links WHERE score >= ? AND coalesce(decision, '') <> 'dismissed' GROUP BY party_key",
        [STRONG_HIT],
    ).fetchall()
    for key, entities, best, why in rows:
        mine = by_ref.get(f"pk:{key}")
        if not mine:
            continue
        targets = {clusters.find(by_ref[f"entity:{e}"][0]) for e in entities if f"entity:{e}" in by_ref}
        if len(targets) == 1:
            clusters.union(mine[0], next(iter(targets)), "screening_hit", why, float(best), None)


def _write(
    con: duckdb.DuckDBPyConnection,
    records: pa.Table,
    roots: list[int],
    refs: list[str],
    clusters: Clusters,
    report: ResolveReport,
) -> None:
    lines = records.column("lines").to_pylist()
    origins = records.column("origin").to_pylist()
    anchor: dict[int, tuple[int, int, str]] = {}
    for i, root in enumerate(roots):
        # entity refs first (stable across builds), then the busiest spelling
        rank = (0 if origins[i] == "entity" else 1, -int(lines[i] or 0), refs[i])
        if root not in anchor or rank < anchor[root]:
            anchor[root] = rank
    pid_of_root = {root: _party_id(rank[2]) for root, rank in anchor.items()}
    party_ids = [pid_of_root[r] for r in roots]
    report.parties = len(pid_of_root)
    out = records.append_column("party_id", pa.array(party_ids, pa.string()))
    out = out.append_column("record_id", pa.array(np.arange(len(out), dtype=np.int64)))
    unions = clusters.unions
    merges = pa.table(
        {
            "party_id": pa.array([party_ids[u[0]] for u in unions], pa.string()),
            "a_record": pa.array([u[0] for u in unions], pa.int64()),
            "b_record": pa.array([u[1] for u in unions], pa.int64()),
            "rule": pa.array([u[2] for u in unions], pa.string()),
            "detail": pa.array([u[3] for u in unions], pa.string()),
            "score": pa.array([u[4] for u in unions], pa.float64()),
            "match_weight": pa.array([u[5] for u in unions], pa.float64()),
            "features": pa.array([u[6] for u in unions], pa.string()),
        }
    )
    con.register("_nw_out", out)
    con.register("_nw_merges", merges)
    try:
        with transaction(con):
            con.execute("DELETE FROM party_records")
            con.execute(
                """
                INSERT INTO party_records (record_id, ref, origin, party_key, name, norm, country, raw_id,
                    ids,
                    address, schema, list, entity_id, lines, roles, party_id)
                SELECT o.record_id, o.ref, o.origin, o.party_key, o.name, r.norm, o.country, o.raw_id, o.ids,
                       o.address, o.schema, o.list, o.entity_id, o.lines, o.roles, o.party_id
                FROM _nw_out o JOIN _nw_rec r USING (record_id)
                """
            )
            con.execute("DELETE FROM party_merges")
            con.execute("INSERT INTO party_merges SELECT * FROM _nw_merges")
            _shipment_parties(con)
            refresh_parties(con)
    finally:
        con.unregister("_nw_out")
        con.unregister("_nw_merges")


def _shipment_parties(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM shipment_parties")
    con.execute(
        """
        INSERT INTO shipment_parties
        WITH r AS (
            SELECT name, coalesce(country, '') AS country, coalesce(raw_id, '') AS pid, party_id
            FROM party_records WHERE origin = 'shipment'
        )
        SELECT s.source_id, s.source_line, ps.party_id, pc.party_id
        FROM shipments s
        LEFT JOIN r ps ON ps.name = s.shipper_name AND ps.country = coalesce(s.shipper_country, '')
             AND ps.pid = coalesce(nullif(trim(s.shipper_id), ''), '')
        LEFT JOIN r pc ON pc.name = s.consignee_name AND pc.country = coalesce(s.consignee_country, '')
             AND pc.pid = coalesce(nullif(trim(s.consignee_id), ''), '')
        """
    )


def refresh_parties(con: duckdb.DuckDBPyConnection, party_ids: list[str] | None = None) -> None:
    """(Re)build the ``parties`` rows of the given parties (all when None) from their records."""
    where = ""
    params: list[Any] = []
    if party_ids is not None:
        where = "WHERE r.party_id IN (SELECT unnest(?::VARCHAR[]))"
        params = [party_ids]
        con.execute("DELETE FROM parties WHERE party_id IN (SELECT unnest(?::VARCHAR[]))", [party_ids])
    else:
        con.execute("DELETE FROM parties")
    con.execute(
        f"""
        INSERT INTO parties
        WITH r AS (SELECT * FROM party_records r {where}),
        ent AS (
            SELECT r.party_id, e.list, e.entity_id, e.caption, e.schema, e.programs,
                   {LISTED_SQL} AS listed,
                   TRY_CAST(json_extract_string(e.properties, '$.incorporationDate[0]') AS DATE) AS founded
            FROM (SELECT DISTINCT party_id, list, entity_id FROM r WHERE origin = 'entity') r
            JOIN entities e USING (list, entity_id)
        ),
        hits AS (
            SELECT r.party_id, l.programs
            FROM r JOIN party_links l ON l.party_key = r.party_key
            WHERE l.decision = 'confirmed' OR (l.score >= {STRONG_HIT} AND coalesce(l.decision,
                '') <> 'dismissed')
        ),
        names AS (
            SELECT party_id, list(name ORDER BY w DESC, name)[1:50] AS aliases
            FROM (SELECT party_id, name, sum(lines) + count(*) AS w FROM r GROUP BY 1, 2) GROUP BY 1
        ),
        dates AS (
            SELECT p AS party_id, min(s.date) AS first_date, max(s.date) AS last_date
            FROM (SELECT source_id, source_line, shipper_party AS p FROM shipment_parties
                  UNION ALL SELECT source_id, source_line, consignee_party FROM shipment_parties) sp
            JOIN shipments s USING (source_id, source_line)
            WHERE p IN (SELECT party_id FROM r)
            GROUP BY 1
        ),
        agg AS (
            SELECT party_id,
                   arg_max(name, lines) AS busiest,
                   arg_max(country, lines) FILTER (country IS NOT NULL) AS country,
                   list_sort(list_distinct(flatten(list(ids)))) AS ids,
                   count(*) AS records,
                   count(DISTINCT party_key) AS party_keys,
                   sum(lines) AS lines,
                   list_sort(list_distinct(flatten(list(roles)))) AS roles,
                   arg_max(schema, schema IS NOT NULL) AS schema
            FROM r GROUP BY party_id
        ),
        e AS (
            SELECT party_id,
                   arg_max(caption, listed::INT * 2 + (schema <> 'LegalEntity')::INT) AS caption,
                   list_sort(list_distinct(list(list || ':' || entity_id))) AS list_entities,
                   bool_or(listed) AS listed,
                   list_sort(list_distinct(flatten(list(programs) FILTER (listed)))) AS programs,
                   min(founded) AS founded
            FROM ent GROUP BY party_id
        ),
        h AS (SELECT party_id, list_distinct(flatten(list(programs))) AS programs FROM hits GROUP BY 1)
        SELECT a.party_id, coalesce(e.caption, a.busiest), a.country, a.schema, a.ids, n.aliases, a.records,
               a.party_keys, a.lines, a.roles, d.first_date, d.last_date, coalesce(e.list_entities, []),
               coalesce(e.listed, false) OR h.party_id IS NOT NULL,
               list_sort(list_distinct(list_concat(coalesce(e.programs, []), coalesce(h.programs, [])))),
               e.founded
        FROM agg a JOIN names n USING (party_id) LEFT JOIN e USING (party_id) LEFT JOIN h USING (party_id)
        LEFT JOIN dates d USING (party_id)
        """,
        params,
    )


def _relabel(con: duckdb.DuckDBPyConnection, refs: list[str], new_id: str) -> list[str]:
    old = [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT party_id FROM party_records WHERE ref IN (SELECT unnest(?::VARCHAR[]))", [refs]
        ).fetchall()
    ]
    con.execute(
        "UPDATE party_records SET party_id = ? WHERE ref IN (SELECT unnest(?::VARCHAR[]))", [new_id, refs]
    )
    return old


def _anchor(con: duckdb.DuckDBPyConnection, refs: list[str]) -> str:
    row = con.execute(
        "SELECT ref FROM party_records WHERE ref IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY origin <> 'entity', lines DESC, ref LIMIT 1",
        [refs],
    ).fetchall()
    return str(row[0][0]) if row else refs[0]


def apply_decision(con: duckdb.DuckDBPyConnection, decision: dict[str, Any]) -> None:
    """Apply a new decision to the current parties at once (party show reflects it); exposure
    and findings follow at the next ``network build``, which applies every decision anyway."""
    refs_a, refs_b = list(decision["refs_a"]), list(decision["refs_b"])
    detail = f"decision #{decision['decision_id']} by {decision['reviewer']}"
    with transaction(con):
        if decision["action"] == "merge":
            target = con.execute(
                "SELECT party_id FROM party_records WHERE ref = ? LIMIT 1", [refs_a[0]]
            ).fetchall()[0][0]
            touched = set(_relabel(con, refs_b, target)) | {target}
            a_rec = con.execute(
                "SELECT min(record_id) FROM party_records WHERE ref = ?", [refs_a[0]]
            ).fetchall()
            b_rec = con.execute(
                "SELECT min(record_id) FROM party_records WHERE ref = ?", [refs_b[0]]
            ).fetchall()
            con.execute(
                "INSERT INTO party_merges (party_id, a_record, b_record, rule, detail) VALUES (?,"
                " ?, ?, ?, ?)",
                [target, a_rec[0][0], b_rec[0][0], "analyst_merge", detail],
            )
        else:
            old = con.execute(
                "SELECT party_id FROM party_records WHERE ref = ? LIMIT 1", [refs_a[0]]
            ).fetchall()
            old_id = str(old[0][0])
            anchor_a, anchor_b = _anchor(con, refs_a), _anchor(con, refs_b)
            # the side that keeps the party's anchor keeps its id
            keep_b = _party_id(anchor_b) == old_id or _party_id(anchor_a) != old_id
            new_a = _party_id(anchor_a) if keep_b else old_id
            new_b = old_id if keep_b else _party_id(anchor_b)
            if new_a == new_b:
                new_a = _party_id(f"split:{decision['decision_id']}:{anchor_a}")
            touched = set(_relabel(con, refs_a, new_a)) | set(_relabel(con, refs_b, new_b)) | {new_a, new_b}
            con.execute("DELETE FROM party_merges WHERE party_id = ?", [old_id])
        for party in touched:
            for role in ("shipper", "consignee"):
                con.execute(
                    f"""
                    UPDATE shipment_parties sp SET {role}_party = r.party_id
                    FROM shipments s, party_records r
                    WHERE sp.source_id = s.source_id AND sp.source_line = s.source_line
                      AND sp.{role}_party = ?
                      AND r.origin = 'shipment' AND r.name = s.{role}_name
                      AND coalesce(r.country, '') = coalesce(s.{role}_country, '')
                      AND coalesce(r.raw_id, '') = coalesce(nullif(trim(s.{role}_id), ''), '')
                    """,
                    [party],
                )
        refresh_parties(con, sorted(touched))


def _applied(
    record: Callable[Concatenate[duckdb.DuckDBPyConnection, _P], dict[str, Any]], doc: str
) -> Callable[Concatenate[duckdb.DuckDBPyConnection, _P], dict[str, Any]]:
    """A decision recorded and applied in one transaction: a kill between the two would leave a
    decision that the parties do not show until the next build."""

    def run(con: duckdb.DuckDBPyConnection, /, *args: _P.args, **kwargs: _P.kwargs) -> dict[str, Any]:
        with transaction(con):
            decision = record(con, *args, **kwargs)
            apply_decision(con, decision)
        return decision

    run.__doc__ = doc
    return run


merge_parties = _applied(record_merge, "Record that two parties are one and apply it.")
split_parties = _applied(
    record_split,
    "Record that some records of a party (by name as written, or by ref) are another party and apply it.",
)
