"""truth.json agrees with the files: every planted figure is recomputed from what was written."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import pytest

from dualtrace.demo.scenario import Scenario, ids

from .conftest import decoded

RU, CN = "declarations/ru_imports.csv", "declarations/cn_exports.csv"
RU_WIDTH, CN_WIDTH = 24, 21
RU_USD, CN_USD = 19, 16  # column index of the USD value


def cents(text: str, decimal_comma: bool) -> int:
    value = Decimal(text.replace(",", ".") if decimal_comma else text)
    return int(value * 100)


def usd_of(file: str, row: list[str]) -> int:
    return cents(row[RU_USD], True) if file == RU else cents(row[CN_USD], False)


def key_of(file: str, row: list[str]) -> str:
    return f"{row[0]}#{row[1]}" if file == RU else f"{row[1]}#{row[2]}"


def line_refs(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (file, line ref) nested anywhere in a truth subtree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in (RU, CN) and isinstance(v, dict) and "lines" in v:
                yield k, v
            else:
                yield from line_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from line_refs(v)


# ------------------------------------------------------------------------------------------------
# Declarations
# ------------------------------------------------------------------------------------------------


def test_malformed_rows_are_exactly_where_truth_says(
    truth: dict[str, Any],
    ru_rows: dict[int, list[str]],
    cn_rows: dict[int, list[str]],
    scenario: Scenario,
) -> None:
    malformed = truth["malformed_rows"]
    assert 3 <= len(malformed) <= 5
    where = {(m["file"], m["line"]): m for m in malformed}
    for file, rows, width in ((RU, ru_rows, RU_WIDTH), (CN, cn_rows, CN_WIDTH)):
        lines = decoded(scenario, file).splitlines()
        fmt = "%d.%m.%Y" if file == RU else "%Y-%m-%d"
        date_col = 2 if file == RU else 0
        for n, row in rows.items():
            if n == 1:
                continue
            m = where.get((file, n))
            problems = []
            if len(row) != width:
                problems.append("field_count")
            else:
                try:
                    dt.datetime.strptime(row[date_col], fmt)
                except ValueError:
                    problems.append("invalid_date")
                try:
                    usd_of(file, row)
                except (InvalidOperation, ValueError):
                    problems.append("non_numeric_value")
            if m is None:
                assert not problems, (file, n, problems, row)
            else:
                assert problems and m["kind"].startswith(problems[0]), (m, problems)
                assert lines[n - 1] == m["raw"]
                assert m["declaration_no"] == row[0 if file == RU else 1]


def test_every_line_ref_matches_the_files(
    truth: dict[str, Any], ru_rows: dict[int, list[str]], cn_rows: dict[int, list[str]]
) -> None:
    rows = {RU: ru_rows, CN: cn_rows}
    malformed = {(m["file"], m["line"]) for m in truth["malformed_rows"]}
    seen = 0
    for file, ref in line_refs(truth):
        assert len(ref["lines"]) == ref["count"] == len(ref["keys"])
        total = 0
        for line, key in zip(ref["lines"], ref["keys"], strict=True):
            assert (file, line) not in malformed
            row = rows[file][line]
            assert key_of(file, row) == key
            total += usd_of(file, row)
        assert total == ref["value_usd_cents"]
        assert ref["value_usd"] == round(total / 100, 2)
        seen += 1
    assert seen > 50


def test_story_headlines(truth: dict[str, Any]) -> None:
    s = truth["stories"]
    armor = s["misdeclared_body_armor"]
    assert armor["lines"]["total"]["count"] == 40
    assert set(armor["by_declared_hs6"]) <= {"621143", "630790", "950300", "950699", "690912",
                                              "691490"}  # fmt: skip
    assert armor["control_group"]["lines"]["total"]["count"] >= 40
    thermal = s["thermal_imagers"]
    assert thermal["lines"]["total"]["count"] == 220
    assert thermal["lines"]["total"]["value_usd"] == 11_000_000.0
    assert len(thermal["by_consignee"]) == 6
    assert thermal["vague_description_lines"]["total"]["count"] > 5
    assert set(thermal["by_hs6"]) == {"852589", "901380", "901310", "900580"}
    group = s["group_subsidiaries"]
    assert group["lines"]["total"]["count"] == 281
    assert len(group["by_end_user"]) == 4
    assert len(group["subsidiaries"]) == 10
    hk = s["hk_intermediary"]
    assert len(hk["consignees"]) == 15
    assert hk["as_shipper_in_ru_imports"]["count"] >= 150
    assert min(hk["first_line_date"].values()) >= "2022-04-12"
    fast = s["fast_growing_importer"]
    assert fast["by_year"]["2021"]["value_usd"] == 400_000.0
    assert fast["by_year"]["2023"]["value_usd"] == 30_000_000.0
    assert fast["growth_2023_vs_2021"] == 75.0
    assert len(s["sanctioned_counterparties"]["listed_parties"]) == 8


def test_expected_matches_quote_the_files(
    truth: dict[str, Any], ru_rows: dict[int, list[str]], cn_rows: dict[int, list[str]]
) -> None:
    rows = {RU: ru_rows, CN: cn_rows}
    col = {(RU, "shipper_name"): 3, (RU, "consignee_name"): 6, (CN, "shipper_name"): 3,
           (CN, "consignee_name"): 5}  # fmt: skip
    id_col = {(RU, "consignee_name"): 7, (CN, "shipper_name"): 4}
    matches = truth["expected_matches"]
    assert len(matches) > 300
    decoy_keys = {
        k
        for ref in truth["stories"]["decoys"]["parties"].values()
        for f in (RU, CN)
        if f in ref["lines"]
        for k in ref["lines"][f]["keys"]
    }
    for m in matches:
        row = rows[m["file"]][m["line"]]
        assert row[col[(m["file"], m["field"])]] == m["text"]
        assert key_of(m["file"], row) == m["key"] not in decoy_keys
        if (m["file"], m["field"]) in id_col:
            assert row[id_col[(m["file"], m["field"])]] == m["id_on_line"]
        assert m["list_entries"]
    # variant spellings and ids both occur
    texts = {m["text"] for m in matches}
    assert any("ШЭНЬЧЖЭНЬ" in t for t in texts) and any(t == "OOO VEKTRAMASH" for t in texts)
    assert sum(m["id_matches_list"] for m in matches) > 50


def test_party_spellings_are_counted(truth: dict[str, Any]) -> None:
    for key in truth["stories"]["sanctioned_counterparties"]["listed_parties"]:
        party = truth["parties"][key]
        assert party["list_entries"]
        for fields in party["appearances"].values():
            for field, ref in fields.items():
                if field == "manufacturer":
                    continue
                assert sum(s["count"] for s in ref["spellings"]) >= ref["count"]
        kinds = {k for fields in party["appearances"].values() for ref in fields.values()
                 for s in ref.get("spellings", []) for k in s["kinds"]}  # fmt: skip
        assert len(kinds) >= 3, (key, kinds)


def test_ids_have_valid_check_digits(truth: dict[str, Any]) -> None:
    for party in truth["parties"].values():
        found = party["ids"]
        if "uscc" in found:
            assert ids.is_valid_uscc(found["uscc"]), party["key"]
        if "inn" in found:
            assert ids.is_valid_inn10(found["inn"]), party["key"]
        if "ogrn" in found:
            assert ids.is_valid_ogrn(found["ogrn"]), party["key"]


def test_ownership(truth: dict[str, Any]) -> None:
    group = truth["ownership"]["group"]
    assert len(group) == 12
    shares = [g["share"] for g in group]
    assert sum(s >= 50 for s in shares) >= 10
    assert sum(1 for g in group if g["end_date"]) == 1
    chain = [g for g in group if g["parent"] != "cn_tianyuan"]
    assert len(chain) == 1 and chain[0]["effective_share_from_group_parent"] == 52.5


# ------------------------------------------------------------------------------------------------
# Trade flows
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(scenario: Scenario) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    trade = scenario.out_dir / "trade"
    c.execute(f"""CREATE TABLE comtrade AS SELECT filename, reporterISO AS reporter,
        partnerISO AS partner, flowCode AS flow, cmdCode AS code, CAST(refYear AS INT) AS year,
        CAST(refMonth AS INT) AS month, CAST(primaryValue AS DOUBLE) AS value,
        CAST(netWgt AS DOUBLE) AS kg
        FROM read_csv('{trade}/comtrade_*.csv', header=true, all_varchar=true, filename=true)""")
    c.execute(f"""CREATE TABLE comext AS SELECT DECLARANT_ISO AS reporter, PARTNER_ISO AS partner,
        PRODUCT_NC AS code, CAST(substr(PERIOD, 1, 4) AS INT) AS year,
        CAST(VALUE_IN_EUROS AS BIGINT) AS value
        FROM read_csv('{trade}/comext_*.csv', header=true, all_varchar=true)""")
    return c


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> float:
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None
    return float(row[0] or 0)


def test_eu_diversion(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> None:
    eu = truth["trade_patterns"]["eu_diversion"]
    for partner, row in eu["by_partner"].items():
        for basket, codes in (("controlled", eu["controlled_cn8"]), ("control", eu["control_cn8"])):
            for year in (2021, 2023):
                got = one(con, "SELECT sum(value) FROM comext WHERE partner = ? AND year = ? AND "
                          "list_contains(?, code)", partner, year, codes)  # fmt: skip
                assert got == row[basket][f"eur_{year}"], (partner, basket, year)
    by = eu["by_partner"]
    assert by["RU"]["controlled"]["change_pct"] == pytest.approx(-90, abs=0.5)
    for partner, factor in (("KZ", 3.5), ("AM", 5.0), ("KG", 7.0)):
        assert by[partner]["controlled"]["ratio_2023_2021"] == pytest.approx(factor, abs=0.01)
    for partner in by:
        assert abs(by[partner]["control"]["change_pct"]) < 20  # roughly flat everywhere
    assert by["RU"]["did_log_points"] < -2 < 1 < by["KZ"]["did_log_points"]


def test_china_patterns(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> None:
    p = truth["trade_patterns"]
    ics = p["china_ics_to_russia"]
    for year, value in ics["usd_by_year"].items():
        got = one(con, "SELECT sum(value) FROM comtrade WHERE reporter='CHN' AND partner='RUS' "
                  "AND flow='X' AND code LIKE '8542%' AND year = ?", int(year))  # fmt: skip
        assert got == value
    assert ics["ratio_2023_2021"] > 2
    share = p["china_share_of_russia_ics"]["by_year"]
    for year in ("2021", "2023"):
        total = one(con, "SELECT sum(value) FROM comtrade WHERE partner='RUS' AND flow='X' AND "
                    "code LIKE '8542%' AND year = ?", int(year))  # fmt: skip
        assert total == share[year]["total_usd"]
    assert share["2021"]["china_share"] < 0.6
    assert share["2023"]["china_share"] == pytest.approx(0.90, abs=0.001)

    drones = p["drones_russia_vs_ukraine"]
    for partner in ("RUS", "UKR"):
        got = one(con, "SELECT sum(value) FROM comtrade WHERE reporter='CHN' AND partner=? AND "
                  "year=2023 AND list_contains(?, code)", partner, drones["codes"])  # fmt: skip
        assert got == drones["usd_2023"][partner]
    assert drones["ratio_rus_ukr_2023"] == pytest.approx(30, abs=0.1)

    alu = p["aluminum_oxide_surge"]
    may = one(con, "SELECT sum(kg) FROM comtrade WHERE reporter='CHN' AND partner='RUS' AND "
              "code='281820' AND year=2022 AND month=5")  # fmt: skip
    april = one(con, "SELECT sum(kg) FROM comtrade WHERE reporter='CHN' AND partner='RUS' AND "
                "code='281820' AND year=2022 AND month=4")  # fmt: skip
    assert may / 1000 == alu["may_2022_t"] and april / 1000 == alu["april_2022_t"]
    assert 140_000 < alu["may_2022_t"] < 160_000 and 100 < alu["april_2022_t"] < 1000

    cer = p["ceramics_divergence"]["by_partner"]
    for partner in ("RUS", "UKR"):
        for year in (2021, 2023):
            got = one(con, "SELECT sum(value) FROM comtrade WHERE reporter='CHN' AND partner=? "
                      "AND year=? AND code IN ('690912','691490')", partner, year)  # fmt: skip
            assert got == cer[partner][f"usd_{year}"]
    assert cer["RUS"]["change_pct"] == pytest.approx(69, abs=0.5)
    assert cer["UKR"]["change_pct"] == pytest.approx(-61, abs=0.5)


def test_mirror_gaps(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> None:
    gaps = truth["trade_patterns"]["mirror_gaps"]
    for pair in gaps["pairs"]:
        controls = pair["control_codes"]
        for basket, rows in pair["by_year"].items():
            for year, row in rows.items():
                op = "" if basket == "control" else "NOT"
                imp = one(
                    con,
                    f"SELECT sum(value) FROM comtrade WHERE reporter=? AND partner=? "
                    f"AND flow='M' AND year=? AND {op} list_contains(?, code)",
                    pair["importer"],
                    pair["exporter"],
                    int(year),
                    controls,
                )
                exp = one(
                    con,
                    f"SELECT sum(value) FROM comtrade WHERE reporter=? AND partner=? "
                    f"AND flow='X' AND year=? AND list_contains(?, code) AND "
                    f"{op} list_contains(?, code)",
                    pair["exporter"],
                    pair["importer"],
                    int(year),
                    pair["codes"],
                    controls,
                )
                assert (imp, exp) == (row["importer_reported_usd"], row["exporter_reported_usd"])
        controlled = pair["by_year"]["controlled"]
        assert controlled["2021"]["import_export_ratio"] > 1.0
        assert controlled["2023"]["import_export_ratio"] < 0.7
        assert pair["by_year"]["control"]["2023"]["import_export_ratio"] > 1.0
    rus = gaps["russia_china_2019_2021"]["by_year"]
    assert set(rus) == {"2019", "2020", "2021"}
    assert one(con, "SELECT count(*) FROM comtrade WHERE reporter='RUS' AND year >= 2022") == 0


def test_unit_value_outliers(scenario: Scenario, truth: dict[str, Any]) -> None:
    outliers = truth["trade_patterns"]["unit_value_outliers"]
    assert 3 <= len(outliers) <= 6
    for o in outliers:
        line = scenario.path(o["file"]).read_text("utf-8").splitlines()[o["line"] - 1]
        fields = next(csv.reader([line]))
        if o["source"] == "comext":
            assert fields[5] == o["code"] and int(fields[17]) == o["value"]
            assert int(fields[18]) == o["net_kg"]
        else:
            assert fields[20] == o["code"] and fields[43] == f"{o['value']}.0"
        assert 15 < o["ratio_to_norm"] < 25
        assert math.isclose(o["value"] / o["net_kg"], o["unit_value_per_kg"], rel_tol=1e-3)
