"""The Comtrade and Comext files the trade flows are written to."""

from __future__ import annotations

F_CHN = "trade/comtrade_CHN_X_2019-2024.csv"
F_WORLD_RUS = "trade/comtrade_partners_X_RUS_2019-2024.csv"
F_DEU = "trade/comtrade_DEU_X_2019-2024.csv"
F_MIRROR = "trade/comtrade_KAZ_KGZ_M_2019-2024.csv"
F_RUS = "trade/comtrade_RUS_M_2019-2021.csv"


def comext_file(year: int) -> str:
    return f"trade/comext_{year}.csv"
