"""The analytics' SQL is written once: every query a run executes, and every evidence query a
finding carries, transpiles to Spark SQL (sqlglot), and evidence queries run on the warehouse."""

from __future__ import annotations

import pytest

import dualtrace
from dualtrace.analytics import compute
from dualtrace.analytics.sql import to_spark
from tests.analytics.conftest import Demo


@pytest.fixture(scope="module")
def run(demo: Demo):  # type: ignore[no-untyped-def]
    with dualtrace.open(demo.db, read_only=True) as dt:
        return compute(dt.con)


def test_every_executed_query_transpiles_to_spark(run) -> None:  # type: ignore[no-untyped-def]
    assert len(run.queries) > 30
    spark = {q.label: to_spark(q.sql) for q in run.queries}
    assert "ROW_NUMBER() OVER" in spark["surge"]
    assert "RLIKE" in spark["unit value norms"]
    assert "ROUND(LN(value / net_kg) * 20)" in spark["unit value norms"]
    assert "EXCEPT (" in spark["share exports"]
    for label, text in spark.items():
        assert "QUALIFY" not in text, label
        assert " EXCLUDE " not in text.upper(), label  # DuckDB's EXCLUDE becomes Spark's EXCEPT


def test_evidence_queries_transpile_and_reproduce(run, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    with dualtrace.open(demo.db, read_only=True) as dt:
        for f in run.findings:
            assert f.evidence.query, f.headline
            to_spark(f.evidence.query)
        for kind in ("surge", "share", "diversion", "mirror_gap", "unit_value", "divergence", "new_party"):
            f = next(f for f in run.findings if f.kind == kind)
            assert dt.sql(f.evidence.query), kind  # runs read-only, returns the evidence rows
