"""The SQL parsers agree with the Python reference rules and never lose a digit."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrace.ingest import expressions as ex
from dualtrace.reference.hs import clean_code

con = duckdb.connect()
con.execute("CREATE MACRO quote_raw(x) AS '''' || x || ''''")


def sql_value(parsed: ex.Parsed, raw: str | None) -> tuple[object, object]:
    parsed = parsed.inlined()
    query = f"SELECT {parsed.value}, {parsed.error or 'NULL'} FROM (SELECT NULLIF(trim(?), '') AS r)"
    row = con.execute(query, [raw]).fetchall()[0]
    return row[0], row[1]


code_text = st.text(alphabet="0123456789 .-[]x", min_size=1, max_size=14)


@settings(max_examples=300, deadline=None)
@given(code_text)
def test_hs_code_sql_matches_the_reference_cleaner(raw: str) -> None:
    if not raw.strip():
        return
    value, error = sql_value(ex.hs_code("r", "hs_code", 2, allow_total=False), raw)
    assert value == clean_code(raw)
    assert (error is None) == (value is not None)


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=0, max_value=Decimal("99999999999"), places=2, allow_nan=False),
    st.sampled_from([",", " ", "\u00a0", ""]),
)
def test_decimal_comma_numbers_with_any_thousands_separator(number: Decimal, thousands: str) -> None:
    whole, _, fraction = f"{number:.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sep = "." if thousands == "," else thousands  # in comma-decimal files thousands use dots or spaces
    text = sep.join(groups) + "," + fraction
    value, error = sql_value(ex.number("r", "value", ",", money=True), text)
    assert error is None and value == number


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal("99999999999"), places=3, allow_nan=False), st.booleans())
def test_decimal_point_numbers_with_and_without_thousands(number: Decimal, grouped: bool) -> None:
    text = f"{number:,.3f}" if grouped else f"{number:.3f}"
    value, error = sql_value(ex.number("r", "net_kg", "."), text)
    assert error is None and value == pytest.approx(float(number))


@pytest.mark.parametrize(
    ("raw", "period", "freq"),
    [
        ("2021", "2021-01-01", "A"),
        ("Y2021", "2021-01-01", "A"),
        ("202152", "2021-01-01", "A"),
        ("202104", "2021-04-01", "M"),
        ("2021-04", "2021-04-01", "M"),
        ("2021M04", "2021-04-01", "M"),
        ("04.2021", "2021-04-01", "M"),
        ("Apr. 2021", "2021-04-01", "M"),
        ("April 2021", "2021-04-01", "M"),
        ("2021-04-17", "2021-04-01", "M"),
    ],
)
def test_periods_as_statistics_publish_them(raw: str, period: str, freq: str) -> None:
    parsed = ex.period("r", "period").inlined()
    row = con.execute(
        f"SELECT ({parsed.value})::VARCHAR, {parsed.extra['freq']}, {parsed.error} FROM (SELECT ? AS r)",
        [raw],
    ).fetchall()[0]
    assert row == (period, freq, None)


@pytest.mark.parametrize("raw", ["2021-13", "202113", "Foo 2021", "21", "1899", "20210"])
def test_bad_periods_say_so(raw: str) -> None:
    _, error = sql_value(ex.period("r", "period"), raw)
    assert error == f"period: not a period '{raw}'"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-05-01", "2023-05-01"),
        ("01.05.2023", "2023-05-01"),
        ("01/05/2023", "2023-05-01"),
        ("20230501", "2023-05-01"),
        ("2023年5月1日", "2023-05-01"),
        ("2023-05-01 14:30:00", "2023-05-01"),
        ("45047", "2023-05-01"),  # an Excel day number
    ],
)
def test_dates_in_the_usual_forms(raw: str, expected: str) -> None:
    value, error = sql_value(ex.date("r", "date", "auto"), raw)
    assert error is None and str(value) == expected
