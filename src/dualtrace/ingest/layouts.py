"""Built-in layouts: official trade-statistics files recognised by their header.

Each layout is an ordinary mapping (the same thing a user writes in YAML), so a user can copy
one and adapt it. Detection looks for the columns that only that layout has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dualtrace.errors import MappingError
from dualtrace.ingest.mapping import Mapping, from_dict

# Comext uses EL for Greece and UK for the United Kingdom, and Q-codes for unallocated partners.
_EUROSTAT_ALIASES = {
    "EL": "GRC",
    "UK": "GBR",
    "XK": "XKX",
    "QP": "_X",
    "QQ": "_X",
    "QR": "_X",
    "QS": "_X",
    "QU": "_X",
    "QV": "_X",
    "QW": "_X",
    "QX": "_X",
    "QY": "_X",
    "QZ": "_X",
}


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    signature: frozenset[str]  # all of these columns must be present
    spec: dict[str, Any]

    def mapping(self) -> Mapping:
        mapping = from_dict(self.spec, f"layout {self.name}")
        mapping.lenient_filters = True
        return mapping


COMTRADE = Layout(
    name="comtrade",
    description="UN Comtrade+ CSV (API or bulk download, 47 columns)",
    signature=frozenset({"reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue"}),
    spec={
        "table": "trade_flows",
        "columns": {
            "period": "period",
            "freq": "freqCode",
            "reporter": "reporterCode",
            "partner": "partnerCode",
            "flow": "flowCode",
            "hs_code": "cmdCode",
            "hs_version": "classificationCode",
            "value": "primaryValue",
            "net_kg": "netWgt",
            "qty": "qty",
            "qty_unit": "qtyUnitAbbr",
        },
        "constants": {"currency": "USD"},
        # Rows broken down by second partner, customs procedure or transport mode repeat the
        # totals; re-exports and re-imports are not X or M. Keep the plain totals only.
        "filters": {
            "flowCode": ["X", "M"],
            "partner2Code": ["0"],
            "customsCode": ["C00"],
            "motCode": ["0"],
        },
    },
)

COMEXT = Layout(
    name="comext",
    description="Eurostat Comext bulk file (DECLARANT_ISO, PARTNER_ISO, PRODUCT_NC, FLOW, PERIOD, ...)",
    signature=frozenset({"DECLARANT_ISO", "PARTNER_ISO", "PRODUCT_NC", "FLOW", "PERIOD"}),
    spec={
        "table": "trade_flows",
        "columns": {
            "reporter": "DECLARANT_ISO",
            "partner": "PARTNER_ISO",
            "hs_code": "PRODUCT_NC",
            "flow": "FLOW",
            "period": "PERIOD",
            "value": "VALUE_IN_EUROS",
            "net_kg": "QUANTITY_IN_KG",
        },
        "constants": {"currency": "EUR"},
        "values": {"flow": {"1": "M", "2": "X"}},
        "options": {"country_aliases": _EUROSTAT_ALIASES},
    },
)

COMEXT_2024 = Layout(
    name="comext-2024",
    description="Eurostat Comext bulk file, 2024 format (REPORTER, PARTNER, PRODUCT_NC, VALUE_EUR, ...)",
    signature=frozenset({"REPORTER", "PARTNER", "PRODUCT_NC", "FLOW", "PERIOD", "VALUE_EUR"}),
    spec={
        "table": "trade_flows",
        "columns": {
            "reporter": "REPORTER",
            "partner": "PARTNER",
            "hs_code": "PRODUCT_NC",
            "flow": "FLOW",
            "period": "PERIOD",
            "value": "VALUE_EUR",
            "net_kg": "QUANTITY_KG",
        },
        "constants": {"currency": "EUR"},
        "values": {"flow": {"1": "M", "2": "X"}},
        "options": {"country_aliases": _EUROSTAT_ALIASES},
    },
)

EUROSTAT_EXTRACT = Layout(
    name="eurostat-extract",
    description="Eurostat 'Easy Comext' extraction (REPORTER, PARTNER, PRODUCT, FLOW, PERIOD, VALUE_IN_EUR)",
    signature=frozenset({"REPORTER", "PARTNER", "PRODUCT", "FLOW", "PERIOD", "VALUE_IN_EUR"}),
    spec={
        "table": "trade_flows",
        "columns": {
            "reporter": "REPORTER",
            "partner": "PARTNER",
            "hs_code": "PRODUCT",
            "flow": "FLOW",
            "period": "PERIOD",
            "value": "VALUE_IN_EUR",
        },
        "constants": {"currency": "EUR"},
        # Extractions saved with "code and label" write "2-EXPORT", "TOTAL-Total".
        "values": {
            "flow": {"1-IMPORT": "M", "2-EXPORT": "X"},
            "hs_code": {"TOTAL-TOTAL": "TOTAL"},
        },
        "options": {"country_aliases": _EUROSTAT_ALIASES},
    },
)

LAYOUTS = {layout.name: layout for layout in (COMTRADE, COMEXT, COMEXT_2024, EUROSTAT_EXTRACT)}


def detect(header: list[str]) -> Layout | None:
    present = set(header)
    for layout in LAYOUTS.values():
        if layout.signature <= present:
            return layout
    return None


def by_name(name: str) -> Layout:
    if name not in LAYOUTS:
        raise MappingError(f"unknown layout {name!r}; built-in layouts: {', '.join(LAYOUTS)}")
    return LAYOUTS[name]
