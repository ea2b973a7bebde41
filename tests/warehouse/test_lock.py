"""Two writers (issues 15 and 18): while one process holds the warehouse, a CLI write gets one
line naming the holder's pid and command, and the warehouse is intact afterwards; a holder file
left by a killed process names nobody and blocks nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.warehouse import lock

HOLD = """
import sys, time, dualtrace
dt = dualtrace.open(sys.argv[1])
dt.con.execute("SELECT 1")
print("holding", flush=True)
time.sleep(60)
"""


def _trade(tmp_path: Path) -> Path:
    path = tmp_path / "flows.csv"
    path.write_text(
        "reporter,partner,flow,period,hs_code,value,currency\nDEU,KAZ,X,2022-01,854231,100,EUR\n",
        encoding="utf-8",
    )
    return path


def test_a_second_writer_is_told_who_holds_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with dualtrace.open(db) as dt:
        dt.con.execute("SELECT 1")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), "--port", "8123"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        recorded = json.loads(lock.holder_path(db).read_text(encoding="utf-8"))
        assert recorded["pid"] == holder.pid
        result = CliRunner().invoke(build_app(), ["ingest", "trade", str(_trade(tmp_path)), "--db", str(db)])
        assert result.exit_code == 1
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert f"in use by pid {holder.pid}" in lines[0] and "--port 8123" in lines[0]
        assert "use --db another.duckdb" in lines[0]
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone (killed: its file stays, stale): the warehouse opens and loads
    assert lock.holder(db) is None
    result = CliRunner().invoke(build_app(), ["ingest", "trade", str(_trade(tmp_path)), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with dualtrace.open(db, read_only=True) as dt:
        assert dt.sql("SELECT COUNT(*) AS n FROM trade_flows")[0]["n"] == 1


def test_the_holder_file_is_removed_on_close_and_a_stale_one_names_nobody(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with dualtrace.open(db) as dt:
        dt.con.execute("SELECT 1")
        assert lock.holder(db) is not None and lock.holder(db)["pid"] == os.getpid()  # type: ignore[index]
    assert not lock.holder_path(db).exists()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.holder_path(db).write_text(json.dumps({"pid": dead.pid, "host": os.uname().nodename}), "utf-8")
    time.sleep(0.05)
    assert lock.holder(db) is None and lock.describe(db) is None
