"""kill -9 during a real load of the shared Eurostat CN8 file (1.14M rows, gzip) at several
moments: each time the warehouse opens and holds exactly what it held before (a small file
loaded first), and the next load succeeds with every row of the file accounted for."""

from __future__ import annotations

import gzip
import subprocess
import time
from pathlib import Path

import dualtrace
from tests.conftest import shared_file
from tests.ingest.kills import kill_during, spawn

EUROSTAT = "trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz"
LOAD = """
import sys, dualtrace
with dualtrace.open(sys.argv[1]) as dt:
    print("open", flush=True)
    dt.ingest_trade([sys.argv[2]])
print("committed", flush=True)
"""
SMALL = "reporter,partner,flow,period,hs_code,value,currency\nDEU,KAZ,X,2022-01,854231,100,EUR\n"


def run_load(db: Path, data: Path) -> subprocess.Popen[str]:
    return spawn(LOAD, str(db), str(data))


def state(db: Path) -> dict[str, int]:
    with dualtrace.open(db, read_only=True) as dt:
        return {
            table: int(dt.sql(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])
            for table in ("sources", "trade_flows", "quarantine", "coverage")
        }


def test_kill_9_during_a_real_eurostat_load_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    data = shared_file(EUROSTAT)
    with gzip.open(data, "rt", encoding="utf-8") as handle:
        data_lines = sum(1 for _ in handle) - 1  # counted here, not by dualtrace
    db = tmp_path / "w.duckdb"
    small = tmp_path / "small.csv"
    small.write_text(SMALL, encoding="utf-8")
    with dualtrace.open(db) as dt:
        dt.ingest_trade([small])
    before = state(db)
    assert before["sources"] == 1 and before["trade_flows"] == 1

    # how long the load takes on this machine from "open" (start-up not counted), so the kills land inside it
    reference = run_load(tmp_path / "ref.duckdb", data)
    assert reference.stdout is not None and reference.stdout.readline().strip() == "open"
    started = time.perf_counter()
    assert reference.wait(timeout=600) == 0, reference.stderr.read() if reference.stderr else ""
    full = time.perf_counter() - started

    landed, committed = kill_during(lambda: run_load(db, data), full, lambda: state(db), before)
    if committed is not None:
        # the load had committed before the kill: then all of it is there, never a part
        assert committed["sources"] == 2 and committed["trade_flows"] + committed["quarantine"] >= data_lines
    assert landed >= 1, f"every kill came after the commit (a load takes {full:.1f} s here)"

    if state(db)["sources"] == 1:
        finisher = run_load(db, data)
        assert finisher.wait(timeout=600) == 0, finisher.stderr.read() if finisher.stderr else ""
    final = state(db)
    with dualtrace.open(db, read_only=True) as dt:
        (source,) = [s for s in dt.sources() if s["filename"] == Path(EUROSTAT).name]
    assert source["rows_read"] == data_lines == source["rows_loaded"] + source["rows_quarantined"]
    assert final["trade_flows"] == before["trade_flows"] + source["rows_loaded"]
    assert final["sources"] == 2 and final["coverage"] > before["coverage"]
