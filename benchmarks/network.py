"""Benchmark: party resolution of generated declaration lines, against the generator's truth.

    python benchmarks/network.py                          # 5 M lines, 300,000 firms
    python benchmarks/network.py --lines 500000 --companies 30000
    python benchmarks/network.py --calibrate --seed 11    # m/u weights per feature level

Generates labelled lines (``dualtrace.demo.party_lines``: Chinese, Russian, Korean... firms with
noisy spellings, transliterations, typos, missing ids), stores them in a fresh warehouse, then in
a child process of its own (so its time and peak memory are its own) resolves every party with
``dualtrace.network.resolve.resolve_parties``. Prints seconds, peak memory and pairwise
precision / recall, per declaration mention and per distinct written record, next to the
baseline measured in the same run on the same records: grouping names by their normalised
form (``dualtrace.normalize.names.analyze(name).norm``) alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("DUALTRACE_BENCH_DATA", ROOT / "benchmarks" / ".data"))
sys.path.insert(0, str(ROOT / "src"))

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from dualtrace.warehouse.db import connect
from dualtrace.network.resolve import resolve_parties
con = connect(sys.argv[1])
started = time.perf_counter()
report = resolve_parties(con, progress=lambda s: print(json.dumps({"phase": s,
    "t": time.perf_counter() - started}),
                                                       file=sys.stderr, flush=True))
seconds = time.perf_counter() - started
con.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "workers_peak_mb": children,
    "report": report.as_dict()}))
"""


def build(path: Path, lines: int, companies: int, seed: int) -> tuple[int, float]:
    from dualtrace.demo import party_lines as synthetic
    from dualtrace.warehouse.db import connect

    started = time.perf_counter()
    table = synthetic.generate(lines, companies, seed)
    if path.exists():
        path.unlink()
    con = connect(path)
    source_id = synthetic.install(con, table)
    con.close()
    return source_id, time.perf_counter() - started


def calibrate(path: Path, source_id: int) -> None:
    """m and u of every feature level on the candidate pairs, from the generator's truth."""
    import math

    from dualtrace.network import pairs
    from dualtrace.warehouse import facts
    from dualtrace.warehouse.db import connect

    con = connect(path)
    storage = facts.storage_table("shipments", source_id)
    con.execute(
        f"""
        CREATE TEMP TABLE truth AS
        SELECT name, country, pid, mode(truth) AS truth FROM (
            SELECT shipper_name AS name, shipper_country AS country, nullif(trim(shipper_id), '') AS pid,
                   _truth_shipper AS truth FROM "{storage}"
            UNION ALL
            SELECT consignee_name, consignee_country, nullif(trim(consignee_id), ''), _truth_consignee
            FROM "{storage}") GROUP BY ALL
        """
    )
    _units_only(con)
    sql = pairs.pair_features(con)
    con.execute(
        """
        CREATE TEMP TABLE unit_truth AS
        SELECT m.unit, mode(t.truth) AS truth
        FROM _nw_unitmap m JOIN _nw_rec r USING (record_id)
        JOIN truth t ON t.name = r.name AND coalesce(t.country, '') = coalesce(r.country, '')
             AND coalesce(t.pid, '') = coalesce(r.raw_id, '')
        GROUP BY m.unit
        """
    )
    con.execute(
        f"CREATE TEMP TABLE labelled AS SELECT l.*, ta.truth = tb.truth AS match FROM ({sql}) l"
        " JOIN unit_truth ta ON ta.unit = l.u JOIN unit_truth tb ON tb.unit = l.v"
    )
    total = con.execute("SELECT count(*), sum(match::INT) FROM labelled").fetchall()[0]
    print(
        f"candidate pairs {total[0]:,}, matches {total[1]:,}: prior log2 = "
        f"{math.log2(total[1] / (total[0] - total[1])):+.2f}"
    )
    for feature in pairs.FEATURES:
        rows = con.execute(
            f"SELECT {feature}_level, sum(match::INT), sum((NOT match)::INT) FROM labelled GROUP"
            " BY 1 ORDER BY 1"
        ).fetchall()
        print(feature)
        for level, m, u in rows:
            weight = math.log2(((m + 1) / (total[1] + 1)) / ((u + 1) / (total[0] - total[1] + 1)))
            print(f"  {level:28s} m={m:>9,} u={u:>9,} weight {weight:+6.2f}")
    con.close()


def _units_only(con: object) -> None:
    """Build the temp tables of a resolution (records, units) without clustering."""
    import numpy as np
    import pyarrow as pa

    from dualtrace.network import pairs
    from dualtrace.network.record_table import load_record_table
    from dualtrace.network.records import shipment_records
    from dualtrace.normalize.name_keys import name_keys

    records = shipment_records(con)  # type: ignore[arg-type]
    names = records.column("name").to_pylist()
    distinct = sorted(set(names))
    load_record_table(con, records, names, distinct, name_keys(distinct, None))  # type: ignore[arg-type]
    # calibrate() joins the generator's truth on the name and id as written
    written = pa.table(
        {
            "record_id": pa.array(np.arange(len(records), dtype=np.int64)),
            "name": records.column("name"),
            "raw_id": records.column("raw_id"),
        }
    )
    con.register("_written", written)  # type: ignore[attr-defined]
    con.execute(  # type: ignore[attr-defined]
        "CREATE OR REPLACE TEMP TABLE _nw_rec AS SELECT r.*, w.name, w.raw_id FROM _nw_rec r JOIN _written w"
        " USING (record_id) ORDER BY record_id"
    )
    pairs.build_units(con)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--companies", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--calibrate", action="store_true", help="print m/u weights instead of timing")
    parser.add_argument("--reuse", action="store_true", help="reuse the generated warehouse if present")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"network_{args.lines}_{args.companies}_{args.seed}.duckdb"
    if args.reuse and path.exists():
        source_id = 1
        print(f"reusing {path}")
    else:
        source_id, seconds = build(path, args.lines, args.companies, args.seed)
        print(
            f"generated {args.lines:,} lines between {args.companies:,} firms (seed {args.seed})"
            f" in {seconds:.0f}s"
        )
    if args.calibrate:
        calibrate(path, source_id)
        return 0
    process = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(ROOT / "src")],
        capture_output=True,
        text=True,
        check=False,
    )
    if process.returncode != 0:
        print(process.stderr)
        return 1
    result = json.loads(process.stdout.strip().splitlines()[-1])
    report = result["report"]
    from dualtrace.demo import party_lines as synthetic
    from dualtrace.warehouse.db import connect

    con = connect(path)
    scores = synthetic.evaluate(con, source_id)
    con.close()
    print(
        f"records {report['records']:,} ({report['distinct_names']:,} distinct names,"
        f" {report['units']:,} units, "
        f"{report['candidate_pairs']:,} candidate pairs) -> {report['parties']:,} parties"
    )
    print("phases (s): " + ", ".join(f"{k} {v}" for k, v in report["seconds"].items()))
    print(
        f"resolution: {result['seconds']:.0f} s wall, peak memory {result['peak_mb']:,.0f} MB"
        f" (name-key workers {result['workers_peak_mb']:,.0f} MB each at most); target < 600 s, < 16 GB"
    )
    print(f"{'':24s}{'precision':>10s}{'recall':>10s}{'f1':>8s}{'clusters':>11s}")
    for label, key in (
        ("dualtrace, mentions", "mentions"),
        ("baseline,  mentions", "baseline_mentions"),
        ("dualtrace, records", "records"),
        ("baseline,  records", "baseline_records"),
    ):
        s = scores[key]
        print(f"{label:24s}{s['precision']:>10.4f}{s['recall']:>10.4f}{s['f1']:>8.4f}{s['clusters']:>11,}")
    print(f"true firms: {scores['mentions']['true_clusters']:,}; baseline = exact normalised name")
    ok = (
        result["seconds"] < 600
        and scores["mentions"]["precision"] >= 0.95
        and scores["mentions"]["recall"] >= 0.95
    )
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
