"""Benchmark: classify N declaration lines, vectorised engine vs a naive per-line loop.

    PYTHONPATH=src python benchmarks/goods.py                      # 10 M lines, 2 threads
    PYTHONPATH=src python benchmarks/goods.py --lines 1000000 --distinct 50000

The lines are fictional: realistic descriptions in English, Russian and Chinese (watched and
ordinary goods, vague ones, misdeclared ones) under their codes, each with a model number so
that ``--distinct`` different descriptions occur (real customs data repeats descriptions; the
default is 2 % of the lines). Both sides apply the same rules (``dualtrace.goods``): the
engine judges each distinct (code, description) pair once and does unit values in SQL; the
baseline analyses, resolves and judges every line in Python and computes unit values with
``unit_values.check_rows``. The baseline runs on the first ``--naive-lines`` lines (a full
10 M-line loop would take an hour) and both give the same flags on those lines, which is checked.
"""

from __future__ import annotations

import argparse
import os
import time

import duckdb

from dualtrace.goods import Classifier, default_catalogue
from dualtrace.goods.codes import CodeResolver
from dualtrace.goods.rules import judge
from dualtrace.goods.text import Analyzer
from dualtrace.goods.unit_values import check_rows

# (code, description, unit price USD) — fictional lines in the three languages.
TEMPLATES = [
    ("9403601000", "МЕБЕЛЬ ДЕРЕВЯННАЯ ДЛЯ СТОЛОВОЙ: СТОЛ ОБЕДЕННЫЙ", 120.0),
    ("6109100000", "ФУТБОЛКИ МУЖСКИЕ ТРИКОТАЖНЫЕ ИЗ ХЛОПКА", 3.0),
    ("6109100000", "棉制针织T恤衫", 3.0),
    ("6211430000", "ПЛАТЬЯ ЖЕНСКИЕ ИЗ ПОЛИЭФИРА", 6.0),
    ("6211430000", "WOMEN'S POLYESTER DRESSES", 6.0),
    ("6211430000", "ЖИЛЕТ ДЛЯ СТРАЙКБОЛА, КЛАСС ЗАЩИТЫ БР4", 150.0),
    ("9503007000", "ИГРУШКИ МЯГКИЕ ДЕТСКИЕ", 4.0),
    ("9503007000", "玩具头盔 NIJ IIIA 芳纶", 120.0),
    ("9506990000", "FITNESS EQUIPMENT", 5.0),
    ("6914900000", "ГОРШКИ КЕРАМИЧЕСКИЕ ЦВЕТОЧНЫЕ", 3.0),
    ("0808108000", "FRESH APPLES, FUJI", 0.9),
    ("0902300000", "ЧАЙ ЧЕРНЫЙ ФЕРМЕНТИРОВАННЫЙ В ПАКЕТИКАХ", 6.0),
    ("8708309909", "КОЛОДКИ ТОРМОЗНЫЕ ДЛЯ ЛЕГКОВЫХ АВТОМОБИЛЕЙ", 10.0),
    ("8708999709", "ЗАПЧАСТИ ДЛЯ АВТОМОБИЛЕЙ", 20.0),
    ("4011100003", "PASSENGER CAR TYRES R16", 40.0),
    ("7318158900", "БОЛТЫ И ВИНТЫ СТАЛЬНЫЕ", 1.5),
    ("8516608000", "电磁炉", 25.0),
    ("9405114009", "СВЕТИЛЬНИКИ СВЕТОДИОДНЫЕ ПОТОЛОЧНЫЕ", 10.0),
    ("3924100000", "塑料餐具", 2.0),
    ("6402999800", "ОБУВЬ С ВЕРХОМ ИЗ ПОЛИМЕРНЫХ МАТЕРИАЛОВ", 7.0),
    ("8542319000", "МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ: ПРОЦЕССОРЫ И КОНТРОЛЛЕРЫ", 8.0),
    ("8542319000", "微控制器芯片", 8.0),
    ("8542390000", "ELECTRONIC COMPONENTS", 5.0),
    ("8532240000", "MULTILAYER CERAMIC CAPACITORS", 0.1),
    ("8517620009", "РАДИОМОДУЛИ ПРИЕМОПЕРЕДАЮЩИЕ 900 МГЦ", 150.0),
    ("8526910000", "GNSS NAVIGATION MODULES", 60.0),
    ("8482100900", "ПОДШИПНИКИ ШАРИКОВЫЕ РАДИАЛЬНЫЕ", 5.0),
    ("8457101000", "ЦЕНТР ОБРАБАТЫВАЮЩИЙ ВЕРТИКАЛЬНЫЙ С ЧПУ", 90000.0),
    ("8456110000", "光纤激光切割机 6KW", 80000.0),
    ("8525890000", "ТЕПЛОВИЗОР ПОРТАТИВНЫЙ, МАТРИЦА 640X512", 3000.0),
    ("8525890000", "ЗАПЧАСТИ", 3000.0),
    ("9013100000", "THERMAL RIFLESCOPE 384X288 50MM", 2500.0),
    ("9005800000", "ТЕПЛОВИЗИОННЫЙ МОНОКУЛЯР ДЛЯ ОХОТЫ", 1200.0),
    ("8807300000", "ЧАСТИ БПЛА: РАМЫ, ВИНТЫ, ЭЛЕКТРОДВИГАТЕЛИ", 80.0),
    ("8806210000", "DJI MINI DRONES", 400.0),
    ("3912200000", "НИТРОЦЕЛЛЮЛОЗА КОЛЛОКСИЛИН", 4.0),
    ("2818200000", "氧化铝粉", 0.5),
    ("3004900002", "ЛЕКАРСТВЕННЫЕ СРЕДСТВА В ДОЗИРОВАННОМ ВИДЕ", 40.0),
    ("8471500000", "SERVER PROCESSING UNITS", 4000.0),
    ("6307909800", "ЧЕХОЛ ПЛИТОНОСЦА С БАЛЛИСТИЧЕСКИМИ ПАКЕТАМИ БР2", 100.0),
]


def build(con: duckdb.DuckDBPyConnection, lines: int, distinct: int) -> None:
    con.execute("CREATE OR REPLACE TABLE templates (t INTEGER, code VARCHAR, text VARCHAR, price DOUBLE)")
    con.executemany("INSERT INTO templates VALUES (?, ?, ?, ?)", [(i, *t) for i, t in enumerate(TEMPLATES)])
    per_template = max(1, distinct // len(TEMPLATES))
    con.execute(
        f"""
        CREATE OR REPLACE TABLE lines AS
        SELECT 0::INTEGER AS source_id, i::BIGINT AS source_line, t.code AS hs_code, 'HS2022' AS hs_version,
               t.text || ' MOD ' || (hash(i * 31) % {per_template})::VARCHAR AS description,
               round(q * t.price * (0.6 + (hash(i * 17) % 80) / 100.0), 2) AS value,
               'USD' AS currency, NULL::DOUBLE AS value_usd, q::DOUBLE AS qty, 'PCS' AS qty_unit,
               NULL::DOUBLE AS net_kg
        FROM (SELECT i, (hash(i) % {len(TEMPLATES)})::INTEGER AS tid, 1 + hash(i * 7) % 500 AS q
              FROM range({lines}) r(i)) AS x
        JOIN templates AS t ON t.t = x.tid
        """
    )


def naive(rows: list[tuple]) -> tuple[list[list[str]], float]:  # type: ignore[type-arg]
    """Per line: analyse, resolve and judge with no cache, then unit values row by row."""
    catalogue = default_catalogue()
    analyzer = Analyzer(catalogue)
    resolver = CodeResolver(catalogue)
    started = time.perf_counter()
    verdicts, inputs = [], []
    for _sid, _line, code, version, text, value, currency, value_usd, qty, unit, kg in rows:
        analyzer._candidates.clear()  # no memo across lines: each line on its own
        info = resolver.resolve_uncached(code, version)
        verdict = judge(info, analyzer.analyze(text), catalogue)
        verdicts.append(verdict)
        inputs.append(
            {
                "hs6": info.hs2022[0] if info.hs2022 else info.hs6,
                "peer": not verdict.described_as_other,
                "value": value,
                "currency": currency,
                "value_usd": value_usd,
                "qty": qty,
                "qty_unit": unit,
                "net_kg": kg,
            }
        )
    units = check_rows(inputs, catalogue.unit_value_floors)
    flags = [
        [f.kind for f in v.flags] + (["unit_value"] if u.flagged else [])
        for v, u in zip(verdicts, units, strict=True)
    ]
    return flags, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument(
        "--distinct", type=int, default=None, help="distinct descriptions (default 2 %% of lines)"
    )
    parser.add_argument("--naive-lines", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    distinct = args.distinct or max(len(TEMPLATES), args.lines // 50)
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET preserve_insertion_order = false")
    started = time.perf_counter()
    build(con, args.lines, distinct)
    print(
        f"built {args.lines:,} lines in {time.perf_counter() - started:.1f}s "
        f"({args.threads} threads, CPUs seen: {os.cpu_count()})"
    )

    classifier = Classifier(default_catalogue())
    started = time.perf_counter()
    stats = classifier.tag(con, "SELECT * FROM lines")
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    flagged = con.execute("SELECT count(*) FILTER (mismatch), count(*) FROM _goods_result").fetchall()[0]
    read_s = time.perf_counter() - started
    engine_rate = args.lines / engine_s
    print(
        f"engine: {args.lines:,} lines, {stats.distinct_descriptions:,} distinct descriptions, "
        f"{stats.distinct_pairs:,} distinct (code, description) pairs -> {engine_s:.1f}s, "
        f"{engine_rate:,.0f} lines/s ({', '.join(f'{k} {v:.1f}s' for k, v in stats.seconds.items())}); "
        f"{flagged[0]:,} of {flagged[1]:,} lines flagged"
    )
    print(f"  (reading every line's flags back through the tags view: {read_s:.1f}s more)")

    subset = min(args.naive_lines, args.lines)
    con.execute(f"CREATE OR REPLACE TABLE subset AS SELECT * FROM lines ORDER BY source_line LIMIT {subset}")
    rows = con.execute("SELECT * FROM subset ORDER BY source_line").fetchall()
    flags, naive_s = naive(rows)
    naive_rate = subset / naive_s
    print(f"naive per-line loop: {subset:,} lines -> {naive_s:.1f}s, {naive_rate:,.0f} lines/s")

    check = Classifier(default_catalogue())
    check.tag(con, "SELECT * FROM subset")
    engine_flags = [
        f for (f,) in con.execute("SELECT flags FROM _goods_result ORDER BY source_line").fetchall()
    ]
    assert len(engine_flags) == subset
    agree = sum(a == b for a, b in zip(engine_flags, flags, strict=True))
    print(f"same flags on {agree:,} of {subset:,} lines (engine on the same subset vs the naive loop)")
    print(
        f"ratio engine / naive: {engine_rate / naive_rate:,.1f}x; "
        f"target 200,000 lines/s: {'met' if engine_rate >= 200_000 else 'NOT met'}"
    )
    if agree != subset:
        raise SystemExit("the engine and the naive loop disagree")


if __name__ == "__main__":
    main()
