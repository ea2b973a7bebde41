"""Adding an analytic is one registry record plus its module: the runner, `--only`, the stored
run and the report all take it from data/analytics.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

import dualtrace
from dualtrace.analytics import registry
from dualtrace.analytics.config import ConfigError
from dualtrace.report.data import kind_order, title
from tests.ingest.conftest import write

TOY = """
toy:
  module: tests.analytics.toy_analytic
  reads: flows
  kinds: {toy_kind: Toy findings}
  report: 0
  aliases: [toys]
"""


@pytest.fixture
def with_toy(monkeypatch: pytest.MonkeyPatch) -> None:
    records = registry.parse(registry.registry_text() + TOY)
    monkeypatch.setattr(registry, "_records", lambda: records)


def test_packaged_registry_names_every_analytic_module_and_kind() -> None:
    for analytic in registry.analytics():
        module = analytic.module()
        entry = "run_shipments" if analytic.reads == "shipments" else "run"
        assert callable(getattr(module, entry)), f"{analytic.name}: {module.__name__} has no {entry}()"
    assert list(kind_order())[:2] == ["diversion", "surge"]
    assert registry.get("mirror").name == "mirror_gap"
    with pytest.raises(ConfigError, match="unknown analytic 'nope'; use one of surge"):
        registry.get("nope")


def test_a_new_analytic_needs_only_its_record_and_module(with_toy: None, tmp_path: Path) -> None:
    trade = write(
        tmp_path / "flows.csv",
        "reporter,partner,cn8,month,value_eur\nGermany,Armenia,85423100,2022-01,10\n"
        "France,Armenia,85423100,2022-01,20\n",
    )
    with dualtrace.open(tmp_path / "w.duckdb") as dt:
        dt.ingest_trade([trade], mapping=write(tmp_path / "m.yaml", MAPPING))
        result = dt.analyze(only=["toys"])
        stored = dt.con.execute("SELECT kind, subject FROM findings ORDER BY subject").fetchall()
    assert [f.subject for f in result.findings] == ["DEU", "FRA"]
    assert stored == [("toy_kind", "DEU"), ("toy_kind", "FRA")]
    assert kind_order()[0] == "toy_kind"
    assert title("toy_kind") == "Toy findings"


MAPPING = (
    "table: trade_flows\ncolumns: {reporter: reporter, partner: partner, hs_code: cn8, period: month,"
    " value: value_eur}\nconstants: {flow: X, currency: EUR}\n"
)
