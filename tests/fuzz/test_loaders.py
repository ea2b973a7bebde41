"""Property-based fuzzing of every loader (issue 18): a malformed file either loads with rows
read = loaded + quarantined, or is refused with one line and the warehouse unchanged; never a
traceback. CI runs FUZZ_EXAMPLES cases per loader, the same ones each run; benchmarks/fuzz_loaders.py
runs 1,000 new ones."""

from __future__ import annotations

import os

import pytest

from tests.fuzz.strategies import LOADERS, Loader, run_cases

FUZZ_EXAMPLES = int(os.environ.get("DUALTRACE_FUZZ_EXAMPLES", "40"))


@pytest.mark.parametrize("loader", LOADERS, ids=[loader.name for loader in LOADERS])
def test_a_malformed_file_is_loaded_accounted_or_refused_in_one_line(loader: Loader) -> None:
    outcomes = run_cases(loader, FUZZ_EXAMPLES, derandomize=True)
    # hypothesis ran the cases (it may stop early only when it has run out of new ones)
    assert len(outcomes) >= FUZZ_EXAMPLES // 2
    assert {"loaded", "refused"} & set(outcomes)
