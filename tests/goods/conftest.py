"""Fixtures of the goods tests: the shipped catalogue, a classifier, the demo warehouse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dualtrace.goods import Catalogue, Classifier, default_catalogue
from dualtrace.session import Dualtrace


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="session")
def classifier(catalogue: Catalogue) -> Classifier:
    return Classifier(catalogue)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dualtrace, dict[str, Any]]]:
    """The demo scenario generated, loaded and classified (about 8 s)."""
    from dualtrace.demo.scenario import generate

    out = tmp_path_factory.mktemp("goods-demo")
    scenario = generate(out / "data")
    dt = Dualtrace(out / "demo.duckdb")
    dt.ingest_trade(sorted(scenario.paths("trade/")))
    for name in ("ru_imports", "cn_exports"):
        dt.ingest_shipments(
            [scenario.path(f"declarations/{name}.csv")], mapping=scenario.path(f"declarations/{name}.yaml")
        )
    report = dt.classify()
    truth = json.loads(Path(scenario.path("truth.json")).read_text("utf-8"))
    truth["_report"] = report
    yield dt, truth
    dt.close()
