"""Benchmark of the trade-flow analytics (run on demand, not in the test suite).

    python benchmarks/analytics.py                  # 1 M, 10 M, 100 M rows and the Eurostat file
    python benchmarks/analytics.py --sizes 1 10     # millions of rows
    python benchmarks/analytics.py --skip-eurostat
    python benchmarks/analytics.py --engines        # DuckDB vs Spark local, Eurostat file at 1x and 16x

What it measures, each in its own process (seconds and peak resident memory of that process):

1. ``dualtrace`` all analytics (surge, share, divergence, diversion, mirror_gap, unit_value) over
   generated monthly trade-flow rows in Parquet (written by this script into benchmarks/.data/,
   git-ignored), read through a view with the canonical trade_flows columns;
2. the same engine running only surge and share, at the same product levels as (3);
3. a plain pandas implementation of surge and share (same levels, floors, thresholds) on the
   same rows, at the sizes that fit in memory (pandas needs the whole table in memory: the
   script says which sizes it skipped and why), so that (2) and (3) compare at equal sizes;
4. all analytics on the real Eurostat file (ingest timed separately).

Library imports are outside the timed parts of both (2) and (3).

Figures are printed as seconds, peak memory and ratios against pandas measured in the same run.
Targets (issue 5): Eurostat < 5 s; 100 M rows < 120 s within 8 GB; >= 10x pandas.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
SHARED = Path(os.environ.get("DUALTRACE_SHARED_DATA", ROOT.parent / "shared" / "data"))
EUROSTAT = SHARED / "trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz"
MONTHS = 72  # 2019-01 .. 2024-12
REPORTERS = 40
PARTNERS = 60
MEMORY_LIMIT = "6GB"  # DuckDB's own limit; the process stays under the 8 GB target
PANDAS_MAX_ROWS = 30_000_000  # above this pandas needs more memory than the machine can spare

sys.path.insert(0, str(ROOT / "src"))


# -- data ----------------------------------------------------------------------------------------


def parquet_path(millions: float) -> Path:
    return DATA / f"flows_{millions:g}M.parquet"


def generate(millions: float) -> Path:
    """Monthly flows: 40 reporters x 60 partners x N products x 72 months, with a planted
    diversion (controlled goods to RUS -90 % from 2022-03, to KGZ/ARM/KAZ x3-x7), a surge, noise,
    a tenth of the series reported by the importer (flow M), and unit values."""
    import duckdb

    path = parquet_path(millions)
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    # (60 partners less the reporter itself) x products x 72 months >= the rows asked for
    products = max(1, math.ceil(millions * 1e6 / (REPORTERS * (PARTNERS - 1) * MONTHS)))
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{DATA / 'tmp'}'")
    from dualtrace.reference import chpl_entries, nomenclature

    chpl = [e.hs6 for e in chpl_entries()]
    others = [e.code for e in nomenclature() if e.level == 6 and e.code not in chpl]
    codes = (chpl + others[: max(0, products - len(chpl))])[:products]
    countries = [
        "RUS", "KGZ", "KAZ", "ARM", "UKR", "GEO", "UZB", "TUR", "ARE", "CHN", "HKG", "IND", "BRA", "USA",
        "JPN", "KOR", "GBR", "FRA", "DEU", "ITA", "ESP", "POL", "NLD", "BEL", "SWE", "FIN", "AUT", "CZE",
        "HUN", "ROU", "BGR", "GRC", "PRT", "DNK", "IRL", "LTU", "LVA", "EST", "SVK", "SVN", "HRV", "LUX",
        "MLT", "CYP", "NOR", "CHE", "CAN", "MEX", "ARG", "CHL", "ZAF", "EGY", "MAR", "NGA", "KEN", "THA",
        "VNM", "MYS", "IDN", "PHL",
    ]  # fmt: skip
    reporters = countries[17 : 17 + REPORTERS // 2] + countries[9:17] + countries[44 : 44 + 12]
    reporters = (reporters + [c for c in countries if c not in reporters])[:REPORTERS]
    con.execute(
        "CREATE TABLE rep AS SELECT * FROM (SELECT unnest(?) AS code, generate_subscripts(?, 1) AS i)",
        [reporters, reporters],
    )
    con.execute(
        "CREATE TABLE par AS SELECT * FROM (SELECT unnest(?) AS code, generate_subscripts(?, 1) AS i)",
        [countries, countries],
    )
    con.execute(
        "CREATE TABLE prod AS SELECT * FROM (SELECT unnest(?) AS hs6, generate_subscripts(?, 1) AS i)",
        [codes, codes],
    )
    con.execute("CREATE TABLE chpl AS SELECT unnest(?) AS hs6", [chpl])
    started = time.perf_counter()
    con.execute(
        f"""COPY (
WITH s AS (
  SELECT r.code AS reporter, p.code AS partner, h.hs6, h.i AS product_i, c.hs6 IS NOT NULL AS controlled,
         ((r.i - 1) * {PARTNERS} + (p.i - 1)) * {len(codes)} + (h.i - 1) AS sid
  FROM rep r CROSS JOIN par p CROSS JOIN prod h LEFT JOIN chpl c ON c.hs6 = h.hs6
  WHERE r.code <> p.code OR p.i = {PARTNERS}
),
m AS (SELECT range AS mi, make_date(2019 + CAST(range // 12 AS INTEGER), CAST(range % 12 AS INTEGER) + 1, 1)
AS period
      FROM range({MONTHS}))
SELECT m.period, 'M' AS freq, s.reporter, s.partner,
       CASE WHEN s.sid % 10 = 0 THEN 'M' ELSE 'X' END AS flow,
       s.hs6 || '00' AS hs_code, s.hs6,
       CASE WHEN m.period >= DATE '2022-01-01' THEN 'HS2022' ELSE 'HS2017' END AS hs_version,
       CAST(ROUND(v, 2) AS DECIMAL(18, 4)) AS value, 'USD' AS currency, CAST(ROUND(v, 2) AS DECIMAL(18, 4))
       AS value_usd,
       ROUND(v / (5 + (s.product_i % 50)) * (1 + (hash(s.sid * 131 + m.mi) % 100) / 400.0), 1) AS net_kg,
       CAST(NULL AS DOUBLE) AS qty, CAST(NULL AS VARCHAR) AS qty_unit,
       1 AS source_id, s.sid * {MONTHS} + m.mi + 2 AS source_line
FROM s CROSS JOIN m,
LATERAL (SELECT
  (20000 + (hash(s.sid) % 2000000)) * (0.7 + (hash(s.sid * 7 + m.mi) % 600) / 1000.0)
  * CASE
      WHEN s.controlled AND m.period >= DATE '2022-03-01' AND s.partner = 'RUS' THEN 0.1
      WHEN s.controlled AND m.period >= DATE '2022-03-01' AND s.partner IN ('KGZ', 'ARM') THEN 6.0
      WHEN s.controlled AND m.period >= DATE '2022-03-01' AND s.partner = 'KAZ' THEN 3.0
      WHEN s.product_i % 97 = 5 AND m.period >= DATE '2023-05-01' THEN 25.0
      ELSE 1.0 END AS v) x
) TO '{path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)"""
    )
    rows = con.execute(f"SELECT COUNT(*) FROM read_parquet('{path}')").fetchone()
    print(f"  generated {path.name}: {rows[0]:,} rows in {time.perf_counter() - started:.0f}s", flush=True)
    return path


# -- tasks (each runs in its own process) ----------------------------------------------------------

COMPARE = {
    "measures": ["value"],
    "chpl": False,
    "surge": {"levels": ["hs6", "hs4"], "all_reporters": False},
    "share": {"levels": ["hs4"], "modes": ["exports"]},
}


def _warehouse(path: Path, tag: str) -> Any:
    import pyarrow as pa

    import dualtrace
    from dualtrace.reference.install import ensure_installed

    os.environ["DUALTRACE_MEMORY_LIMIT"] = MEMORY_LIMIT
    db = DATA / f"bench_{tag}.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    dt = dualtrace.open(db)
    ensure_installed(dt.con)
    # pyarrow imports pandas on first use (0.25 s): library imports stay outside the timed part,
    # as `import pandas` does in the pandas task
    pa.array([0])
    dt.con.execute(f"SET temp_directory = '{DATA / 'tmp'}'")
    dt.con.execute(f"CREATE OR REPLACE VIEW bench_flows AS SELECT * FROM read_parquet('{path}')")
    return dt


def task_dualtrace(path: Path, only: list[str] | None) -> dict[str, Any]:
    from dualtrace.analytics import compute
    from dualtrace.analytics import config as config_module

    dt = _warehouse(path, "all" if not only else "cmp")
    settings = config_module.from_dict(COMPARE if only else {})
    started = time.perf_counter()
    result = compute(dt.con, settings, only, source="bench_flows")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "findings": result.counts(),
        "steps": {k: round(v, 1) for k, v in result.seconds.items()},
    }


def task_pandas(path: Path) -> dict[str, Any]:
    """Surge and share in plain pandas: yearly sums per series at HS6 and HS4 (and every
    partner), previous-year and baseline-year log ratios with the same floor, z against earlier
    years, the same thresholds; shares of each partner in a reporter's exports per HS4 against
    the baseline year."""
    import numpy as np
    import pandas as pd

    started = time.perf_counter()
    df = pd.read_parquet(path, columns=["period", "reporter", "partner", "flow", "hs6", "value"])
    df["value"] = df["value"].astype("float64")
    df["year"] = pd.to_datetime(df["period"]).dt.year.astype("int16")
    df["hs4"] = df["hs6"].str[:4]
    for col in ("reporter", "partner", "flow", "hs6", "hs4"):
        df[col] = df[col].astype("category")
    floor, base_year = 100_000.0, 2021
    found = 0
    for level in ("hs6", "hs4"):
        for partner_star in (False, True):
            keys = ["reporter", "flow", level] + ([] if partner_star else ["partner"])
            y = df.groupby([*keys, "year"], observed=True)["value"].sum().unstack("year", fill_value=0.0)
            years = list(y.columns)
            logs = np.log(y.to_numpy() + floor)
            for j, year in enumerate(years[1:], start=1):
                cur, prev = y[year].to_numpy(), y[years[j - 1]].to_numpy()
                lr = np.log((cur + floor) / (prev + floor))
                hist = logs[:, :j]
                mean, sd = hist.mean(axis=1), hist.std(axis=1, ddof=1) if j > 1 else np.full(len(y), np.nan)
                z = (logs[:, j] - mean) / np.maximum(np.nan_to_num(sd), 0.15)
                hit = ((lr >= np.log(2)) | (lr <= np.log(0.5))) & (np.abs(cur - prev) >= 5 * floor)
                hit &= (j < 2) | ((np.abs(z) >= 2) & (z * lr > 0))
                found += int(hit.sum())
                if year > base_year + 1 and base_year in y.columns:
                    base = y[base_year].to_numpy()
                    lr_b = np.log((cur + floor) / (base + floor))
                    found += int(
                        (
                            ((lr_b >= np.log(2)) | (lr_b <= np.log(0.5))) & (np.abs(cur - base) >= 5 * floor)
                        ).sum()
                    )
    exports = df[df["flow"] == "X"]
    by = exports.groupby(["reporter", "hs4", "partner", "year"], observed=True)["value"].sum().reset_index()
    totals = by.groupby(["reporter", "hs4", "year"], observed=True)["value"].transform("sum")
    counts = by.groupby(["reporter", "hs4", "year"], observed=True)["partner"].transform("nunique")
    by["share"] = by["value"] / totals
    by = by[(totals >= 1_000_000) & (counts >= 3)]
    base = by[by["year"] == base_year][["reporter", "hs4", "partner", "share"]].rename(
        columns={"share": "base"}
    )
    joined = by[by["year"] > base_year].merge(base, on=["reporter", "hs4", "partner"], how="inner")
    found += int((np.abs(joined["share"] - joined["base"]) >= 0.15).sum())
    return {"seconds": time.perf_counter() - started, "candidates": found}


def task_eurostat() -> dict[str, Any]:
    import dualtrace

    os.environ["DUALTRACE_MEMORY_LIMIT"] = MEMORY_LIMIT
    db = DATA / "bench_eurostat.duckdb"
    db.unlink(missing_ok=True)
    dt = dualtrace.open(db)
    started = time.perf_counter()
    dt.ingest_trade([EUROSTAT], mapping=ROOT / "tests/fixtures/eurostat_cn8.yaml")
    ingest = time.perf_counter() - started
    from dualtrace.analytics import compute

    started = time.perf_counter()
    result = compute(dt.con)
    return {
        "seconds": time.perf_counter() - started,
        "ingest_seconds": ingest,
        "findings": result.counts(),
        "steps": {k: round(v, 1) for k, v in result.seconds.items()},
    }


def child(args: argparse.Namespace) -> None:
    if args.task == "dualtrace":
        out = task_dualtrace(Path(args.path), None)
    elif args.task == "dualtrace-compare":
        out = task_dualtrace(Path(args.path), ["surge", "share"])
    elif args.task == "pandas":
        out = task_pandas(Path(args.path))
    else:
        out = task_eurostat()
    out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print("RESULT " + json.dumps(out), flush=True)


def run(task: str, path: Path | None = None, timeout: int = 3600) -> dict[str, Any]:
    command = [sys.executable, __file__, "--task", task] + (["--path", str(path)] if path else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[7:])
            return result
    return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", type=float, default=[1, 10, 30, 100], help="millions of rows")
    parser.add_argument("--skip-eurostat", action="store_true")
    parser.add_argument("--engines", action="store_true", help="DuckDB vs Spark at 1x and 16x (_engines.py)")
    parser.add_argument(
        "--engines-file",
        type=Path,
        default=SHARED / "trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv",
        help="Eurostat file the engine comparison scales",
    )
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        child(args)
        return
    if args.engines:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from _engines import run as run_engines

        run_engines(DATA, args.engines_file, [1, 16])
        return
    print(
        f"machine: {os.cpu_count()} cores; DuckDB memory limit {MEMORY_LIMIT}; peak = max resident set of "
        f"the process"
    )
    rows = []
    for size in args.sizes:
        path = generate(size)
        full = run("dualtrace", path)
        cmp_ = run("dualtrace-compare", path)
        if size * 1e6 <= PANDAS_MAX_ROWS:
            pd_ = run("pandas", path)
        else:
            pd_ = {
                "skipped": f"{size:g} M rows do not fit: pandas holds the table in memory"
                f" (measured up to {PANDAS_MAX_ROWS / 1e6:g} M)"
            }
        rows.append((size, full, cmp_, pd_))
        speedup = (
            f"{pd_['seconds'] / cmp_['seconds']:.1f}x" if "seconds" in pd_ and "seconds" in cmp_ else "n/a"
        )
        print(
            f"{size:>6g} M rows | all analytics {full.get('seconds', float('nan')):7.1f}s"
            f" peak {full.get('peak_rss_gb', float('nan')):4.1f} GB"
            f" | surge+share: dualtrace {cmp_.get('seconds', float('nan')):6.1f}s"
            f" peak {cmp_.get('peak_rss_gb', float('nan')):4.1f} GB,"
            f" pandas {pd_.get('seconds', float('nan')):6.1f}s peak "
            f"{pd_.get('peak_rss_gb', float('nan')):4.1f} GB"
            f" -> dualtrace {speedup} faster",
            flush=True,
        )
        for name, r in (("all", full), ("compare", cmp_), ("pandas", pd_)):
            if "error" in r or "skipped" in r:
                print(f"         {name}: {r.get('error') or r.get('skipped')}", flush=True)
        if "steps" in full:
            print(f"         steps (s): {full['steps']}", flush=True)
    if not args.skip_eurostat:
        if EUROSTAT.exists():
            e = run("eurostat")
            print(
                f"Eurostat file (1.14 M rows): all analytics {e.get('seconds', float('nan')):.1f}s"
                f" (ingest {e.get('ingest_seconds', float('nan')):.1f}s), peak "
                f"{e.get('peak_rss_gb', float('nan')):.1f} GB,"
                f" findings {e.get('findings')}",
                flush=True,
            )
            if "steps" in e:
                print(f"         steps (s): {e['steps']}")
        else:
            print(f"Eurostat file not found at {EUROSTAT}: skipped")
    print("targets: Eurostat < 5 s; 100 M rows < 120 s within 8 GB; >= 10x pandas")


if __name__ == "__main__":
    main()
