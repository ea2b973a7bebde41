"""The vectorised engine on a small fictional warehouse: tags, unit values, findings, currencies,
and agreement with the per-row rules."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from typing import Any

import pytest

from dualtrace.goods import Classifier, default_catalogue
from dualtrace.goods.unit_values import check_rows
from dualtrace.session import Dualtrace

COLUMNS = [
    "date",
    "declaration_no",
    "line_no",
    "shipper_name",
    "consignee_name",
    "hs_code",
    "description",
    "value",
    "currency",
    "value_usd",
    "qty",
    "qty_unit",
    "net_kg",
]
MAPPING = (
    "table: shipments\ncolumns:\n"
    + "".join(f"  {c}: {c}\n" for c in COLUMNS)
    + "constants:\n  direction: import\n"
)


def _lines() -> list[dict[str, Any]]:
    """Fictional lines: honest dresses, armor among them, a machining centre at a toy price,
    parts under a CHPL code, values in two currencies."""
    rng = random.Random(7)
    rows: list[dict[str, Any]] = []

    def add(**row: Any) -> None:
        row.setdefault("date", "2023-03-01")
        row.setdefault("declaration_no", f"D{len(rows):05d}")
        row.setdefault("line_no", 1)
        row.setdefault("value_usd", "")
        row.setdefault("net_kg", "")
        rows.append(row)

    for i in range(30):  # honest dresses, 3-9 USD a piece
        qty = rng.randint(100, 900)
        add(
            shipper_name="Needle Co",
            consignee_name="OOO Moda",
            hs_code="6211430000",
            description="ПЛАТЬЯ ЖЕНСКИЕ",
            value=f"{qty * rng.uniform(3, 9):.2f}",
            currency="USD",
            value_usd="",
            qty=qty,
            qty_unit="PCS",
            line_no=i + 1,
        )
    fields = ("shipper_name", "consignee_name", "hs_code", "description", "value", "currency", "value_usd")
    vest = ("Tiandun", "OOO Rubezh", "6211430000", "ЖИЛЕТ ЗАЩИТНЫЙ БР4")
    for i in range(4):  # vests at 150 USD a piece, under the same code
        add(
            **dict(zip(fields, (*vest, "15000", "USD", ""), strict=True)),
            qty=100,
            qty_unit="PCS",
            line_no=i + 1,
        )
    fixed: tuple[tuple[Any, ...], ...] = (
        (*vest, "700000", "CNY", "", 500, "PCS"),  # vests again, in yuan
        ("Lathe Ltd", "OOO Metall", "8457101000", "CNC MACHINING CENTRE", "300", "USD", "300", 1, "PCS"),
        ("Chip HK", "OOO Pribor", "8542310000", "ЗАПЧАСТИ", "1000", "EUR", "1090", 10, "PCS"),
        ("Chip HK", "OOO Pribor", "8542310000", "MICROCONTROLLERS", "2000", "EUR", "2180", 1000, "PCS"),
        ("Chip HK", "OOO Pribor", "", "", "", "", "", "", ""),  # a line with nothing on it
    )
    for *values, pieces, unit in fixed:
        add(**dict(zip(fields, values, strict=True)), qty=pieces, qty_unit=unit)
    return rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dualtrace, list[dict[str, Any]]]]:
    folder = tmp_path_factory.mktemp("engine")
    rows = _lines()
    data = folder / "lines.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (folder / "lines.yaml").write_text(MAPPING, encoding="utf-8")
    dt = Dualtrace(folder / "w.duckdb")
    [report] = dt.ingest_shipments([data], mapping=folder / "lines.yaml")
    assert report.rows_loaded == len(rows) - 1  # the line without a code is quarantined
    dt.classify()
    yield dt, rows
    dt.close()


def _tags(dt: Dualtrace) -> dict[str, dict[str, Any]]:
    return {r["declaration_no"] + "#" + str(r["line_no"]): r for r in dt.sql("SELECT * FROM goods_shipments")}


def test_every_line_is_tagged_once(warehouse: tuple[Dualtrace, list[dict[str, Any]]]) -> None:
    dt, rows = warehouse
    counts = dt.sql(
        "SELECT (SELECT count(*) FROM shipments) AS lines, count(*) AS tags,"
        " count(DISTINCT (source_id, source_line)) AS keys FROM goods_shipment_tags"
    )[0]
    assert counts["lines"] == counts["tags"] == counts["keys"] == len(rows) - 1


def test_unit_value_of_vests_among_dresses(warehouse: tuple[Dualtrace, list[dict[str, Any]]]) -> None:
    dt, _ = warehouse
    vest = _tags(dt)["D00030#1"]
    assert vest["flags"] == ["described_as_other_goods", "unit_value"]
    assert vest["unit_basis"] == "USD/PCS" and vest["unit_value"] == pytest.approx(150.0)
    assert "the median" in vest["reasons"][1] and "of 30 lines under 6211.43" in vest["reasons"][1]
    # the CNY vest has no peers in CNY: no unit-value flag, and no dress is flagged
    assert _tags(dt)["D00034#1"]["flags"] == ["described_as_other_goods"]
    assert not any(t["mismatch"] for t in _tags(dt).values() if t["description"] == "ПЛАТЬЯ ЖЕНСКИЕ")


def test_floor_price(warehouse: tuple[Dualtrace, list[dict[str, Any]]]) -> None:
    dt, _ = warehouse
    centre = _tags(dt)["D00035#1"]
    assert centre["flags"] == ["unit_value"]
    assert centre["reasons"] == [
        "unit value 300.00 USD/PCS is below 5000 USD, the least machining centres for metal"
        " under 8457.10 can cost"
    ]


def test_findings_keep_currencies_apart(warehouse: tuple[Dualtrace, list[dict[str, Any]]]) -> None:
    dt, _ = warehouse
    [armor] = [f for f in dt.findings(["misdeclaration"]) if f.metrics["category"] == "body_armor"]
    assert armor.metrics["lines"] == 5
    assert armor.metrics["value_by_currency"] == {"USD": 60000.0, "CNY": 700000.0}
    assert armor.metrics["value_usd"] is None  # no line of the group carries value_usd
    assert "USD 60,000" in armor.headline and "CNY 700,000" in armor.headline
    assert len(armor.evidence.rows) == 5 and {r.table for r in armor.evidence.rows} == {"shipments"}
    assert armor.evidence.query is not None
    assert len(dt.sql(armor.evidence.query)) == 5
    chips = [
        f
        for f in dt.findings(["controlled_goods"])
        if f.metrics["category"] == "chpl_1" and f.metrics["role"] == "consignee"
    ]
    assert [(f.metrics["party"], f.metrics["lines"], f.metrics["value_usd"]) for f in chips] == [
        ("OOO PRIBOR", 2, pytest.approx(3270.0))
    ]
    assert chips[0].metrics["value_by_currency"] == {"EUR": 3000.0}


def test_rerun_replaces_tags(warehouse: tuple[Dualtrace, list[dict[str, Any]]]) -> None:
    dt, _ = warehouse
    first = dt.sql("SELECT count(*) AS n, max(run_id) AS run FROM goods_shipment_tags")[0]
    dt.classify()
    second = dt.sql("SELECT count(*) AS n, max(run_id) AS run FROM goods_shipment_tags")[0]
    assert first["n"] == second["n"] and first["run"] != second["run"]


def test_vectorised_tags_equal_the_per_line_rules(warehouse: tuple[Dualtrace, list[dict[str, Any]]]) -> None:
    """The engine judges distinct pairs and does unit values in SQL; judging each line in Python
    with the same rules must give the same flags and reasons."""
    dt, _ = warehouse
    rows = dt.sql(
        "SELECT s.*, t.flags AS t_flags, t.reasons AS t_reasons, t.categories AS t_categories"
        " FROM shipments s JOIN goods_shipment_tags t USING (source_id, source_line)"
    )
    fresh = Classifier(default_catalogue())
    verdicts = [fresh.judge(r["hs_code"], "HS2022", r["description"]) for r in rows]
    inputs = [
        {
            **{k: r[k] for k in ("value", "currency", "value_usd", "qty", "qty_unit", "net_kg")},
            "hs6": fresh.code(r["hs_code"], "HS2022").hs2022[0],
            "peer": not v.described_as_other,
        }
        for r, v in zip(rows, verdicts, strict=True)
    ]
    units = check_rows(inputs, default_catalogue().unit_value_floors)
    for row, verdict, unit in zip(rows, verdicts, units, strict=True):
        flags = [f.kind for f in verdict.flags] + (["unit_value"] if unit.flagged else [])
        reasons = [f.reason for f in verdict.flags] + ([unit.reason] if unit.reason else [])
        assert (row["t_flags"], row["t_reasons"], row["t_categories"]) == (
            flags,
            reasons,
            list(verdict.categories),
        )


def test_pairs_found_by_hash_or_by_text_give_the_same_tags(
    warehouse: tuple[Dualtrace, list[dict[str, Any]]],
) -> None:
    dt, _ = warehouse
    source = (
        "SELECT source_id, source_line, hs_code, 'HS2022' AS hs_version, description, value, currency,"
        " value_usd, qty, qty_unit, net_kg FROM shipments"
    )
    results = []
    for hash_keys in (True, False):
        Classifier(default_catalogue()).tag(dt.con, source, hash_keys=hash_keys)
        results.append(
            dt.con.execute(
                "SELECT source_id, source_line, categories, flags, reasons, unit_value FROM _goods_result"
                " ORDER BY source_id, source_line"
            ).fetchall()
        )
        Classifier.cleanup(dt.con)
    assert results[0] == results[1] and len(results[0]) > 30
