"""Writing files: byte-exact text in a declared encoding, the Comtrade+ and Comext layouts, and
the manifest entry (:class:`GeneratedFile`) of each file written.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from dualtrace.demo.scenario import trade
from dualtrace.demo.scenario.model import Flow, GeneratedFile

COMTRADE_HEADER = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "flowDesc",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "partner2ISO",
    "partner2Desc",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "customsDesc",
    "mosCode",
    "motCode",
    "motDesc",
    "qtyUnitCode",
    "qtyUnitAbbr",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQtyUnitAbbr",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
]
COMEXT_HEADER = [
    "DECLARANT",
    "DECLARANT_ISO",
    "PARTNER",
    "PARTNER_ISO",
    "TRADE_TYPE",
    "PRODUCT_NC",
    "PRODUCT_SITC",
    "PRODUCT_CPA2002",
    "PRODUCT_CPA2008",
    "PRODUCT_CPA2_1",
    "PRODUCT_BEC",
    "PRODUCT_BEC5",
    "PRODUCT_SECTION",
    "FLOW",
    "STAT_REGIME",
    "SUPP_UNIT",
    "PERIOD",
    "VALUE_IN_EUROS",
    "QUANTITY_IN_KG",
    "SUP_QUANTITY",
]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bytes(
    out_dir: Path,
    relative: str,
    data: bytes,
    *,
    layout: str,
    rows: int,
    encoding: str,
    delimiter: str,
    description: str,
) -> GeneratedFile:
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return GeneratedFile(relative, layout, rows, encoding, delimiter, sha256_bytes(data), description)


def csv_text(
    header: Sequence[str] | None,
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    terminator: str = "\n",
) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=terminator, quoting=csv.QUOTE_MINIMAL)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def yaml_text(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _num(x: int) -> str:
    return f"{x}.0"


def comtrade_row(f: Flow) -> list[str]:
    hs = trade.HS[f.code]
    items = f.qty_unit != "kg"
    value = _num(f.value)
    return [
        "C",
        "M",
        f"{f.year}{f.month:02d}01",
        str(f.year),
        str(f.month),
        f.period,
        str(trade.COMTRADE_CODE[f.reporter]),
        f.reporter,
        trade.COMTRADE_DESC[f.reporter],
        f.flow,
        "Export" if f.flow == "X" else "Import",
        str(trade.COMTRADE_CODE[f.partner]),
        f.partner,
        trade.COMTRADE_DESC[f.partner],
        "0",
        "W00",
        "World",
        "H6" if f.year >= 2022 else "H5",
        "HS",
        "True",
        f.code,
        hs.desc,
        "6",
        "True",
        "C00",
        "TOTAL CPC",
        "0",
        "0",
        "TOTAL MOT",
        "5" if items else "8",
        "u" if items else "kg",
        _num(f.qty if f.qty is not None else f.net_kg),
        "False",
        "-1",
        "",
        "",
        "False",
        _num(f.net_kg),
        "False",
        "",
        "False",
        value if f.flow == "M" else "",
        value if f.flow == "X" else "",
        value,
        "0",
        "True",
        "False",
    ]


def comext_row(f: Flow) -> list[str]:
    meta_src = trade.CN8_CONTROLLED.get(f.code) or trade.CN8_CONTROL[f.code]
    hs6, _share, _eur_kg, supp = meta_src
    sitc, cpa02, cpa08, cpa21, bec, bec5, section = trade.CN8_META[hs6]
    return [
        trade.EU_DECLARANTS[f.reporter][0],
        f.reporter,
        trade.EU_PARTNERS[f.partner],
        f.partner,
        "E",
        f.code,
        sitc,
        cpa02,
        cpa08,
        cpa21,
        bec,
        bec5,
        section,
        "2",
        "1",
        supp,
        f.period,
        str(f.value),
        str(f.net_kg),
        str(f.qty if supp and f.qty is not None else 0),
    ]


def write_trade(out_dir: Path, flows: list[Flow]) -> dict[str, GeneratedFile]:
    """Write every trade file; sets ``Flow.line`` (1-based physical line, header = 1)."""
    by_file: dict[str, list[Flow]] = {}
    for f in flows:
        by_file.setdefault(f.file, []).append(f)
    written: dict[str, GeneratedFile] = {}
    for relative in sorted(by_file):
        rows = by_file[relative]
        comext = relative.startswith("trade/comext_")
        for i, f in enumerate(rows):
            f.line = i + 2
        text = csv_text(
            COMEXT_HEADER if comext else COMTRADE_HEADER,
            (comext_row(f) if comext else comtrade_row(f) for f in rows),
        )
        desc = (
            "Eurostat Comext bulk layout: EU member states' monthly exports (FLOW 2), EUR"
            if comext
            else "UN Comtrade+ API CSV layout (47 columns), monthly, USD"
        )
        written[relative] = write_bytes(
            out_dir,
            relative,
            text.encode("utf-8"),
            layout="comext_bulk" if comext else "comtrade_plus",
            rows=len(rows),
            encoding="utf-8",
            delimiter=",",
            description=desc,
        )
    return written
