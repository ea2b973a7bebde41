"""Malformed input files for every loader, made by hypothesis from a small valid sample of each
format: bytes cut, inserted, replaced or repeated, lines dropped or doubled, fields added or
removed, NUL bytes, huge fields, other encodings, empty files. Shared by tests/fuzz and
benchmarks/fuzz_loaders.py (the same properties, more cases)."""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dualtrace
from dualtrace.errors import DualtraceError
from tests.conftest import SHARED_DATA

LISTS = Path(__file__).resolve().parents[1] / "lists" / "fixtures"
TRADE = (
    "period,reporter,partner,flow,code,value,currency,kg\n"
    "2022-01-01,DEU,KAZ,X,854231,1000,EUR,12\n2022-02-01,DEU,KGZ,X,854239,2500.5,EUR,\n"
    "2022-03-01,FRA,ARM,X,8471,70,EUR,3\n2022-04-01,ITA,KAZ,M,TOTAL,99,EUR,1\n"
)
TRADE_MAPPING = """table: trade_flows
columns: {period: period, reporter: reporter, partner: partner, flow: flow, hs_code: code, value: value,
  currency: currency, net_kg: kg}
constants: {freq: M}
"""
SHIPMENTS = (
    "decl,date,shipper,hs,description,value\n"
    "D1,2023-01-15,Shipper One Ltd,8542310000,чипы,100.25\nD2,2023-02-15,深圳某某有限公司,8471500000,服务器,77\n"
    "D3,2023-03-15,Shipper Three GmbH,9013200000,laser,5\n"
)
OWNERSHIP = (
    "parent_name,parent_id,child_name,child_id,share,start_date,end_date,parent_country,source\n"
    "Krasny Holding AO,1027700000001,Nordlicht Optika OOO,7716526012,55 %,2019-06-30,,RU,registry\n"
    "Ivan Petrov,,Krasny Holding AO,1027700000001,\"100,0\",01.02.2018,31.12.2023,Russia,egrul\n"
    "深圳某某有限公司,91440300MA5XXXXX1X,Nordlicht Optika OOO,7716526012,,,,CN,\n"
)
SHIPMENTS_MAPPING = (
    "table: shipments\ncolumns: {declaration_no: decl, date: date, shipper_name: shipper,"
    " hs_code: hs, description: description, value: value}\nconstants: {currency: USD}\n"
)


@dataclass(frozen=True)
class Loader:
    name: str
    sample: bytes
    suffix: str
    load: Callable[[Any, Path, Path], Any]  # (session, file, folder) -> result
    table: str | None  # the table whose rows a load accounts for (None: a list load)


def _trade(dt: Any, path: Path, folder: Path) -> Any:
    mapping = folder / "trade.yaml"
    mapping.write_text(TRADE_MAPPING, encoding="utf-8")
    return dt.ingest_trade([path], mapping=mapping)


def _shipments(dt: Any, path: Path, folder: Path) -> Any:
    mapping = folder / "shipments.yaml"
    mapping.write_text(SHIPMENTS_MAPPING, encoding="utf-8")
    return dt.ingest_shipments([path], mapping=mapping)


def _ownership(dt: Any, path: Path, folder: Path) -> Any:
    return dt.network_load_ownership([path], layout="csv")


def _list(layout: str | None) -> Callable[[Any, Path, Path], Any]:
    def load(dt: Any, path: Path, folder: Path) -> Any:
        return dt.lists_load([path], layout=layout)

    return load


UN_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-05-03T00:00:00Z">
  <INDIVIDUALS><INDIVIDUAL><DATAID>7</DATAID><FIRST_NAME>IVAN</FIRST_NAME><SECOND_NAME>PETROV</SECOND_NAME>
    <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER><LISTED_ON>2024-05-03</LISTED_ON>
    <INDIVIDUAL_DATE_OF_BIRTH><DATE>1971-03-12</DATE></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS>
  <ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>NORDLICHT OPTIKA</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
    <REFERENCE_NUMBER>KPe.999</REFERENCE_NUMBER><LISTED_ON>2024-05-03</LISTED_ON></ENTITY></ENTITIES>
</CONSOLIDATED_LIST>
"""


def _shared_head(relative: str, lines: int) -> bytes | None:
    """The first lines of a file of ../shared/data (read at run time, never copied), or None."""
    path = SHARED_DATA / relative
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return b"".join(handle.readline() for _ in range(lines))


_CSL = _shared_head("sanctions/us-csl/csl_2025_layout_sample.csv", 8)
_FTM = _shared_head("sanctions/opensanctions/yente_zala_entities.ftm.json", 6)

LOADERS = (
    Loader("trade csv", TRADE.encode(), ".csv", _trade, "trade_flows"),
    Loader("shipments csv", SHIPMENTS.encode(), ".csv", _shipments, "shipments"),
    Loader("ownership csv", OWNERSHIP.encode(), ".csv", _ownership, "ownership"),
    Loader("ofac sdn csv", (LISTS / "sdn.csv").read_bytes(), ".csv", _list(None), None),
    Loader("ofac sdn xml", (LISTS / "sdn.xml").read_bytes(), ".xml", _list(None), None),
    Loader("ofac advanced xml", (LISTS / "sdn_advanced.xml").read_bytes(), ".xml", _list(None), None),
    Loader("eu fsf xml", (LISTS / "eu_fsf.xml").read_bytes(), ".xml", _list(None), None),
    Loader("eu fsf csv", (LISTS / "eu_fsf.csv").read_bytes(), ".csv", _list(None), None),
    Loader("uk csv", (LISTS / "uk_conlist.csv").read_bytes(), ".csv", _list(None), None),
    Loader("un xml", UN_XML, ".xml", _list(None), None),
    *([Loader("us csl csv", _CSL, ".csv", _list("us-csl"), None)] if _CSL else []),
    *([Loader("ftm json", _FTM, ".json", _list(None), None)] if _FTM else []),
)

_NASTY = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b",", b"\r", b"\n", b"\t", b"<", b"&", b"]]>", b"\xc3"]


@st.composite
def _mutation(draw: st.DrawFn, data: bytes) -> bytes:
    n = len(data)
    kind = draw(
        st.sampled_from(["cut", "insert", "replace", "drop_line", "double_line", "field", "huge", "recode"])
    )
    at = draw(st.integers(0, max(0, n)))
    if kind == "cut":
        return data[:at]
    if kind == "insert":
        junk = draw(st.one_of(st.binary(min_size=1, max_size=16), st.sampled_from(_NASTY)))
        return data[:at] + junk + data[at:]
    if kind == "replace":
        width = draw(st.integers(1, 32))
        return data[:at] + draw(st.binary(min_size=0, max_size=width)) + data[at + width :]
    lines = data.split(b"\n")
    i = draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "drop_line":
        return b"\n".join(lines[:i] + lines[i + 1 :])
    if kind == "double_line":
        return b"\n".join(lines[: i + 1] + lines[i:])
    if kind == "field":
        extra = draw(st.sampled_from([b",", b",,x", b'"', b',"a,b"']))
        return b"\n".join([*lines[:i], lines[i] + extra, *lines[i + 1 :]])
    if kind == "huge":
        return data[:at] + b"A" * draw(st.integers(10_000, 200_000)) + data[at:]
    encoding = draw(st.sampled_from(["utf-16", "cp1251", "gb18030", "latin-1"]))
    return data.decode("utf-8", "replace").encode(encoding, "replace")


@st.composite
def malformed(draw: st.DrawFn, loader: Loader) -> bytes:
    """The loader's sample with one to four mutations, or an empty / header-only file."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([b"", loader.sample.split(b"\n")[0] + b"\n", b"\n\n\n"]))
    data = loader.sample
    for _ in range(draw(st.integers(1, 4))):
        data = draw(_mutation(data))
    return data


def _counts(dt: Any) -> dict[str, int]:
    return {
        t: int(dt.sql(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"])
        for t in ("sources", "trade_flows", "shipments", "quarantine", "list_versions", "ownership_loads")
    }


def check(loader: Loader, data: bytes, folder: Path, db: Path) -> str:
    """Load ``data`` with ``loader`` on the warehouse ``db``; AssertionError when a property
    fails. Returns 'loaded', 'already' or 'refused'."""
    path = folder / f"input{loader.suffix}"
    path.write_bytes(data)
    with dualtrace.open(db) as dt:
        before = _counts(dt)
        try:
            result = loader.load(dt, path, folder)
        except DualtraceError as exc:
            message = str(exc)
            assert message.strip() and "\n" not in message.strip(), (
                f"{loader.name}: not one line: {message!r}"
            )
            assert _counts(dt) == before, f"{loader.name}: a refused load changed the warehouse"
            return "refused"
        except Exception as exc:  # any other exception is the bug this looks for
            raise AssertionError(
                f"{loader.name}: traceback instead of one line:\n{traceback.format_exc()}"
            ) from exc
        after = _counts(dt)
        if loader.table is None:
            return "loaded" if after["list_versions"] > before["list_versions"] else "already"
        if loader.table == "ownership":
            # whole or nothing: every row of the file is an edge, or the file was refused
            (report,) = result
            if report.status != "loaded":
                return "already"
            assert report.edges == report.records, f"{loader.name}: {report.records} rows, {report.edges} edges"
            assert after["ownership_loads"] == before["ownership_loads"] + 1
            return "loaded"
        if after["sources"] == before["sources"]:
            return "already"  # the same bytes were loaded before
        (source,) = dt.sql("SELECT * FROM sources ORDER BY source_id DESC LIMIT 1")
        read, loaded, held = source["rows_read"], source["rows_loaded"], source["rows_quarantined"]
        assert read == loaded + held, f"{loader.name}: read {read} != loaded {loaded} + quarantined {held}"
        assert after[loader.table] - before[loader.table] == loaded, f"{loader.name}: rows in table != loaded"
        assert after["quarantine"] - before["quarantine"] == held, f"{loader.name}: quarantine != quarantined"
        del result
        return "loaded"


def run_cases(loader: Loader, cases: int, *, derandomize: bool = False) -> list[str]:
    """``cases`` generated files through ``loader`` on one fresh warehouse: the outcome of each;
    the first property that fails raises (hypothesis shrinks it to a small file first).
    ``derandomize``: the same cases on every run (the test suite: a failure there is one
    reproducible file, not a random CI failure; the benchmark explores new cases each run)."""
    outcomes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "fuzz.duckdb"
        dualtrace.open(db).close()

        @settings(
            max_examples=cases,
            deadline=None,
            database=None,
            derandomize=derandomize,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            outcomes.append(check(loader, data.draw(malformed(loader)), Path(folder), db))

        run()
    return outcomes
