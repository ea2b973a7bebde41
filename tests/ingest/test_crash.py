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
    # How long a full load takes here, so the kill lands inside it.
    reference = run_load(tmp_path / "ref.duckdb", data, mapping)
    started = time.perf_counter()
    assert reference.wait(timeout=300) == 0, reference.stderr.read() if reference.stderr else ""
    full = time.perf_counter() - started

    db = tmp_path / "w.duckdb"
    dualtrace.open(db).close()  # an existing warehouse, as a user would have
    outcomes = set()
    for fraction in (0.6, 0.8):
        victim = run_load(db, data, mapping)
        time.sleep(full * fraction)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        sources, rows, storage = state(db)
        # Never half a file: either nothing of it, or all of it.
        assert (sources, rows, storage) in {(0, 0, 0), (1, ROWS, 1)}
        outcomes.add(sources)
        if sources:
            break
    assert 0 in outcomes, "every kill landed after the commit; the machine is too fast for this test"

    finisher = run_load(db, data, mapping)
    assert finisher.wait(timeout=300) == 0
    assert state(db) == (1, ROWS, 1)
