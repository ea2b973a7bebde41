"""Run every benchmark in this folder, one after another, with its default sizes.

python benchmarks/run_all.py            # all of them (long: tens of minutes)
python benchmarks/run_all.py ingest     # only those whose name contains "ingest"
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = sys.argv[1:]
    scripts = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py")
    failed = 0
    for script in scripts:
        if wanted and not any(w in script.stem for w in wanted):
            continue
        print(f"\n=== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
