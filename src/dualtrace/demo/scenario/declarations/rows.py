"""The text of each declarations file: a line's fields as the file writes them, and the CSV."""

from __future__ import annotations

import csv
import io

from dualtrace.demo.scenario.declarations.codes import (
    CN_COUNTRY,
    CN_CURRENCY,
    CN_HEADER,
    CN_TRANSPORT,
    RU_COUNTRY,
    RU_HEADER,
    RU_TRANSPORT,
)
from dualtrace.demo.scenario.model import FileKey, Line


def _ru_money(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _ru_kg(grams: int) -> str:
    return f"{grams // 1000},{grams % 1000:03d}"


def ru_fields(ln: Line) -> list[str]:
    usd = _ru_money(ln.usd_cents)
    if ln.notes.get("malformed") == "non_numeric_value":
        usd = usd.replace("0", "О", 1) if "0" in usd else "О" + usd
    return [
        ln.declaration_no,
        str(ln.line_no),
        ln.notes.get("date_text", f"{ln.date:%d.%m.%Y}"),
        ln.shipper.name,
        ln.shipper.address,
        ln.shipper.country,
        ln.consignee.name,
        ln.consignee.id,
        ln.consignee.address,
        ln.declarant[0],
        ln.declarant[1],
        _ru_cc(ln, ln.origin),
        _ru_cc(ln, ln.departure),
        ln.hs_code,
        ln.description,
        ln.manufacturer,
        ln.brand,
        _ru_money(ln.value_cents),
        ln.currency,
        usd,
        _ru_kg(ln.net_g),
        str(ln.qty),
        ln.unit,
        RU_TRANSPORT[ln.transport],
    ]


def _ru_cc(ln: Line, iso2: str) -> str:
    # same style (code or name) as the shipper country on the line
    return iso2 if len(ln.shipper.country) == 2 else RU_COUNTRY[iso2]


def cn_fields(ln: Line) -> list[str]:
    return [
        ln.notes.get("date_text", ln.date.isoformat()),
        ln.declaration_no,
        str(ln.line_no),
        ln.shipper.name,
        ln.shipper.id,
        ln.consignee.name,
        ln.consignee.country,
        CN_COUNTRY[ln.destination],
        CN_COUNTRY[ln.origin],
        ln.hs_code,
        ln.description,
        ln.spec,
        ln.brand,
        ln.manufacturer or ln.shipper.name,
        f"{ln.value_cents / 100:.2f}",
        CN_CURRENCY[ln.currency],
        f"{ln.usd_cents / 100:.2f}",
        str(ln.qty),
        ln.unit,
        f"{ln.net_g / 1000:.3f}",
        CN_TRANSPORT[ln.transport],
    ]


def render(lines: list[Line], file: FileKey) -> str:
    """The text of a declarations file; sets each line's ``physical_line``."""
    buf = io.StringIO()
    delimiter = ";" if file == "ru" else ","
    terminator = "\r\n" if file == "ru" else "\n"
    writer = csv.writer(
        buf,
        delimiter=delimiter,
        quotechar='"',
        lineterminator=terminator,
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow(RU_HEADER if file == "ru" else CN_HEADER)
    for i, ln in enumerate(lines):
        ln.physical_line = i + 2
        fields = ru_fields(ln) if file == "ru" else cn_fields(ln)
        kind = ln.notes.get("malformed")
        if kind == "field_count_extra":
            # written by hand without quoting, so the ';' in the description splits the field
            buf.write(delimiter.join(f.replace('"', "") for f in fields) + terminator)
        elif kind == "field_count_truncated":
            writer.writerow(fields[:15])
        else:
            writer.writerow(fields)
    return buf.getvalue()
