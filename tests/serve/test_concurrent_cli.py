"""Two writers with a real server (issues 15 and 18): `dualtrace serve` holds the warehouse, a CLI
write and a CLI read each exit 1 with one line naming the server's pid and command, two threads
writing through the server both succeed, and the warehouse is intact after the server stops."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import dualtrace
from dualtrace.cli import build_app
from dualtrace.findings import Finding, record_run
from dualtrace.warehouse import lock

SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, str, list[str]]]:
    db = tmp_path / "w.duckdb"
    with dualtrace.open(db) as dt:
        record_run(
            dt.con, "test",
            [Finding("sanctioned_counterparty", "party", f"PARTY {i}", f"party {i} ships to Russia", 0.9)
             for i in range(2)],
        )  # fmt: skip
        ids = [row["finding_id"] for row in dt.sql("SELECT finding_id FROM findings ORDER BY 1")]
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dualtrace", "serve", "--db", str(db), "--port", str(port), "--no-auth"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield proc, db, base, ids
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _one_line(args: list[str]) -> str:
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_cli_beside_a_running_server(
    server: tuple[subprocess.Popen[bytes], Path, str, list[str]], tmp_path: Path
) -> None:
    proc, db, base, ids = server
    assert lock.holder(db) is not None and lock.holder(db)["pid"] == proc.pid  # type: ignore[index]
    trade = tmp_path / "flows.csv"
    trade.write_text(
        "reporter,partner,flow,period,hs_code,value,currency\nDEU,KAZ,X,2022-01,854231,100,EUR\n",
        encoding="utf-8",
    )
    write = _one_line(["ingest", "trade", str(trade), "--db", str(db)])
    assert f"in use by pid {proc.pid} (" in write and "serve --db" in write and "--no-auth" in write
    assert "use --db another.duckdb" in write
    # DuckDB lets no other process open a file a writer holds, not even to read: same line
    read = _one_line(["findings", "--db", str(db)])
    assert f"in use by pid {proc.pid} (" in read and "serve --db" in read

    # two threads write through the server at once: both succeed (the server serialises them)
    def open_case(fid: str) -> httpx.Response:
        return httpx.post(f"{base}/api/v1/cases", json={"finding_id": fid}, timeout=30)

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(open_case, ids))
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    assert len({r.json()["case_id"] for r in responses}) == 2

    proc.terminate()
    proc.wait(timeout=20)
    assert not lock.holder_path(db).exists()  # a server stopped cleanly removes its holder file
    # the server is gone: the warehouse opens, is whole, and holds both cases and the findings
    with dualtrace.open(db, read_only=True) as dt:
        assert dt.sql("SELECT COUNT(*) AS n FROM cases")[0]["n"] == 2
        assert dt.sql("SELECT COUNT(*) AS n FROM findings")[0]["n"] == 2
    result = CliRunner().invoke(build_app(), ["ingest", "trade", str(trade), "--db", str(db)])
    assert result.exit_code == 0, result.output
