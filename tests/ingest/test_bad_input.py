"""Broken rows are quarantined with file, line and reason; nothing is lost or loaded twice."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from dualtrace.errors import DualtraceError, InputError, MappingError
from dualtrace.session import Dualtrace
from tests.ingest.conftest import write

MAPPING = """
table: shipments
columns:
  date: date
  declaration_no: decl
  shipper_name: shipper
  consignee_name: consignee
  hs_code: hs
  description: description
  value: value
  net_kg: kg
constants: {currency: USD, direction: import}
"""

HEADER = "decl,date,shipper,consignee,hs,description,value,kg\n"


def good(n: int) -> str:
    # The declaration number names the line the row sits on, so tests can check source_line.
    return (
        f"L{n},2023-05-{1 + n % 28:02d},Shenzhen Xinghe Co,OOO Alfa,8542310000,chips {n},{100 + n}.50,{n}\n"
    )


def mapping(tmp_path: Path) -> Path:
    return write(tmp_path / "m.yaml", MAPPING)


def loaded_lines(dt: Dualtrace) -> dict[int, str]:
    return {
        r["source_line"]: r["declaration_no"]
        for r in dt.sql("SELECT source_line, declaration_no FROM shipments")
    }


def test_corrupted_rows_are_quarantined_with_line_and_reason(warehouse: Dualtrace, tmp_path: Path) -> None:
    # line -> (the row written on it, the reason it is quarantined with); other lines are good
    bad_rows = {
        5: ("L5,2023-05-05,Shipper,Consignee,8542310000,chips,12x.5,1\n", "value: not a number '12x.5'"),
        9: ("L9,2023-05-09,Shipper,Consignee,8542310000\n", "malformed row: 5 fields, the header has 8"),
        13: (
            "L13,2023-05-13,Shipper,Consignee,8542310000,chips,1,2,surplus,more\n",
            "malformed row: more fields than the header has (8)",
        ),
        17: ("L17,31.02.2023,Shipper,Consignee,8542310000,chips,1,2\n", "date: not a date '31.02.2023'"),
        21: (
            "L21,2023-05-21,Shipper,Consignee,85,chips,1,2\n",
            "hs_code: not an HS code of 6 to 10 digits '85'",
        ),
        25: ("L25,2023-05-25,Shipper,Consignee,8542310000,chips,-4,2\n", "value: negative '-4'"),
    }
    bad = {n: reason for n, (_, reason) in bad_rows.items()}
    lines = [HEADER] + [bad_rows[n][0] if n in bad_rows else good(n) for n in range(2, 40)]
    path = write(tmp_path / "decl.csv", "".join(lines))
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path))

    assert report.rows_read == 38 == report.rows_loaded + report.rows_quarantined
    assert report.rows_quarantined == len(bad)
    quarantined = {q["line"]: q for q in warehouse.quarantine(report.source_id)}
    assert set(quarantined) == set(bad)
    for line, reason in bad.items():
        assert quarantined[line]["reason"] == reason
        assert quarantined[line]["raw"] == lines[line - 1].rstrip("\n")
        assert quarantined[line]["filename"] == "decl.csv"
    assert all(f"L{line}" == decl for line, decl in loaded_lines(warehouse).items())


def test_cp1251_line_in_a_utf8_file_is_quarantined_readably(warehouse: Dualtrace, tmp_path: Path) -> None:
    utf8 = "{n},2023-05-0{n},Шэньчжэнь Синхэ,ООО Альфа,8542310000,микросхемы 集成电路,1,2\n"
    body = HEADER.encode() + utf8.format(n=2).encode()
    body += "3,2023-05-03,ООО Ромашка,Получатель,8542310000,микросхемы,1,2\n".encode("cp1251")
    body += utf8.format(n=4).encode() + utf8.format(n=5).encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(body)
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 3, 1)
    [q] = warehouse.quarantine(report.source_id)
    assert q["line"] == 3
    assert "not valid UTF-8" in q["reason"] and "cp1251" in q["reason"]
    assert "ООО Ромашка" in q["raw"]
    assert loaded_lines(warehouse) == {2: "2", 4: "4", 5: "5"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "gb18030"])
def test_encodings_are_detected(warehouse: Dualtrace, tmp_path: Path, encoding: str) -> None:
    # cp1251 has no Chinese characters; the other encodings carry both scripts.
    shipper = "Shenzhen Xinghe" if encoding == "cp1251" else "深圳星河微电子有限公司"
    goods = "микросхемы" if encoding == "cp1251" else "микросхемы 集成电路"
    text = HEADER + "".join(
        f'N{n},01.06.2023,{shipper},ООО «Радиокомплект»,8542.31.0000,{goods},"1 234,50","2,5"\n'
        for n in range(2, 12)
    )
    path = write(tmp_path / f"decl-{encoding}.csv", text, encoding)
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path))
    assert report.encoding == encoding
    assert (report.rows_read, report.rows_loaded) == (10, 10)
    row = warehouse.sql("SELECT * FROM shipments WHERE declaration_no = 'N2'")[0]
    assert row["consignee_name"] == "ООО «Радиокомплект»"
    assert str(row["value"]) == "1234.5000" and row["net_kg"] == 2.5
    assert row["hs_code"] == "8542310000" and row["hs6"] == "854231"
    assert str(row["date"]) == "2023-06-01"


def test_gbk_file_with_an_undecodable_line(warehouse: Dualtrace, tmp_path: Path) -> None:
    rows = [HEADER.encode("gb18030")]
    rows += [
        f"C{n},2023-01-02,深圳市星河电子有限公司,哈萨克斯坦贸易公司,8517620000,通信模块,10,1\n".encode(
            "gb18030"
        )
        for n in range(2, 6)
    ]
    rows[3] = b"C4,2023-01-02,\x81\x20broken,x,8517620000,y,10,1\n"
    path = tmp_path / "cn.csv"
    path.write_bytes(b"".join(rows))
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path), encoding="gbk")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 3, 1)
    [q] = warehouse.quarantine(report.source_id)
    assert q["line"] == 4 and "not valid gb18030" in q["reason"]
    assert loaded_lines(warehouse) == {2: "C2", 3: "C3", 5: "C5"}


def test_lines_stay_exact_around_blank_lines_multiline_fields_and_broken_quotes(
    warehouse: Dualtrace, tmp_path: Path
) -> None:
    text = (
        HEADER
        + good(2)
        + "\n"  # line 3 blank
        + good(4)
        + 'L5,2023-05-05,Shipper,Consignee,8542310000,"chips\nin two lines",1,2\n'  # lines 5-6
        + good(7)
        + "\r\n"  # line 8 blank
        + good(9)
    )
    path = write(tmp_path / "gaps.csv", text)
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path))
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 5, 0)
    assert loaded_lines(warehouse) == {2: "L2", 4: "L4", 5: "L5", 7: "L7", 9: "L9"}


def test_same_file_twice_adds_nothing(warehouse: Dualtrace, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", HEADER + good(2) + good(3))
    [first] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path))
    copy = write(tmp_path / "copy-of-d.csv", path.read_text())
    [again] = warehouse.ingest_shipments([copy], mapping=mapping(tmp_path))
    assert again.status == "already-loaded" and again.source_id == first.source_id
    assert warehouse.sql("SELECT count(*) AS n FROM shipments")[0]["n"] == 2
    assert warehouse.sql("SELECT count(*) AS n FROM sources")[0]["n"] == 1


def test_failure_mid_load_leaves_the_warehouse_unchanged(
    warehouse: Dualtrace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "a.csv", HEADER + good(2))
    warehouse.ingest_shipments([first], mapping=mapping(tmp_path))
    before = {
        t: warehouse.sql(f"SELECT count(*) AS n FROM {t}")[0]["n"]
        for t in ("shipments", "sources", "quarantine")
    }
    tables_before = warehouse.sql("SELECT count(*) AS n FROM duckdb_tables()")[0]["n"]

    from dualtrace.warehouse import facts

    def explode(*_: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(facts, "refresh_view", explode)
    second = write(tmp_path / "b.csv", HEADER + good(3) + "L4,bad-date,x,y,8542310000,z,1,1\n")
    with pytest.raises(RuntimeError):
        warehouse.ingest_shipments([second], mapping=mapping(tmp_path))
    monkeypatch.undo()

    after = {
        t: warehouse.sql(f"SELECT count(*) AS n FROM {t}")[0]["n"]
        for t in ("shipments", "sources", "quarantine")
    }
    assert after == before
    assert warehouse.sql("SELECT count(*) AS n FROM duckdb_tables()")[0]["n"] == tables_before
    [report] = warehouse.ingest_shipments([second], mapping=mapping(tmp_path))
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)


def test_plainly_unusable_input_gets_one_clear_error(warehouse: Dualtrace, tmp_path: Path) -> None:
    m = mapping(tmp_path)
    with pytest.raises(InputError, match="file not found"):
        warehouse.ingest_shipments([tmp_path / "nope.csv"], mapping=m)
    with pytest.raises(InputError, match="empty"):
        warehouse.ingest_shipments([write(tmp_path / "empty.csv", "")], mapping=m)
    wrong = write(tmp_path / "w.csv", "decl,when,hs,value\nA,2023-01-01,85423100,1\n")
    with pytest.raises(MappingError, match=r"column 'date' \(for date\) is not in w.csv"):
        warehouse.ingest_shipments([wrong], mapping=m)
    unknown = write(tmp_path / "u.csv", "a,b\n1,2\n")
    with pytest.raises(MappingError, match="unknown layout"):
        warehouse.ingest_trade([unknown])
    with pytest.raises(MappingError, match="not a column of shipments"):
        warehouse.ingest_shipments(
            [unknown],
            mapping=write(tmp_path / "bad.yaml", "table: shipments\ncolumns: {dat: a, hs_code: b}\n"),
        )
    with pytest.raises(MappingError, match="constant currency"):
        warehouse.ingest_shipments(
            [unknown],
            mapping=write(
                tmp_path / "cur.yaml",
                "table: shipments\ncolumns: {date: a, hs_code: b, value: b}\n"
                "constants: {currency: 'US DOLLARS'}\n",
            ),
        )
    with pytest.raises(InputError, match="unknown file type"):
        warehouse.ingest_shipments([write(tmp_path / "x.pdf", "%PDF")], mapping=m)
    # Nothing of the failed attempts is left behind.
    assert warehouse.sql("SELECT count(*) AS n FROM sources")[0]["n"] == 0


def test_read_only_sql_refuses_writes(warehouse: Dualtrace) -> None:
    with pytest.raises(DualtraceError, match="read-only: INSERT"):
        warehouse.sql("INSERT INTO quarantine VALUES (1, 1, 'x', 'y')")
    with pytest.raises(DualtraceError, match="read-only: COPY"):
        warehouse.sql("COPY (SELECT 1) TO '/tmp/x.csv'")
    with pytest.raises(DualtraceError, match="read-only: DROP"):
        warehouse.sql("SELECT 1; DROP TABLE sources")
    assert warehouse.sql("SELECT 41 + 1 AS answer") == [{"answer": 42}]


ENCODED_NAMES = {
    "utf-16-le": ("ООО «Радиокомплект»", "深圳星河微电子有限公司"),
    "utf-16-be": ("ООО «Радиокомплект»", "Müller Präzisionsmaschinen GmbH"),
    "koi8-r": ("ООО Радиокомплект", "АО Уральские Приборы"),
    "cp866": ("ООО Радиокомплект", "ЗАО Балтийская Техника"),
    "latin-1": ("Müller Präzisionsmaschinen GmbH", "Société Générale d'Équipement"),
    "shift_jis": ("株式会社東京エレクトロン", "大阪精密工業株式会社"),
    "big5": ("台灣積體電路製造股份有限公司", "新竹精密機械有限公司"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODED_NAMES))
def test_names_read_right_in_every_encoding(warehouse: Dualtrace, tmp_path: Path, encoding: str) -> None:
    shipper, consignee = ENCODED_NAMES[encoding]
    text = HEADER + "".join(
        f"N{n},01.06.2023,{shipper},{consignee},8542.31.0000,chips {n},100,2\n" for n in range(2, 12)
    )
    raw = text.encode(encoding)
    if encoding.startswith("utf-16"):
        raw = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + raw
    path = tmp_path / f"decl-{encoding}.csv"
    path.write_bytes(raw)
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path))
    # latin-1 bytes outside 0x80-0x9F read the same in cp1252, its superset for text.
    assert report.encoding == ("cp1252" if encoding == "latin-1" else encoding)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (10, 10, 0)
    rows = warehouse.sql("SELECT source_line, shipper_name, consignee_name FROM shipments ORDER BY 1")
    assert [r["source_line"] for r in rows] == list(range(2, 12))
    assert {(r["shipper_name"], r["consignee_name"]) for r in rows} == {(shipper, consignee)}
    [source] = warehouse.sources()
    assert source["encoding"] == report.encoding


def test_a_file_whose_encoding_cannot_be_told_is_refused_with_one_line(
    warehouse: Dualtrace, tmp_path: Path
) -> None:
    path = tmp_path / "short.csv"
    path.write_bytes((HEADER + "N2,01.06.2023,東京,x,8542310000,y,1,1\n").encode("shift_jis"))
    with pytest.raises(InputError, match=r"short.csv: cannot tell the text encoding .*--encoding"):
        warehouse.ingest_shipments([path], mapping=mapping(tmp_path))
    assert warehouse.sources() == []
    [report] = warehouse.ingest_shipments([path], mapping=mapping(tmp_path), encoding="shift_jis")
    assert report.encoding == "shift_jis"
    assert warehouse.sql("SELECT shipper_name FROM shipments")[0]["shipper_name"] == "東京"
