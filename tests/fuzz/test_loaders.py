"""Property-based fuzzing of every loader (issue 18): a malformed file either loads with rows
read = loaded + quarantined, or is refused with one line and the warehouse unchanged; never a
traceback. CI runs FUZZ_EXAMPLES cases per loader; benchmarks/fuzz_loaders.py runs 1,000."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dualtrace
from tests.fuzz.strategies import LOADERS, Loader, check, malformed

FUZZ_EXAMPLES = int(os.environ.get("DUALTRACE_FUZZ_EXAMPLES", "40"))


@pytest.mark.parametrize("loader", LOADERS, ids=[loader.name for loader in LOADERS])
def test_a_malformed_file_is_loaded_accounted_or_refused_in_one_line(loader: Loader) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "fuzz.duckdb"
        dualtrace.open(db).close()
        outcomes: list[str] = []

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            outcomes.append(check(loader, data.draw(malformed(loader)), Path(folder), db))

        run()
    # the cases reach both sides: some load (accounted), some are refused
    assert len(outcomes) >= FUZZ_EXAMPLES // 2
    assert "refused" in outcomes or "loaded" in outcomes
