"""Stated figures and their tolerance; periods in words."""

from __future__ import annotations

from datetime import date

import pytest

from dualtrace.claims.figures import find_figures, judge, tolerance
from dualtrace.claims.model import Figure
from dualtrace.claims.periods import find_periods, says_year_before, year_range


@pytest.mark.parametrize(
    ("text", "value", "unit", "rounding", "step"),
    [
        ("about EUR 2.7 billion", 2.7e9, "EUR", "about", 1e8),
        ("$900M", 9e8, "USD", "exact", 1e8),
        ("153,000 t", 153000, "t", "exact", 1000),
        ("400 times", 400, "x", "exact", 100),
        ("+69%", 69, "%", "exact", 1),
        ("-61%", -61, "%", "exact", 1),
        ("more than 20 tonnes", 20, "t", "more_than", 10),
        ("tenfold", 10, "x", "about", 0),
        ("more than doubled", 2, "x", "more_than", 0),
        ("nearly 90 percent", 90, "%", "almost", 10),
    ],
)
def test_figures(text: str, value: float, unit: str, rounding: str, step: float) -> None:
    [found] = find_figures(text)
    assert (found.figure.value, found.figure.unit, found.figure.rounding) == (value, unit, rounding)
    assert found.figure.step == pytest.approx(step)


def test_years_and_codes_are_not_figures() -> None:
    assert find_figures("in 2023 under HS 8542 and CN 84571010") == []


def test_tolerance_follows_the_stated_precision() -> None:
    assert tolerance(Figure(400, "x", "exact", 100)) == 50  # 674 is outside 350..450
    assert not judge(674, Figure(400, "x", "exact", 100)).ok
    assert judge(10.4, Figure(10, "x", "about")).ok  # "tenfold": words allow 15%
    assert not judge(11.6, Figure(10, "x", "about")).ok
    assert (
        judge(21, Figure(20, "t", "more_than", 10)).ok and not judge(20, Figure(20, "t", "more_than", 10)).ok
    )
    assert judge(86, Figure(90, "%", "almost", 10)).ok and not judge(96, Figure(90, "%", "almost", 10)).ok


def test_periods() -> None:
    [jan_may] = find_periods("chips doubled in Jan-May 2022")
    assert (jan_may.period.start, jan_may.period.end) == (date(2022, 1, 1), date(2022, 5, 1))
    assert [f.period.months for f in find_periods("H1 2024 against Q3 2023 and May 2021")] == [6, 3, 1]
    assert year_range("between 2021 and 2023") == (2021, 2023)
    assert says_year_before("227 t a year before") and not says_year_before("in 2023")


def test_a_month_span_in_a_change_compares_its_two_ends() -> None:
    from dualtrace.claims.parser import parse_sentence
    from dualtrace.claims.vocab import build_vocab

    claim = parse_sentence("EU exports to Armenia doubled from May 2021 to May 2022", build_vocab())
    assert [(p.start, p.end) for p in claim.periods] == [
        (date(2021, 5, 1), date(2021, 5, 1)),
        (date(2022, 5, 1), date(2022, 5, 1)),
    ]
    level = parse_sentence("EU exports to Armenia were EUR 1 billion from May 2021 to May 2022", build_vocab())
    assert [(p.start, p.end) for p in level.periods] == [(date(2021, 5, 1), date(2022, 5, 1))]
