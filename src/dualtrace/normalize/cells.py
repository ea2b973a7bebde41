"""Spreadsheet formula neutralisation for every CSV and XLSX cell dualtrace writes.

Names come from customs extracts and sanctions lists; a party called "=HYPERLINK(...)" or
"@SUM(1)" would run as a formula when an analyst opens the output in Excel or LibreOffice
(CSV injection). Such text gets a leading single quote, the OWASP-recommended neutraliser.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["neutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text that is just a number ("-5", "+1.5e3") is not a formula: left as it is.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The value with a quote before text a spreadsheet would read as a formula; other values
    (numbers included, negative ones too) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
