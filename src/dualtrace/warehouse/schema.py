"""The canonical fact tables as data: each column's name and what kind of value it holds.

Loaders read this to know how to parse a mapped source column; the DDL lives in migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"  # DOUBLE: weights, quantities
    MONEY = "money"  # DECIMAL(18, 4): values
    DATE = "date"
    PERIOD = "period"  # first day of a month or year; sets freq
    FREQ = "freq"  # M or A
    FLOW = "flow"  # X or M
    DIRECTION = "direction"  # import or export
    COUNTRY = "country"  # ISO3 (or a Comtrade area code)
    CURRENCY = "currency"  # ISO 4217 alpha
    HS_CODE = "hs_code"
    HS_VERSION = "hs_version"
    DERIVED = "derived"  # computed by the loader, never mapped


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False


@dataclass(frozen=True)
class FactTable:
    name: str
    columns: tuple[Column, ...]
    # HS code length accepted for this table (trade statistics go down to chapters).
    hs_min_digits: int
    # At least one of these must be mapped, or a row says nothing measurable.
    measures: tuple[str, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def mappable(self) -> list[str]:
        return [c.name for c in self.columns if c.kind is not Kind.DERIVED]


# Columns both fact tables have: what a row is worth and weighs, and where it came from.
_AMOUNTS = (
    Column("value", Kind.MONEY),
    Column("currency", Kind.CURRENCY),
    Column("value_usd", Kind.MONEY),
    Column("net_kg", Kind.NUMBER),
    Column("qty", Kind.NUMBER),
    Column("qty_unit", Kind.TEXT),
)
_ORIGIN = (Column("source_id", Kind.DERIVED), Column("source_line", Kind.DERIVED))
_MEASURES = ("value", "value_usd", "net_kg", "qty")

TRADE_FLOWS = FactTable(
    name="trade_flows",
    columns=(
        Column("period", Kind.PERIOD, required=True),
        Column("freq", Kind.FREQ),
        Column("reporter", Kind.COUNTRY, required=True),
        Column("partner", Kind.COUNTRY, required=True),
        Column("flow", Kind.FLOW, required=True),
        Column("hs_code", Kind.HS_CODE, required=True),
        Column("hs6", Kind.DERIVED),
        Column("hs_version", Kind.HS_VERSION),
        *_AMOUNTS,
        *_ORIGIN,
    ),
    hs_min_digits=2,
    measures=_MEASURES,
)

SHIPMENTS = FactTable(
    name="shipments",
    columns=(
        Column("date", Kind.DATE, required=True),
        Column("declaration_no", Kind.TEXT),
        Column("line_no", Kind.INTEGER),
        Column("direction", Kind.DIRECTION),
        Column("shipper_name", Kind.TEXT),
        Column("shipper_address", Kind.TEXT),
        Column("shipper_country", Kind.COUNTRY),
        Column("shipper_id", Kind.TEXT),
        Column("consignee_name", Kind.TEXT),
        Column("consignee_address", Kind.TEXT),
        Column("consignee_country", Kind.COUNTRY),
        Column("consignee_id", Kind.TEXT),
        Column("declarant_name", Kind.TEXT),
        Column("declarant_id", Kind.TEXT),
        Column("origin_country", Kind.COUNTRY),
        Column("departure_country", Kind.COUNTRY),
        Column("destination_country", Kind.COUNTRY),
        Column("hs_code", Kind.HS_CODE, required=True),
        Column("hs6", Kind.DERIVED),
        Column("description", Kind.TEXT),
        Column("manufacturer", Kind.TEXT),
        Column("brand", Kind.TEXT),
        *_AMOUNTS,
        Column("transport", Kind.TEXT),
        Column("extra", Kind.DERIVED),
        *_ORIGIN,
    ),
    hs_min_digits=6,
    measures=_MEASURES,
)

FACT_TABLES = {table.name: table for table in (TRADE_FLOWS, SHIPMENTS)}
