"""Reference data: countries (ISO and UN Comtrade codes, names in EN/RU/ZH), HS nomenclature and
version correlation, the Common High Priority List; and their install into the warehouse.

    >>> from dualtrace import reference
    >>> reference.resolve("Russian Federation (Russia)"), reference.resolve("490")
    ('RUS', 'TWN')
    >>> reference.clean_code("8542.31.0000"), reference.tier_of("8525.80", "HS2017")
    ('8542310000', '3.A')
"""

from __future__ import annotations

from dualtrace.reference.chpl import (
    CHPL_DATE,
    TIERS,
    ChplEntry,
    ChplMatch,
    tier,
    tier_of,
)
from dualtrace.reference.chpl import entries as chpl_entries
from dualtrace.reference.chpl import matches as chpl_matches
from dualtrace.reference.correlation import (
    HS_VERSIONS,
    CorrelationRow,
    CorrelationTable,
    Correspondence,
    builtin_table,
    hs_version_for_period,
    load_official,
    to_version,
)
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
from dualtrace.reference.install import (
    correlation_table,
    ensure_installed,
    load_correlation_file,
)

__all__ = [
    "CHPL_DATE",
    "HS_VERSIONS",
    "TIERS",
    "ChplEntry",
    "ChplMatch",
    "CorrelationRow",
    "CorrelationTable",
    "Correspondence",
    "Country",
    "HsEntry",
    "HsInfo",
    "alias_key",
    "aliases",
    "builtin_table",
    "by_code",
    "by_comtrade_code",
    "chpl_entries",
    "chpl_matches",
    "clean_code",
    "correlation_table",
    "countries",
    "describe",
    "ensure_installed",
    "hs6_of",
    "hs_version_for_period",
    "load_correlation_file",
    "load_official",
    "nomenclature",
    "resolve",
    "tier",
    "tier_of",
    "to_version",
]
