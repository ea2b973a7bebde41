"""Load benchmark of `dualtrace serve`: many concurrent clients on the yente-shaped /match.

    PYTHONPATH=src /work/main/.venv/bin/python benchmarks/serve_load.py [--seconds 60] [--clients 200]

1. Builds a warehouse in benchmarks/.data/serve-load/: the demo scenario (fictional, offline; built
   once and kept) copied fresh for each run, plus the OFAC SDN lists of ../shared/data/sanctions
   when present (so the blocking has a real-sized list to search).
2. Creates an analyst API key, starts `dualtrace serve` as a child process on a free loopback port.
3. Runs N concurrent clients (asyncio, one httpx connection each), each sending
   `POST /api/v1/match/all` with one FtM example per request (varied names: spellings of listed
   names mixed with unrelated company names) until the time is up. Any non-2xx or transport error
   counts as an error.
4. In the same run, screens the same names in-process through `Dualtrace.screen` (what the server
   calls for each query), one name per call, and prints the ratio server : in-process names/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402

import dualtrace  # noqa: E402
from _common import DATA  # noqa: E402
from dualtrace.demo.runner import run as run_demo  # noqa: E402
from screening import make_names  # noqa: E402

SHARED = Path(os.environ.get("DUALTRACE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sanctions"
SDN = ["ofac/sdn_2024-05-03.csv", "ofac/alt_2025-02.csv", "ofac/add_2025-02.csv"]
FOLDER = DATA / "serve-load"


def build(names_wanted: int) -> tuple[Path, str, list[str], str]:
    """A fresh warehouse, an analyst key, the names to send, and what lists it holds."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    demo_db = FOLDER / "demo-output" / "demo.duckdb"
    if not demo_db.exists():
        print("building the demo warehouse once (about 30 s) ...", flush=True)
        run_demo(FOLDER / "demo-output", lambda _line: None)
    db = FOLDER / "serve.duckdb"
    db.unlink(missing_ok=True)
    shutil.copy(demo_db, db)
    with dualtrace.open(db) as dt:
        sdn = [SHARED / f for f in SDN]
        if all(f.exists() for f in sdn):
            dt.lists_load(sdn)
        key = dt.keys_create("analyst", label="serve-load benchmark")
        names, _ = make_names(dt.con, names_wanted, seed=15)
        lists = ", ".join(f"{s['list']} ({s['targets']})" for s in dt.lists_status())
    return db, key, names, lists


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "dualtrace", "serve", "--db", str(db), "--port", str(port)]
    log = (FOLDER / "server.log").open("wb")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}); see {FOLDER / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not answer /health within 60 s; see {FOLDER / 'server.log'}")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


async def client(n: int, url: str, key: str, names: list[str], until: float, tally: Tally) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers) as http:
        i = n
        while time.monotonic() < until:
            name = names[i % len(names)]
            i += 7919  # a prime stride: clients walk the names in different orders
            body = {"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}}
            started = time.perf_counter()
            try:
                response = await http.post(url, json=body)
            except httpx.HTTPError as exc:
                tally.errors[type(exc).__name__] += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            if not 200 <= response.status_code < 300:
                tally.errors[f"HTTP {response.status_code}"] += 1


async def load(port: int, key: str, names: list[str], clients: int, seconds: float) -> tuple[Tally, float]:
    url = f"http://127.0.0.1:{port}/api/v1/match/all"
    # warm up as in_process does: the first screens pay one-off costs, not counted
    await client(0, url, key, names, time.monotonic() + 1, Tally())
    tally = Tally()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(client(n, url, key, names, until, tally) for n in range(clients)))
    return tally, time.monotonic() - started


def in_process(db: Path, names: list[str], seconds: float) -> tuple[int, float]:
    """Names screened per second through Dualtrace.screen, one name per call as the server does
    (same cutoff and limit as the server's defaults), after the server has let the file go."""
    with dualtrace.open(db) as dt:
        dt.screen(names[:5], threshold=0.5, limit=5)  # warm up (first-use costs)
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            dt.screen([names[done % len(names)]], threshold=0.5, limit=5)
            done += 1
        return done, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients send")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients, one connection each")
    parser.add_argument("--names", type=int, default=2000, help="distinct names to cycle through")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    db, key, names, lists = build(args.names)
    print(f"warehouse {db}: lists {lists}; {len(names)} names", flush=True)
    port = free_port()
    server = start_server(db, port)
    try:
        print(f"{args.clients} clients for {args.seconds:.0f} s on port {port} ...", flush=True)
        tally, elapsed = asyncio.run(load(port, key, names, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    # in-process for a third of the time (at least 5 s): enough for a steady rate
    done, local_s = in_process(db, names, max(5.0, args.seconds / 3))

    lat = sorted(tally.latencies)
    requests = len(lat) + sum(v for k, v in tally.errors.items() if not k.startswith("HTTP"))
    errors = sum(tally.errors.values())
    server_rate = (requests - errors) / elapsed
    local_rate = done / local_s
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) >= 2 else [float("nan")] * 99
    figures: dict[str, Any] = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": requests,
        "errors": errors,
        "error_kinds": dict(tally.errors),
        "requests_per_s": round(requests / elapsed, 1),
        "server_names_per_s": round(server_rate, 1),
        "latency_mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else float("nan"),
        "latency_p50_ms": round(q[49] * 1000, 1),
        "latency_p95_ms": round(q[94] * 1000, 1),
        "latency_p99_ms": round(q[98] * 1000, 1),
        "in_process_names_per_s": round(local_rate, 1),
        "ratio_server_to_in_process": round(server_rate / local_rate, 3),
        "cpus": os.cpu_count(),
    }
    print()
    print(f"{'figure':32s} value")
    for name, value in figures.items():
        print(f"{name:32s} {value}")
    print(
        f"\nserver : in-process = {figures['ratio_server_to_in_process']:.2f} "
        "(one name per request and per call; the server also checks the key and audits each request)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
