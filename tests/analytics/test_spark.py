"""Every analytic on the real Eurostat CN8 extract, once on DuckDB and once on a local Spark
session reading the exported Parquet: the same findings (kinds, keys, periods, figures to 1e-9
relative) in the same order, and `analyze --engine spark` stores them like DuckDB's."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import dualtrace
from dualtrace.analytics import AnalyzeResult, compute
from dualtrace.analytics.engines import SparkEngine
from dualtrace.errors import InputError
from tests.analytics.conftest import FIXTURES
from tests.conftest import shared_file

pytestmark = pytest.mark.spark

SUBSET = "trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv"


def same(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two finding records differ (floats compared to 1e-9 relative)."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return [] if a is b else [f"{path}: {a!r} != {b!r}"]
        x, y = float(a), float(b)
        if math.isnan(x) and math.isnan(y):
            return []
        return [] if math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {x!r} != {y!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in same(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, spark_session: Any) -> tuple[AnalyzeResult, AnalyzeResult, Path]:
    folder = tmp_path_factory.mktemp("spark")
    db = folder / "eu.duckdb"
    with dualtrace.open(db) as dt:
        dt.ingest_trade([shared_file(SUBSET)], mapping=FIXTURES / "eurostat_cn8.yaml")
        dt.export_parquet(folder / "pq")
        duck = compute(dt.con)
    spark = compute(SparkEngine(spark_session, folder / "pq"))
    return duck, spark, db


def test_every_analytic_gives_the_same_findings_on_spark(both: tuple[AnalyzeResult, AnalyzeResult, Path]) -> None:
    duck, spark, _ = both
    # the extract has flows only (no shipments): every flow analytic that finds something here
    assert {"surge", "collapse", "share", "diversion"} <= set(duck.counts())
    assert duck.counts() == spark.counts()
    assert [(f.kind, f.subject) for f in duck.findings] == [(f.kind, f.subject) for f in spark.findings]
    diffs = [d for a, b in zip(duck.findings, spark.findings, strict=True) for d in same(a.to_record(), b.to_record(), f"{a.kind}:{a.subject}")]
    assert not diffs, "\n".join(diffs[:20])
    # every query ran on Spark, through the log (the Parquet tables first)
    assert spark.queries[0].label == "source trade_flows"
    assert len(spark.queries) == len(duck.queries) + sum(1 for q in spark.queries if q.label.startswith("source "))


def test_analyze_engine_spark_stores_the_findings(both: tuple[AnalyzeResult, AnalyzeResult, Path], spark_session: Any) -> None:
    _, _, db = both
    with dualtrace.open(db) as dt:
        duck = compute(dt.con, only=["share"])
        stored = dt.analyze(engine="spark", only=["share"])
        findings = dt.findings(kinds=["share"])
        params = dt.sql(f"SELECT params FROM runs WHERE run_id = '{stored.run_id}'")
        with pytest.raises(InputError, match="no Parquet for"):
            dt.analyze(engine="spark", parquet=db.parent / "nowhere")
    assert len(findings) == len(stored.findings) == len(duck.findings) > 0
    mine = sorted((f.subject, f.score) for f in findings)
    assert not same(mine, sorted((f.subject, f.score) for f in duck.findings))
    assert '"engine": "spark"' in str(params[0]["params"])
