"""A load killed mid-way (SIGKILL, no clean-up at all) leaves the warehouse as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dualtrace

ROWS = 400_000
LOAD = """
import sys, dualtrace
dt = dualtrace.open(sys.argv[1])
print("open", flush=True)
dt.ingest_shipments([sys.argv[2]], mapping=sys.argv[3])
print("committed", flush=True)
"""


def make_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("decl,date,shipper,hs,description,value\n")
        for n in range(ROWS):
            handle.write(
                f"D{n},2023-{1 + n % 12:02d}-15,Shipper {n % 977} Ltd,85423{n % 10}0000,чипы {n},{n % 5000}.25\n"
            )


def run_load(db: Path, data: Path, mapping: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(dualtrace.__file__).parents[1])}
    return subprocess.Popen(
        [sys.executable, "-c", LOAD, str(db), str(data), str(mapping)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def state(db: Path) -> tuple[int, int, int]:
    with dualtrace.open(db) as dt:
        sources = dt.sql("SELECT count(*) AS n FROM sources")[0]["n"]
        rows = dt.sql("SELECT count(*) AS n FROM shipments")[0]["n"]
        storage = dt.sql("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'shipments__src%'")[
            0
        ]["n"]
    return sources, rows, storage


def test_sigkill_during_a_load(tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    make_file(data)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "table: shipments\ncolumns: {declaration_no: decl, date: date, shipper_name: shipper,"
        " hs_code: hs, description: description, value: value}\nconstants: {currency: USD}\n"
    )
    # How long the load itself takes here (from "open", so start-up is not counted), twice
    # because the first run pays for a cold cache; the kills are placed inside that span.
    spans = []
    for attempt in range(2):
        reference = run_load(tmp_path / f"ref{attempt}.duckdb", data, mapping)
        assert reference.stdout is not None and reference.stdout.readline().strip() == b"open"
        started = time.perf_counter()
        assert reference.wait(timeout=300) == 0, reference.stderr.read() if reference.stderr else ""
        spans.append(time.perf_counter() - started)
    span = min(spans)

    landed = False
    for fraction in (0.5, 0.25, 0.1, 0.02):
        db = tmp_path / f"w{fraction}.duckdb"
        dualtrace.open(db).close()  # an existing warehouse, as a user would have
        victim = run_load(db, data, mapping)
        assert victim.stdout is not None and victim.stdout.readline().strip() == b"open"
        time.sleep(span * fraction)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        sources, rows, storage = state(db)
        # Never half a file: either nothing of it, or all of it.
        assert (sources, rows, storage) in {(0, 0, 0), (1, ROWS, 1)}
        if sources == 0:
            landed = True
            break
    assert landed, f"every kill landed after the commit (the load takes {span:.2f} s here)"

    finisher = run_load(db, data, mapping)
    assert finisher.wait(timeout=300) == 0
    assert state(db) == (1, ROWS, 1)
