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

The rules are in ``join_rules.py``, the record table they read in ``record_table.py``, what is
written in ``party_table.py``; decisions taken after a build are applied by ``apply_decisions.py``.

Steps 3-6 never join two clusters that hold different values of one strong id scheme, two
entries of one list, the two sides of an analyst's split, a dismissed screening pair, or a person
and an organisation.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.network import join_rules
from dualtrace.network import pairs as pairs_module
from dualtrace.network.clustering import Clusters
from dualtrace.network.party_table import write_parties
from dualtrace.network.record_table import load_record_table, with_readings
from dualtrace.network.records import entity_records, ownership_records, shipment_records
from dualtrace.normalize.name_keys import key_pool, name_keys

__all__ = ["ResolveReport", "resolve_parties"]


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
    records, names, distinct, keys = with_readings(records, names, distinct, keys)
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
    decisions = join_rules.constrain(clusters, records, records.column("schema").to_pylist(), by_ref, con)
    report.decisions_applied = decisions.applied
    report.decisions_voided = decisions.voided
    join_rules.forced(clusters, by_ref, con)
    join_rules.same_id(clusters, records)
    join_rules.same_name(clusters, con)
    timer.lap("ids and names")

    scored = pairs_module.score_pairs(con, threshold)
    report.candidate_pairs = int(con.execute("SELECT count(*) FROM _nw_pairs").fetchall()[0][0])
    timer.lap("blocking and scoring")
    join_rules.scored(clusters, scored)
    join_rules.screening_hits(clusters, by_ref, con)
    report.refused = clusters.refused
    timer.lap("clustering")

    roots = clusters.roots()
    report.parties = write_parties(con, records, roots, refs, clusters)
    timer.lap("write")
    for union in clusters.unions:
        report.unions[union[2]] = report.unions.get(union[2], 0) + 1
    for name in ("_nw_rec", "_nw_units", "_nw_unitmap", "_nw_unit_ids", "_nw_keys", "_nw_keyed", "_nw_pairs"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return report
