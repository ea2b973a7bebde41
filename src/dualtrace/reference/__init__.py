"""Reference data: countries (ISO and UN Comtrade codes, names in EN/RU/ZH)."""

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

__all__ = [
    "Country",
    "alias_key",
    "aliases",
    "by_code",
    "by_comtrade_code",
    "countries",
    "resolve",
]
