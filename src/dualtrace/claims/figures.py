"""Stated figures: reading "about EUR 2.7 billion", "400 times", "tenfold", "+69%", "153,000 t";
and judging a computed figure against one, with the tolerance its rounding allows."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dualtrace.claims.model import Figure, Rounding

# Words that say how a figure was rounded, longest first so "more than" wins over "more".
ROUNDING_WORDS: dict[str, Rounding] = {
    "approximately": "about",
    "roughly": "about",
    "around": "about",
    "about": "about",
    "some": "about",
    "nearly": "almost",
    "almost": "almost",
    "close to": "almost",
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "exceeding": "more_than",
    "at least": "at_least",
    "less than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "at most": "at_most",
    "up to": "at_most",
}
# Multiplier words: the ratio they state. Words are loose ("doubled" is said of x1.8 to x2.3).
TIMES_WORDS = {
    "doubled": 2.0,
    "double": 2.0,
    "twofold": 2.0,
    "tripled": 3.0,
    "trebled": 3.0,
    "threefold": 3.0,
    "quadrupled": 4.0,
    "fourfold": 4.0,
    "fivefold": 5.0,
    "tenfold": 10.0,
    "hundredfold": 100.0,
    "halved": 0.5,
}
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
}
CURRENCY_SIGNS = {
    "€": "EUR",
    "$": "USD",
    "us$": "USD",
    "eur": "EUR",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "dollar": "USD",
    "cny": "CNY",
    "yuan": "CNY",
    "rub": "RUB",
    "roubles": "RUB",
}
WEIGHT_UNITS = {"t": "t", "tonnes": "t", "tons": "t", "tonne": "t", "ton": "t", "kg": "kg", "kilograms": "kg"}
RELATIVE = {"exact": 0.02, "about": 0.10, "almost": 0.10}
WORD_RELATIVE = 0.15  # "doubled", "tenfold"

_ROUNDING = "|".join(sorted(map(re.escape, ROUNDING_WORDS), key=len, reverse=True))
_NUMBER = r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|mln|mn|bn|k|m|b)\b)?"
_CUR = r"(?P<cur>€|us\$|\$|eur|usd|cny|rub)"
AMOUNT = re.compile(
    rf"(?:(?P<round>{_ROUNDING})\s+)?(?:{_CUR}\s*)?(?P<sign>[+\-−])?(?<![\w.,]){_NUMBER}{_SCALE}"
    rf"(?:\s*(?P<cur2>euros?|dollars?|eur|usd|yuan|roubles)\b)?"
    r"(?:\s*(?P<unit>%|percent\b|per cent\b|times\b|-?fold\b|"
    r"tonnes\b|tons\b|tonne\b|ton\b|t\b|kg\b|kilograms\b))?",
    re.IGNORECASE,
)
WORD_TIMES = re.compile(
    rf"(?:(?P<round>{_ROUNDING})\s+)?\b(?P<word>{'|'.join(TIMES_WORDS)}|(?P<n>{'|'.join(NUMBER_WORDS)})\s+times)\b",
    re.IGNORECASE,
)


def _step(number: str, scale: float) -> float:
    """The precision the text gives: 400 -> 100, 153,000 -> 1,000, 2.7 -> 0.1 (times the scale)."""
    digits = number.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1]) * scale
    stripped = digits.rstrip("0")
    return 10.0 ** (len(digits) - len(stripped)) * scale if stripped else scale


@dataclass(frozen=True)
class Found:
    """A figure found in a sentence, with where it stood."""

    figure: Figure
    start: int
    end: int


def find_figures(text: str) -> list[Found]:
    """Every figure of a sentence in order: amounts, weights, percents, "N times", "tenfold"."""
    found: list[Found] = []
    for match in WORD_TIMES.finditer(text):
        word = match["word"].lower()
        value = float(NUMBER_WORDS[match["n"].lower()]) if match["n"] else TIMES_WORDS[word]
        rounding = ROUNDING_WORDS.get((match["round"] or "").lower(), "about")
        found.append(Found(Figure(value, "x", rounding, 0.0, match.group(0)), match.start(), match.end()))
    taken = [(f.start, f.end) for f in found]
    for match in AMOUNT.finditer(text):
        if any(s <= match.start("num") < e for s, e in taken):
            continue
        if _is_year_or_code(text, match):
            continue
        figure = _amount(match)
        if figure is not None:
            found.append(Found(figure, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def _is_year_or_code(text: str, match: re.Match[str]) -> bool:
    """A bare 4-digit year, a month number or an HS code is not a stated figure."""
    if match["unit"] or match["cur"] or match["cur2"] or match["scale"]:
        return False
    number = match["num"]
    before = text[: match.start("num")].rstrip().lower()
    if re.fullmatch(r"(19|20)\d\d", number) or before.endswith(
        ("hs", "cn", "code", "codes", "heading", "q", "h")
    ):
        return True
    return len(number.replace(",", "")) >= 4 and "," not in number  # 8542, 84571010: codes


def _amount(match: re.Match[str]) -> Figure | None:
    number = match["num"]
    scale_word = (match["scale"] or "").lower()
    unit_word = (match["unit"] or "").lower().strip()
    if scale_word in ("m", "b", "k") and not (match["cur"] or match["cur2"]):
        # "5 m" / "3 b" without a currency is not an amount; keep the number alone
        scale_word = ""
    scale = SCALES.get(scale_word, 1.0)
    value = float(number.replace(",", "")) * scale
    if match["sign"] in ("-", "−"):
        value = -value
    cur = (match["cur"] or match["cur2"] or "").lower()
    if unit_word in ("%", "percent", "per cent"):
        unit = "%"
    elif unit_word in ("times",) or unit_word.endswith("fold"):
        unit = "x"
    elif unit_word in WEIGHT_UNITS:
        unit = WEIGHT_UNITS[unit_word]
    elif cur:
        unit = CURRENCY_SIGNS.get(cur.rstrip("s") if cur not in CURRENCY_SIGNS else cur, cur.upper())
    else:
        unit = ""
    rounding = ROUNDING_WORDS.get((match["round"] or "").lower(), "exact")
    step = _step(number, scale)
    if unit == "x" and unit_word.endswith("fold"):
        rounding = "about" if rounding == "exact" else rounding
    return Figure(value, unit, rounding, step, match.group(0).strip())


@dataclass(frozen=True)
class Judgement:
    ok: bool
    tolerance: str


def tolerance(figure: Figure) -> float:
    """Half the stated precision, or a share of the figure when that is wider (see docs/claims.md)."""
    word = figure.unit == "x" and figure.step == 0.0
    relative = WORD_RELATIVE if word else RELATIVE.get(figure.rounding, 0.02)
    return max(figure.step / 2, relative * abs(figure.value))


def judge(computed: float, figure: Figure) -> Judgement:
    """Whether a computed figure bears out the stated one, and the tolerance used, in words."""
    stated, rounding = figure.value, figure.rounding
    if rounding == "more_than":
        return Judgement(computed > stated, f"more than {fmt_number(stated)}")
    if rounding == "at_least":
        return Judgement(computed >= stated, f"at least {fmt_number(stated)}")
    if rounding == "less_than":
        return Judgement(computed < stated, f"less than {fmt_number(stated)}")
    if rounding == "at_most":
        return Judgement(computed <= stated, f"at most {fmt_number(stated)}")
    tol = tolerance(figure)
    if rounding == "almost":
        return Judgement(
            stated - tol <= computed <= stated + figure.step / 2,
            f"{fmt_number(stated - tol)} to {fmt_number(stated)} ('almost')",
        )
    return Judgement(abs(computed - stated) <= tol, f"±{fmt_number(tol)} ({rounding})")


def fmt_number(value: float) -> str:
    """Short readable numbers: 2.73 billion, 674, 10.4, 0.35."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.3g} billion"
    if size >= 1e6:
        return f"{value / 1e6:.3g} million"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100 or size == 0 or math.isclose(value, round(value)):
        return f"{value:.0f}"
    return f"{value:.3g}"
