"""Warehouses the analytics tests share: the demo scenario (generated once per session) and
small hand-made files for the rules that must hold exactly."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import dualtrace
from dualtrace.analytics import AnalyticsConfig, AnalyzeResult
from dualtrace.analytics import config as config_module
from dualtrace.demo.scenario import Scenario, generate
from dualtrace.findings import Finding
from dualtrace.session import Dualtrace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = 2024


@dataclass
class Demo:
    scenario: Scenario
    db: Path
    result: AnalyzeResult  # default settings: what the engine finds by itself

    @property
    def truth(self) -> dict[str, Any]:
        return self.scenario.truth

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.result.findings if f.kind == kind]


def load_demo(scenario: Scenario, db: Path) -> None:
    with dualtrace.open(db) as dt:
        dt.ingest_trade(sorted(scenario.paths("trade/")))
        for name in ("ru_imports", "cn_exports"):
            dt.ingest_shipments(
                [scenario.path(f"declarations/{name}.csv")],
                mapping=scenario.path(f"declarations/{name}.yaml"),
            )


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo")
    scenario = generate(folder / "data", seed=SEED)
    db = folder / "demo.duckdb"
    load_demo(scenario, db)
    with dualtrace.open(db) as dt:
        result = dt.analyze()
    return Demo(scenario, db, result)


def truth_config(truth: dict[str, Any]) -> AnalyticsConfig:
    """Settings that define the baskets and categories exactly as truth.json states its figures
    (the engine's own defaults find the same stories with its own definitions)."""
    eu = truth["trade_patterns"]["eu_diversion"]
    drones = truth["trade_patterns"]["drones_russia_vs_ukraine"]["codes"]
    ceramics = truth["trade_patterns"]["ceramics_divergence"]["codes"]
    return config_module.from_dict(
        {
            "categories": {
                "drones": drones,
                "ceramics": ceramics,
                "ics": ["854231", "854232", "854233", "854239"],
            },
            "max_findings": 400,
            "diversion": {
                "controlled": eu["controlled_cn8"],
                "other": eu["control_cn8"],
                "before": ["2021-01", "2021-12"],
                "after": ["2023-01", "2023-12"],
            },
            "share": {"levels": ["category"], "min_change": 0.05},
            "divergence": {"levels": ["category"]},
            "surge": {"levels": ["category", "hs6"], "max_per_partner": 100},
            "mirror_gap": {"levels": ["category"]},
        }
    )


@pytest.fixture(scope="session")
def truth_run(demo: Demo) -> AnalyzeResult:
    """The analytics with truth.json's definitions, computed without storing a run."""
    from dualtrace.analytics import compute

    with dualtrace.open(demo.db) as dt:
        return compute(dt.con, truth_config(demo.truth))


@pytest.fixture
def demo_copy(demo: Demo, tmp_path: Path) -> Path:
    """A private copy of the demo warehouse for tests that write to it."""
    target = tmp_path / "demo.duckdb"
    shutil.copy(demo.db, target)
    return target


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# the columns of a small hand-made trade file, as MAPPING reads them
HEADER = "period,reporter,partner,flow,code,value,currency,kg"
MAPPING = """table: trade_flows
columns: {period: period, reporter: reporter, partner: partner, flow: flow, hs_code: code, value: value,
  currency: currency, net_kg: kg}
constants: {freq: M}
"""


@pytest.fixture
def small(tmp_path: Path) -> Iterator[tuple[Dualtrace, Path]]:
    """An empty warehouse and the mapping for small hand-made trade files."""
    mapping = tmp_path / "small.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    with dualtrace.open(tmp_path / "small.duckdb") as dt:
        yield dt, mapping


def ingest_rows(small: tuple[Dualtrace, Path], name: str, rows: list[str], header: str = HEADER) -> Dualtrace:
    """Write the rows as a small trade file next to the mapping, load it, return the warehouse."""
    dt, mapping = small
    dt.ingest_trade([write_csv(mapping.parent / name, header, rows)], mapping=mapping)
    return dt


def months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}-01")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
