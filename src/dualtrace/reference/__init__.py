"""Reference data: countries (ISO and UN Comtrade codes, names in EN/RU/ZH), HS nomenclature."""

from __future__ import annotations

from dualtrace.reference.countries import (
    Country,
    alias_key,
    aliases,
    by_code,
    by_comtrade_code,
    countries,
    resolve,
)
from dualtrace.reference.hs import HsEntry, HsInfo, clean_code, describe, hs6_of, nomenclature

__all__ = [
    "Country",
    "HsEntry",
    "HsInfo",
    "alias_key",
    "aliases",
    "by_code",
    "by_comtrade_code",
    "clean_code",
    "countries",
    "describe",
    "hs6_of",
    "nomenclature",
    "resolve",
]
