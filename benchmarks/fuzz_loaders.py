"""The loader fuzzing of tests/fuzz at full size: 1,000 generated malformed files per loader
(CI runs 40 each). Prints per loader the cases run, how many loaded, were already loaded or were
refused in one line, the failures (a traceback or a miscount: must be 0) and cases/s.

    PYTHONPATH=src:. .venv/bin/python benchmarks/fuzz_loaders.py [--cases N] [--only NAME]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz.strategies import LOADERS, Loader, run_cases


def fuzz(loader: Loader, cases: int) -> tuple[Counter[str], str | None, float]:
    started = time.perf_counter()
    failure = None
    outcomes: Counter[str] = Counter()
    try:
        outcomes.update(run_cases(loader, cases))
    except AssertionError as exc:
        failure = str(exc)
    return outcomes, failure, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--only", default=None, help="one loader by name, e.g. 'trade csv'")
    args = parser.parse_args()
    print(
        f"{'loader':<20} {'cases':>6} {'loaded':>7} {'already':>8} {'refused':>8} {'failures':>9} {'cases/s':>8}"
    )
    failed = 0
    for loader in LOADERS:
        if args.only and loader.name != args.only:
            continue
        outcomes, failure, seconds = fuzz(loader, args.cases)
        n = sum(outcomes.values())
        failed += failure is not None
        print(
            f"{loader.name:<20} {n:>6} {outcomes['loaded']:>7} {outcomes['already']:>8} {outcomes['refused']:>8}"
            f" {int(failure is not None):>9} {n / seconds:>8.1f}"
        )
        if failure:  # the traceback's last lines: where it broke and why
            print("  first failure:\n    " + "\n    ".join(failure.splitlines()[-8:]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
