"""Helpers shared by the benchmarks: a data folder, child processes with time and peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("DUALTRACE_BENCH_DATA", ROOT / "benchmarks" / ".data"))

# Appended to every child: its own peak resident memory, as the last line of stdout.
_REPORT_PEAK = """
import json as _json, resource as _resource
print(_json.dumps({"peak_mb": _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@dataclass
class Measured:
    seconds: float
    peak_mb: float | None
    ok: bool
    output: dict[str, Any]
    stderr: str


def run_child(code: str, *args: str, memory_cap_gb: float | None = None) -> Measured:
    """Run Python code in a fresh process: wall time and that process's peak RSS."""
    prefix = ""
    if memory_cap_gb:
        limit = int(memory_cap_gb * 1024**3)
        prefix = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-c", prefix + code + _REPORT_PEAK, *args],
        capture_output=True,
        env=env,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    output: dict[str, Any] = {}
    for line in process.stdout.splitlines():
        if line.startswith("{"):
            output.update(json.loads(line))
    return Measured(seconds, output.get("peak_mb"), process.returncode == 0, output, process.stderr)
