"""The claims test warehouse: real Eurostat totals, the Eurostat CN8 CHPL extract, China's mineral
exports (all from ../shared/data) and the fictional rows of fictional_flows.csv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import dualtrace
from dualtrace.api import Dualtrace
from tests.conftest import shared_file

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
TOTALS = ["kyrgyz", "russia", "kazakhstan", "armenia"]


@pytest.fixture(scope="session")
def claims_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dualtrace]:
    totals = [shared_file(f"trade/eurostat/totals/{name}_export_eurostat.csv") for name in TOTALS]
    cn8 = shared_file("trade/eurostat/eu_exports_cn8_monthly_CHPL_subset.csv")
    china = shared_file("trade/china/china_exports_hs6_monthly_by_partner_2017-2024.csv")
    dt = dualtrace.open(tmp_path_factory.mktemp("claims") / "claims.duckdb")
    loads = dt.ingest_trade(totals)
    loads += dt.ingest_trade([cn8], mapping=FIXTURES / "eurostat_cn8.yaml")
    loads += dt.ingest_trade([china], mapping=FIXTURES / "china_minerals.yaml")
    loads += dt.ingest_trade([HERE / "fictional_flows.csv"], mapping=HERE / "fictional_flows.yaml")
    assert all(r.rows_quarantined == 0 and r.rows_loaded > 0 for r in loads)
    yield dt
    dt.close()
