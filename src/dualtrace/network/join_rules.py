"""The rules that join records into clusters, in the order party resolution applies them.

See ``resolve.py`` for the order and what steps 3-6 never join; each join is kept as merge
evidence by ``Clusters``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.network import pairs as pairs_module
from dualtrace.network.clustering import Clusters
from dualtrace.network.decisions import Constraints, decision_constraints
from dualtrace.network.ids import STRONG, is_strong, parse_ref
from dualtrace.normalize.party_keys import STRONG_HIT

__all__ = ["constrain", "forced", "same_id", "same_name", "scored", "screening_hits"]

ORG_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})


def constrain(
    clusters: Clusters,
    records: pa.Table,
    schemas: list[str | None],
    by_ref: dict[str, list[int]],
    con: duckdb.DuckDBPyConnection,
) -> Constraints:
    """Constrain each record by its strong ids, kind and list entry, then by the decisions (kept
    in ``_nw_forced`` for ``forced``); the decisions are returned for the report."""
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
    for ref, tags in decisions.tags.items():
        for i in by_ref.get(ref, []):
            for scheme, value in tags:
                clusters.constrain(i, scheme, [value])
    con.execute("CREATE OR REPLACE TEMP TABLE _nw_forced (rule VARCHAR, refs VARCHAR[], detail VARCHAR)")
    if decisions.merges:
        con.executemany("INSERT INTO _nw_forced VALUES (?, ?, ?)", [list(m) for m in decisions.merges])
    return decisions


def forced(clusters: Clusters, by_ref: dict[str, list[int]], con: duckdb.DuckDBPyConnection) -> None:
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


def same_id(clusters: Clusters, records: pa.Table) -> None:
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


def same_name(clusters: Clusters, con: duckdb.DuckDBPyConnection) -> None:
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


def scored(clusters: Clusters, scored: pa.Table) -> None:
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


def screening_hits(clusters: Clusters, by_ref: dict[str, list[int]], con: duckdb.DuckDBPyConnection) -> None:
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
