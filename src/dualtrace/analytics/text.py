"""Numbers and names as a headline states them: "$722.7M", "153,077 t", "x2.40", "Kyrgyzstan"."""

from __future__ import annotations

import math
from functools import cache

from dualtrace.reference.countries import by_code

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
SHORT_NAMES = {
    "RUS": "Russia",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "IRN": "Iran",
    "SYR": "Syria",
    "VNM": "Vietnam",
    "LAO": "Laos",
    "MDA": "Moldova",
    "TZA": "Tanzania",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "HKG": "Hong Kong",
    "TWN": "Taiwan",
    "CZE": "Czechia",
}


@cache
def country(code: str) -> str:
    """A country's short English name ('*' means every partner or reporter in the data)."""
    if code == "*":
        return "all partners"
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    found = by_code(code)
    return found.name_en if found else code


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def scaled(x: float) -> str:
    magnitude = abs(x)
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{x / limit:,.1f}{suffix}"
    return f"{x:,.0f}"


def money(x: float | None, currency: str) -> str:
    if x is None:
        return "n/a"
    symbol = SYMBOLS.get(currency)
    sign = "-" if x < 0 else ""
    body = scaled(abs(x))
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{currency} {body}"


def tonnes(kg: float | None) -> str:
    if kg is None:
        return "n/a"
    t = kg / 1000.0
    if abs(t) >= 100:
        return f"{t:,.0f} t"
    if abs(t) >= 1:
        return f"{t:,.1f} t"
    return f"{kg:,.0f} kg"


def unit(measure: str, currency: str) -> str:
    """The unit a measure's amounts are in: the currency for value, kg for net_kg, else units."""
    return currency if measure == "value" else "kg" if measure == "net_kg" else "units"


def amount(x: float | None, measure: str, unit: str) -> str:
    """A measured amount in its unit: money for value, tonnes for net_kg, units for qty."""
    if measure == "value":
        return money(x, unit)
    if measure == "net_kg":
        return tonnes(x)
    if x is None:
        return "n/a"
    return f"{scaled(x)} {unit or 'units'}"


def pct(change: float) -> str:
    """A relative change as a signed percentage: 0.69 -> '+69.0%'."""
    return f"{change * 100:+.1f}%"


def change(ratio: float) -> str:
    """'rose 140.0%', 'fell 44.4%', 'rose x271' (multiples read better than huge percentages)."""
    if not math.isfinite(ratio):
        return "rose from nothing"
    if ratio >= 3:
        return f"rose {times(ratio)}"
    return f"{'rose' if ratio >= 1 else 'fell'} {abs(ratio - 1) * 100:.1f}%"


EU27 = frozenset(
    [
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
    ]
)


def share(x: float) -> str:
    return f"{x * 100:.1f}%"


def times(ratio: float) -> str:
    if not math.isfinite(ratio):
        return "from nothing"
    if ratio >= 100:
        return f"x{ratio:,.0f}"
    if ratio >= 10:
        return f"x{ratio:.1f}"
    return f"x{ratio:.2f}"


def short_label(description: str, limit: int = 60) -> str:
    """The first clause of an HS description, lower-cased, cut to a headline's length."""
    text = description.split(";")[0].strip()
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def join_names(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def period_label(bucket: int, period: str, ytd_months: int | None = None) -> str:
    """Year bucket 2023 -> '2023'; quarter bucket -> '2023-Q2'; month -> '2023-05'."""
    if period == "year":
        if ytd_months and ytd_months < 12:
            return f"Jan-{_MONTHS[ytd_months - 1]} {bucket}"
        return str(bucket)
    if period == "quarter":
        return f"{bucket // 4}-Q{bucket % 4 + 1}"
    return f"{bucket // 12}-{bucket % 12 + 1:02d}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(month: int) -> str:
    return _MONTHS[month - 1]
