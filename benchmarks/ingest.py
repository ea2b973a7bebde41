"""Benchmark: declarations from CSV into the warehouse, with full validation and quarantine.

    python benchmarks/ingest.py                 # 10 M lines (generated once into benchmarks/.data)
    python benchmarks/ingest.py --rows 2000000  # a smaller run

Compares, in the same run and on the same file:
  dualtrace  `Dualtrace.ingest_shipments`: sha256, encoding and dialect, every value parsed and
             checked, bad rows to quarantine with line and reason, rows stored in the warehouse
  pandas     `pandas.read_csv(engine="pyarrow")` plus the same checks written in pandas, good rows
             registered into DuckDB without copying (nothing is persisted)
  raw copy   DuckDB's own `read_csv` into a table of text columns, no checks, no quarantine: the
             floor any load that persists these lines into the warehouse starts from
Prints rows per second, the ratios, and each path's peak memory (each runs in its own process).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA, Measured, run_child

COLUMNS = 30
BAD_EVERY = 1000  # one malformed row in a thousand: bad numbers, dates, field counts


def generate(path: Path, rows: int) -> None:
    """Realistic declaration lines (30 columns, Russian, Chinese and English text), with a
    known share of broken rows, written by DuckDB (fast and deterministic)."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    duckdb.sql(f"""
    COPY (
    SELECT
      '10' || lpad((i // 4 % 99999)::VARCHAR, 6, '0') || '/' || strftime(DATE '2022-01-01' + (i % 1000)::INT, '%d%m%y') || '/' || lpad((i // 4)::VARCHAR, 7, '0') AS "Номер ДТ",
      (i % 4 + 1) AS "№ товара",
      CASE WHEN i % {BAD_EVERY} = 17 THEN '31.02.2023'
           ELSE strftime(DATE '2022-01-01' + (i % 1000)::INT, '%d.%m.%Y') END AS "Дата ДТ",
      ['SHENZHEN XINGHE MICROELECTRONICS CO., LTD', 'HONG KONG SINO BRIGHT LINK TRADING LIMITED',
       '深圳市华源电子有限公司', 'YIWU HUIJIN TECHNOLOGY CO LTD', 'ALMATY TRANS LOGISTICS LLP'][i % 5 + 1]
        || ' ' || (i % 40000)::VARCHAR AS "Отправитель",
      'ROOM ' || (i % 2000)::VARCHAR || ', BLOCK B, NANSHAN DISTRICT, SHENZHEN, GUANGDONG, CHINA' AS "Адрес отправителя",
      ['CN', 'HK', 'КИТАЙ', 'KZ', 'ГОНКОНГ'][i % 5 + 1] AS "Страна отправителя",
      '91440300' || lpad((i % 999999)::VARCHAR, 10, '0') AS "USCC отправителя",
      'ООО "' || ['ТЕХНОСНАБ', 'АЛЬФА-ЭЛЕКТРОНИКА', 'ПРОМКОМПЛЕКТ', 'РАДИОКОМПЛЕКТ'][i % 4 + 1] || '" ' || (i % 30000)::VARCHAR AS "Получатель",
      lpad((7700000000 + i % 30000)::VARCHAR, 10, '0') AS "ИНН получателя",
      '123456, г. Москва, ул. Промышленная, д. ' || (i % 300)::VARCHAR AS "Адрес получателя",
      'ООО "ТАМОЖЕННЫЙ ПРЕДСТАВИТЕЛЬ"' AS "Декларант",
      '7707083893' AS "ИНН декларанта",
      ['CN', 'TW', 'MY', 'KR'][i % 4 + 1] AS "Страна происхождения",
      ['CN', 'HK', 'KZ'][i % 3 + 1] AS "Страна отправления",
      'RU' AS "Страна назначения",
      ['8542310000', '8517620009', '9013809000', '8806220000', '6211339000', '8471500000'][i % 6 + 1] AS "Код ТН ВЭД",
      ['МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ, ПРОЦЕССОРЫ ДЛЯ ПРОМЫШЛЕННОГО ОБОРУДОВАНИЯ',
       '通信模块 COMMUNICATION MODULE 4G LTE, FOR INDUSTRIAL ROUTERS',
       'ПРИЦЕЛ ОПТИЧЕСКИЙ ДЛЯ ОХОТЫ, КРАТНОСТЬ 4-16',
       'БПЛА КВАДРОКОПТЕР С КАМЕРОЙ, ВЗЛЕТНАЯ МАССА 0,9 КГ',
       'ЖИЛЕТ ЗАЩИТНЫЙ ДЛЯ СТРАЙКБОЛА, ТКАНЬ ПОЛИЭФИР',
       '服务器处理单元 SERVER PROCESSING UNIT'][i % 6 + 1] AS "Описание товара",
      ['XINGHE', 'HUAWEI-LIKE', 'NONAME', 'DJI-LIKE'][i % 4 + 1] AS "Производитель",
      'ОТСУТСТВУЕТ' AS "Товарный знак",
      CASE WHEN i % {BAD_EVERY} = 503 THEN '12x,5'
           ELSE replace(printf('%.2f', (i * 7919 % 10000000) / 100.0), '.', ',') END AS "Фактурная стоимость",
      ['USD', 'CNY', 'EUR'][i % 3 + 1] AS "Валюта",
      replace(printf('%.2f', (i * 7919 % 10000000) / 100.0), '.', ',') AS "Статистическая стоимость, USD",
      replace(printf('%.3f', (i * 31 % 500000) / 10.0), '.', ',') AS "Вес нетто, кг",
      replace(printf('%.3f', (i * 31 % 500000) / 10.0 + 1), '.', ',') AS "Вес брутто, кг",
      (i % 500 + 1)::VARCHAR AS "Количество",
      'ШТ' AS "Ед. изм.",
      ['10', '20', '30', '40'][i % 4 + 1] AS "Вид транспорта",
      '10702070' AS "Таможенный пост",
      ['CIF', 'FOB', 'EXW', 'DAP'][i % 4 + 1] AS "Условия поставки",
      CASE WHEN i % {BAD_EVERY} = 911 THEN 'EXTRA;FIELD' ELSE 'ИМ40' END AS "Процедура"
    FROM range({rows}) t(i)
    ) TO '{tmp}' (HEADER, DELIMITER ';', QUOTE '"')
    """)
    # Truncate one line in a thousand, as a cut-off export would.
    with tmp.open("rb") as source, path.open("wb") as target:
        for number, line in enumerate(source):
            if number and number % BAD_EVERY == 707:
                line = b";".join(line.split(b";")[:12]) + b"\n"
            target.write(line)
    tmp.unlink()


MAPPING = """
table: shipments
columns:
  declaration_no: Номер ДТ
  line_no: № товара
  date: Дата ДТ
  shipper_name: Отправитель
  shipper_address: Адрес отправителя
  shipper_country: Страна отправителя
  shipper_id: USCC отправителя
  consignee_name: Получатель
  consignee_id: ИНН получателя
  consignee_address: Адрес получателя
  declarant_name: Декларант
  declarant_id: ИНН декларанта
  origin_country: Страна происхождения
  departure_country: Страна отправления
  destination_country: Страна назначения
  hs_code: Код ТН ВЭД
  description: Описание товара
  manufacturer: Производитель
  brand: Товарный знак
  value: Фактурная стоимость
  currency: Валюта
  value_usd: Статистическая стоимость, USD
  net_kg: Вес нетто, кг
  qty: Количество
  qty_unit: Ед. изм.
  transport: Вид транспорта
constants: {direction: import}
options: {delimiter: ";", decimal: ",", date_format: "%d.%m.%Y"}
"""

DUALTRACE = """
import json, sys, dualtrace
dt = dualtrace.open(sys.argv[1])
[report] = dt.ingest_shipments([sys.argv[2]], mapping=sys.argv[3])
print(json.dumps({"read": report.rows_read, "loaded": report.rows_loaded,
                  "quarantined": report.rows_quarantined}))
"""

PANDAS = r"""
import json, sys, warnings
import duckdb, pandas as pd
from dualtrace.reference.countries import aliases

path = sys.argv[1]
bad_lines = []
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    df = pd.read_csv(path, sep=";", engine="pyarrow", dtype=str, on_bad_lines="warn")
bad_lines = len(caught)
read = len(df) + bad_lines

def number(column):
    text = df[column].str.replace(r"[\s.]", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")

countries = {k: v for k, v in aliases().items()}
errors = pd.Series(False, index=df.index)
date = pd.to_datetime(df["Дата ДТ"], format="%d.%m.%Y", errors="coerce")
errors |= date.isna()
for column in ["Фактурная стоимость", "Статистическая стоимость, USD", "Вес нетто, кг", "Количество"]:
    parsed = number(column)
    errors |= df[column].notna() & (parsed.isna() | (parsed < 0))
hs = df["Код ТН ВЭД"].str.replace(r"[\s.\-]", "", regex=True)
errors |= ~hs.str.fullmatch(r"\d{6,10}", na=False)
for column in ["Страна отправителя", "Страна происхождения", "Страна отправления", "Страна назначения"]:
    iso3 = df[column].str.strip().str.upper().map(countries)
    errors |= df[column].notna() & iso3.isna()
good = df[~errors]
con = duckdb.connect()
con.register("shipments", good)
loaded = con.execute("SELECT count(*) FROM shipments").fetchall()[0][0]
print(json.dumps({"read": read, "loaded": int(loaded), "quarantined": int(errors.sum()) + bad_lines}))
"""


RAW_COPY = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute(
    "CREATE TABLE raw AS SELECT * FROM read_csv(?, delim = ';', header = true, all_varchar = true,"
    " ignore_errors = true)",
    [sys.argv[2]],
)
con.execute("CHECKPOINT")
print(json.dumps({"loaded": con.execute("SELECT count(*) FROM raw").fetchone()[0]}))
"""


def describe(name: str, rows: int, m: Measured) -> str:
    if not m.ok:
        reason = m.stderr.strip().splitlines()[-1] if m.stderr.strip() else "killed"
        return f"{name:>10}: FAILED ({reason[:100]})"
    o = m.output
    accounting = (
        f"read {o['read']:,} = loaded {o['loaded']:,} + quarantined {o['quarantined']:,}"
        if "read" in o
        else f"{o.get('loaded', 0):,} rows kept, unchecked"
    )
    return (
        f"{name:>10}: {m.seconds:7.1f} s  {rows / m.seconds:>10,.0f} rows/s  peak {m.peak_mb or 0:,.0f} MB"
        f"  ({accounting})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--pandas-memory-gb", type=float, default=16.0, help="cap for the pandas process")
    parser.add_argument("--skip-pandas", action="store_true", help="only time dualtrace")
    parser.add_argument("--skip-raw", action="store_true", help="do not time the unchecked raw copy")
    args = parser.parse_args()

    data = DATA / f"declarations_{args.rows}.csv"
    if not data.exists():
        print(f"generating {args.rows:,} declaration lines into {data} ...", flush=True)
        generate(data, args.rows)
    mapping = DATA / "declarations.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    size_gb = data.stat().st_size / 1e9
    print(f"file: {data.name}, {args.rows:,} lines, {size_gb:.2f} GB, {COLUMNS} columns")
    data.read_bytes() if size_gb < 1 else None  # warm the page cache for small files

    db = DATA / "bench.duckdb"
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    ours = run_child(DUALTRACE, str(db), str(data), str(mapping))
    print(describe("dualtrace", args.rows, ours))
    theirs = None
    if not args.skip_pandas:
        theirs = run_child(PANDAS, str(data), memory_cap_gb=args.pandas_memory_gb)
        print(describe("pandas", args.rows, theirs))
    if not args.skip_raw:
        raw_db = DATA / "bench_raw.duckdb"
        for suffix in ("", ".wal"):
            Path(str(raw_db) + suffix).unlink(missing_ok=True)
        raw = run_child(RAW_COPY, str(raw_db), str(data))
        print(describe("raw copy", args.rows, raw))
        if raw.ok and ours.ok:
            print(
                f"dualtrace / raw copy speed: {raw.seconds / ours.seconds:.2f}x (checks and quarantine cost)"
            )
    if theirs and ours.ok and theirs.ok:
        print(f"dualtrace / pandas speed: {theirs.seconds / ours.seconds:.2f}x")
    target = 500_000
    if ours.ok:
        rate = args.rows / ours.seconds
        print(
            f"target {target:,} rows/s: {'met' if rate >= target else 'NOT met'} ({rate / target:.2f} of target)"
        )
        print(f"target peak < 4096 MB: {'met' if (ours.peak_mb or 0) < 4096 else 'NOT met'}")
    if not ours.ok:
        print(ours.stderr[-2000:])


if __name__ == "__main__":
    main()
