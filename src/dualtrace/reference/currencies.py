"""Currencies: ISO 4217 letters, the numeric codes customs declarations use, and common names."""

from __future__ import annotations

from functools import cache

import pycountry

# Names as they appear in Russian and Chinese declarations (keys are upper-cased).
NAMED = {
    "ДОЛЛАР США": "USD",
    "ДОЛЛАР": "USD",
    "ЕВРО": "EUR",
    "ЮАНЬ": "CNY",
    "КИТАЙСКИЙ ЮАНЬ": "CNY",
    "РУБЛЬ": "RUB",
    "РОССИЙСКИЙ РУБЛЬ": "RUB",
    "美元": "USD",
    "欧元": "EUR",
    "人民币": "CNY",
    "港币": "HKD",
    "日元": "JPY",
    "卢布": "RUB",
    "RMB": "CNY",
    "US$": "USD",
    "$": "USD",
    "€": "EUR",
    "¥": "CNY",
}


@cache
def aliases() -> dict[str, str]:
    """Upper-cased alias -> ISO 4217 alpha code (numeric codes with and without zeros)."""
    table: dict[str, str] = {}
    for currency in pycountry.currencies:
        table[currency.alpha_3] = currency.alpha_3
        numeric = getattr(currency, "numeric", None)
        if numeric:
            table[numeric] = currency.alpha_3
            table[str(int(numeric))] = currency.alpha_3
    table.update(NAMED)
    return table
