"""Real public files load completely, and what the warehouse says equals what the files say."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from decimal import Decimal

from dualtrace.reference.countries import resolve
from dualtrace.session import Dualtrace
from tests.conftest import shared_file
from tests.ingest.conftest import FIXTURES

EUROSTAT = "trade/eurostat/eu_exports_cn8_monthly_RU_BY_AM_GE_KG_KZ_UZ_2020-2022.csv.gz"
COMTRADE = "trade/comtrade/comtradeplus_api_CHN_8542_annual_2010-2021.csv"
EDITIONS = {"H3": "HS2007", "H4": "HS2012", "H5": "HS2017", "H6": "HS2022"}


def test_eurostat_totals_per_partner_and_year_equal_the_raw_file(warehouse: Dualtrace) -> None:
    path = shared_file(EUROSTAT)
    [report] = warehouse.ingest_trade([path], mapping=FIXTURES / "eurostat_cn8.yaml")

    expected: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    rows = 0
    labels = set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            expected[(resolve(row["partner"]) or "?", int(row["month"][:4]))] += Decimal(row["value_eur"])
            if row["cn8"].endswith("]"):
                labels.add(row["cn8"][-5:-1])
    assert rows > 1_100_000
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (rows, rows, 0)

    got = warehouse.sql("SELECT partner, year(period) AS y, sum(value) AS v FROM trade_flows GROUP BY ALL")
    assert {(r["partner"], r["y"]): r["v"] for r in got} == dict(expected)

    # Products given as an HS4 text label "... [8471]" keep their 4-digit heading.
    four = warehouse.sql("SELECT DISTINCT hs_code FROM trade_flows WHERE length(hs_code) = 4")
    assert {r["hs_code"] for r in four} == labels
    assert len(labels) > 100


def test_comtrade_sample_is_detected_and_accounted_row_by_row(warehouse: Dualtrace) -> None:
    path = shared_file(COMTRADE)
    [report] = warehouse.ingest_trade([path])
    assert report.layout == "comtrade"

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    totals = [r for r in rows if r["partner2Code"] == "0"]
    assert report.rows_read == len(rows) == report.rows_loaded + report.rows_quarantined
    assert report.rows_loaded == len(totals)

    loaded = warehouse.sql(
        "SELECT source_line, period, freq, reporter, partner, flow, hs_code, hs_version, value,"
        " value_usd, currency, net_kg FROM trade_flows ORDER BY source_line"
    )
    by_line = {i + 2: r for i, r in enumerate(rows)}
    for record in loaded:
        raw = by_line[record["source_line"]]
        assert raw["partner2Code"] == "0"
        assert record["period"].year == int(raw["period"])
        assert (record["reporter"], record["partner"], record["flow"]) == ("CHN", "USA", "M")
        assert record["value"] == Decimal(raw["primaryValue"]) == record["value_usd"]
        assert record["currency"] == "USD" and record["freq"] == "A"
        assert record["hs_code"] == "8542"
        assert record["hs_version"] == EDITIONS[raw["classificationCode"]]

    # The breakdown rows are not lost: each is in quarantine with its line and the reason.
    kept_out = warehouse.quarantine(limit=1000)
    assert len(kept_out) == report.rows_quarantined
    for q in kept_out:
        assert by_line[q["line"]]["partner2Code"] != "0"
        assert "partner2Code" in q["reason"]


def test_korean_declarations_load_through_a_mapping(warehouse: Dualtrace) -> None:
    files = [shared_file(f"shipments/df_syn_{part}_eng.csv") for part in ("train", "valid", "test")]
    reports = warehouse.ingest_shipments(files, mapping=FIXTURES / "korean_declarations.yaml")
    expected_rows = 0
    for path, report in zip(files, reports, strict=True):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        expected_rows += len(rows)
        assert report.rows_read == len(rows) == report.rows_loaded + report.rows_quarantined
        stored = warehouse.sql(
            "SELECT count(*) AS n, sum(value) AS v FROM shipments WHERE source_id = ?", [report.source_id]
        )[0]
        quarantined_lines = {q["line"] for q in warehouse.quarantine(report.source_id, limit=100_000)}
        kept = [r for i, r in enumerate(rows) if i + 2 not in quarantined_lines]
        assert stored["n"] == len(kept)
        # Values are stored as DECIMAL(18, 4): the synthetic prices carry float noise beyond that.
        cents = Decimal("0.0001")
        assert stored["v"] == sum(Decimal(r["Item Price"]).quantize(cents) for r in kept)
    assert expected_rows == 54_000
    sample = warehouse.sql(
        "SELECT hs6, destination_country, currency, json_extract_string(extra, '$.Fraud') AS fraud"
        " FROM shipments LIMIT 1"
    )[0]
    assert len(sample["hs6"]) == 6 and sample["destination_country"] == "KOR"
    assert sample["currency"] == "KRW" and sample["fraud"] in {"0", "1"}


def test_eurostat_extractions_load_whole_in_either_label_style(warehouse: Dualtrace) -> None:
    # Plain labels ("EXPORT", "Total") and "code and label" ("2-EXPORT", "TOTAL-Total") alike.
    folder = shared_file("trade/eurostat/totals")
    files = sorted(folder.glob("*.csv"))
    reports = warehouse.ingest_trade(files)
    for path, report in zip(files, reports, strict=True):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert report.layout == "eurostat-extract"
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (len(rows), len(rows), 0), (
            path.name
        )
        total = warehouse.sql(
            "SELECT sum(value) AS v FROM trade_flows WHERE source_id = ?", [report.source_id]
        )[0]["v"]
        assert total == sum(Decimal(r["VALUE_IN_EUR"]) for r in rows)
