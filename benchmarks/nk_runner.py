"""Run nomenklatura's logic-v2 (benchmarks/nk_logic_v2.py) in its own virtualenv: it pins
duckdb < 2, which dualtrace does not use. The venv is made on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NK_VENV = ROOT / "benchmarks" / ".venv-nk"


def nk_python() -> Path:
    python = NK_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {NK_VENV} with nomenklatura (separate venv: it pins duckdb < 2) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(NK_VENV)], check=True)
        requirements = ROOT / "benchmarks" / "requirements-nk.txt"
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
    return python


def run_nk(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [str(nk_python()), str(ROOT / "benchmarks" / "nk_logic_v2.py")],
        input="".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks),
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
