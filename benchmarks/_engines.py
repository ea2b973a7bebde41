"""DuckDB against Spark (local) on the Eurostat file at 1x and 16x, in one run
(`python benchmarks/analytics.py --engines`).

The 16x warehouse is the file's rows 16 times, each copy after the first sending the same
exports to other partner countries (so the rows are new series, not duplicates that the flows
cleaning would drop). Each engine runs all analytics in its own process; time is wall time of
`compute` (Spark: session start, Parquet export and compute are timed apart), peak memory is the
largest resident set of the process and its children (the JVM), sampled every 0.1 s.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests/fixtures/eurostat_cn8.yaml"


def build(data: Path, source: Path, scale: int) -> Path:
    """A warehouse with the file loaded (scaled: a CSV of the copies, loaded as one file) and its
    Parquet export."""
    import dualtrace

    db = data / f"engines_{source.stem}_{scale}x.duckdb"
    if db.exists():
        return db
    data.mkdir(parents=True, exist_ok=True)
    path = source
    if scale > 1:
        path = _scaled(build(data, source, 1), source, scale, data / f"{source.stem}_{scale}x.csv")
    with dualtrace.open(db) as dt:
        dt.ingest_trade([path], mapping=FIXTURE)
        dt.export_parquet(db.with_suffix(".parquet"))
    return db


def _scaled(base: Path, source: Path, scale: int, out: Path) -> Path:
    """The file's rows `scale` times; copy k > 0 sends them to spare countries (ISO3 codes no
    reporter or partner of the file uses), one per original partner."""
    import csv

    import dualtrace

    with dualtrace.open(base, read_only=True) as dt:
        used = {r["c"] for r in dt.sql("SELECT DISTINCT partner AS c FROM trade_flows UNION SELECT reporter FROM trade_flows")}
        spare = [r["iso3"] for r in dt.sql("SELECT iso3 FROM ref_countries WHERE NOT is_area ORDER BY iso3") if r["iso3"] not in used]
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    partners = sorted({r["partner"] for r in rows})
    if len(spare) < len(partners) * (scale - 1):
        raise SystemExit(f"{scale}x needs {len(partners) * (scale - 1)} spare countries, there are {len(spare)}")
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for k in range(scale):
            remap = {p: spare[(k - 1) * len(partners) + i] for i, p in enumerate(partners)} if k else {}
            for r in rows:
                writer.writerow({**r, "partner": remap.get(r["partner"], r["partner"])})
    return out


class Peak:
    """Largest resident set of this process and its children (the JVM), sampled."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = self.process.memory_info().rss
            for child in self.process.children(recursive=True):
                with contextlib.suppress(Exception):  # a child that just exited
                    total += child.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 1024**3


def task(engine: str, db: Path) -> dict[str, Any]:
    import dualtrace
    from dualtrace.analytics import compute

    peak = Peak()
    out: dict[str, Any] = {}
    with dualtrace.open(db, read_only=True) as dt:
        if engine == "duckdb":
            started = time.perf_counter()
            result = compute(dt.con)
        else:
            from dualtrace.analytics.engines import SparkEngine, spark_session

            t0 = time.perf_counter()
            session = spark_session("local[2]")
            out["session_seconds"] = time.perf_counter() - t0
            started = time.perf_counter()
            result = compute(SparkEngine(session, db.with_suffix(".parquet")))
        out["seconds"] = time.perf_counter() - started
        out["rows"] = dt.con.execute("SELECT COUNT(*) FROM trade_flows").fetchone()[0]
    out["findings"] = sum(result.counts().values())
    out["peak_gb"] = peak.stop()
    return out


def child(engine: str, db: str) -> None:
    print("RESULT " + json.dumps(task(engine, Path(db))), flush=True)


def run(data: Path, source: Path, scales: list[int]) -> None:
    print(f"engines: DuckDB vs Spark local[2] on {source.name}, all analytics", flush=True)
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for scale in scales:
        started = time.perf_counter()
        db = build(data, source, scale)
        print(f"  {scale}x warehouse + Parquet ready ({time.perf_counter() - started:.0f}s)", flush=True)
        for engine in ("duckdb", "spark"):
            done = subprocess.run(
                [sys.executable, __file__, engine, str(db)], capture_output=True, text=True, check=False
            )
            found = [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
            r = found[0] if found else {"error": done.stderr.strip().splitlines()[-1:]}
            results[(scale, engine)] = r
            extra = f" (+{r['session_seconds']:.1f}s session start)" if "session_seconds" in r else ""
            print(
                f"  {scale:>3}x {r.get('rows', 0):>10,} rows | {engine:6} {r.get('seconds', float('nan')):7.1f}s{extra}"
                f" peak {r.get('peak_gb', float('nan')):4.1f} GB | findings {r.get('findings')} {r.get('error', '')}",
                flush=True,
            )
    _crossover(results, scales)


def _crossover(results: dict[tuple[int, str], dict[str, Any]], scales: list[int]) -> None:
    """Where Spark would catch up, extrapolated linearly from the two sizes (an estimate)."""
    if len(scales) < 2 or any("seconds" not in results[(s, e)] for s in scales for e in ("duckdb", "spark")):
        return
    lo, hi = scales[0], scales[-1]
    d = [results[(s, "duckdb")]["seconds"] for s in (lo, hi)]
    k = [results[(s, "spark")]["seconds"] for s in (lo, hi)]
    rows = [results[(s, "duckdb")]["rows"] for s in (lo, hi)]
    per_row_d = (d[1] - d[0]) / (rows[1] - rows[0])
    per_row_k = (k[1] - k[0]) / (rows[1] - rows[0])
    ratio = k[1] / d[1]
    print(f"  Spark / DuckDB time: {k[0] / d[0]:.1f}x at {lo}x, {ratio:.1f}x at {hi}x", flush=True)
    if per_row_k >= per_row_d:
        print(
            "  estimate: on one machine Spark never catches up (its time per extra row is not below DuckDB's);"
            " it pays off only when the data no longer fits one machine's disk or memory",
            flush=True,
        )
    else:
        fixed = k[0] - per_row_k * rows[0] - (d[0] - per_row_d * rows[0])
        print(f"  estimate (linear): Spark catches up near {fixed / (per_row_d - per_row_k):,.0f} rows", flush=True)


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
