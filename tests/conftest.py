"""Shared fixtures. Real public data is read from ../shared/data (never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: a property test checks what a function does, not how fast (speed is
# measured in benchmarks/); on a loaded machine the first example, which loads pypinyin's
# dictionary, took 387 ms against the default 200 ms and failed the suite.
settings.register_profile("dualtrace", deadline=None)
settings.load_profile("dualtrace")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DUALTRACE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_file(relative: str) -> Path:
    """Path of a file under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path} (the ../shared/data folder is absent)")
    return path


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def spark_session():  # type: ignore[no-untyped-def]
    """One local Spark session for the whole test run (local[2], small shuffles, no UI), or a
    skip naming what is missing."""
    import shutil

    pytest.importorskip("pyspark", reason="pyspark is not installed (the dev extra installs it)")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: Spark needs a JRE 17+ (.ci/apt-packages installs it)")
    from dualtrace.analytics.engines import spark_session as make

    session = make("local[2]", app="dualtrace-tests")
    yield session
    session.stop()
