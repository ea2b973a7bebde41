"""Shared fixtures: the demo scenario loaded, screened and built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dualtrace
from dualtrace.demo.scenario import Scenario, generate
from dualtrace.session import Dualtrace


@pytest.fixture(scope="session")
def demo_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return generate(tmp_path_factory.mktemp("network-scenario") / "data", seed=2024)


@pytest.fixture(scope="session")
def demo_db(demo_scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the scenario's declarations, lists (screened) and ownership table, built."""
    path = tmp_path_factory.mktemp("network-db") / "w.duckdb"
    with dualtrace.open(path) as dt:
        for name in ("ru_imports", "cn_exports"):
            dt.ingest_shipments(
                [demo_scenario.path(f"declarations/{name}.csv")],
                mapping=demo_scenario.path(f"declarations/{name}.yaml"),
            )
        dt.lists_load(demo_scenario.list_files())
        dt.screen_parties()
        dt.network_load_ownership([demo_scenario.path("lists/ownership.csv")])
        dt.network_build()
    return path


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Dualtrace]:
    with dualtrace.open(demo_db, read_only=True) as dt:
        yield dt


@pytest.fixture(scope="session")
def truth(demo_scenario: Scenario) -> dict[str, Any]:
    return demo_scenario.truth
