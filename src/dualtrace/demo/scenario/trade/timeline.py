"""The months of the trade data, their seasonality, and the post-invasion ramp of a series."""

from __future__ import annotations

from collections.abc import Callable

YEARS = range(2019, 2025)
MONTHS = [(y, m) for y in YEARS for m in range(1, 13)]
SEASON = (0.86, 0.80, 1.00, 0.98, 1.00, 1.03, 0.98, 0.95, 1.02, 1.06, 1.10, 1.22)
POST = (2022, 3)  # first month after the invasion of 2022-02-24
# USD per EUR, annual averages (approximate), used to derive Comtrade rows of EU reporters
USD_PER_EUR = {2019: 1.1195, 2020: 1.1422, 2021: 1.1827, 2022: 1.0530, 2023: 1.0813, 2024: 1.0824}


def is_post(y: int, m: int) -> bool:
    return (y, m) >= POST


def ramp(y: int, m: int) -> float:
    """Share of the post-war multiplier reached: diversion builds up over 2022-03..2022-06."""
    if not is_post(y, m):
        return 0.0
    months = (y - 2022) * 12 + m - 3
    return min(1.0, (months + 1) / 4)


def post_multiplier(post: float) -> Callable[[int, int], float]:
    def f(y: int, m: int) -> float:
        r = ramp(y, m)
        return 1.0 + (post - 1.0) * r

    return f
