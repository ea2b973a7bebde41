"""Reference data: countries (ISO and UN Comtrade codes, names in EN/RU/ZH), HS nomenclature
and version correlation, the Common High Priority List."""

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
    "countries",
    "describe",
    "hs6_of",
    "hs_version_for_period",
    "load_official",
    "nomenclature",
    "resolve",
    "tier",
    "tier_of",
    "to_version",
]
