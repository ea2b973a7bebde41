"""The sentences of a surge or collapse finding: the series described, the move and its unit,
the other measures, the month of the jump, the headline and the notes."""

from __future__ import annotations

import math
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.context import Context
from dualtrace.analytics.evidence import SeriesKey


def describe_series(ctx: Context, key: SeriesKey) -> tuple[str, str]:
    """('China's exports of X', 'to Russia') for a series key."""
    product = ctx.products.label(key.level, key.product)
    verb = "exports" if key.flow == "X" else "imports"
    prep = "to" if key.flow == "X" else "from"
    where = f"{prep} {text.country(key.partner)}" if key.partner != "*" else f"{prep} all partners"
    if key.reporter == "*":
        n = ctx.reporters(key.flow, key.currency)
        return f"{verb.capitalize()} of {product}", f"{where} (all {n} reporters in {key.currency})"
    return f"{text.possessive(text.country(key.reporter))} {verb} of {product}", where


def measure_unit(measure: str, currency: str, row: dict[str, Any]) -> str:
    """The unit a measure is stated in: the currency, the row's quantity unit, or kg."""
    if measure == "value":
        return currency
    return (row.get("unit") or "units") if measure == "qty" else "kg"


def _move(up: bool, measure: str, unit: str, base: float, cur: float, labels: tuple[str, str]) -> str:
    """'rose from X in 2021 to Y in 2023 (x3.1)' or 'fell from ... (-80%)'."""
    base_label, cur_label = labels
    ratio = cur / base if base else math.inf
    verb, change = ("rose", text.times(ratio)) if up else ("fell", text.pct(ratio - 1))
    return (
        f"{verb} from {text.amount(base, measure, unit)} in {base_label} to"
        f" {text.amount(cur, measure, unit)} in {cur_label} ({change})"
    )


def _other_measures_text(c: dict[str, Any], currency: str) -> str:
    """' (by weight: X to Y)' for the other measures that moved the same way, or ''."""
    extras = []
    for other in c.get("others", []):
        o_measure = other["measure"]
        o_unit = measure_unit(o_measure, currency, other)
        word = "value" if o_measure == "value" else "weight" if o_measure == "net_kg" else "quantity"
        extras.append(
            f"by {word}: "
            f"{text.amount(float(other['base']), o_measure, o_unit)} to"
            f" {text.amount(float(other['cur']), o_measure, o_unit)}"
        )
    return " (" + "; ".join(extras) + ")" if extras else ""


def _jump_text(jump: dict[str, Any], c: dict[str, Any], currency: str) -> str:
    """'; in March 2022 alone X, against Y in February'."""
    m = jump["measure"]
    m_unit = measure_unit(m, currency, c)
    month = text.month_name(int(jump["month"][5:7]))
    prev_month = text.month_name(int(jump["previous_month"][5:7]))
    return (
        f"; in {month} {jump['month'][:4]} alone {text.amount(jump['value'], m, m_unit)},"
        f" against {text.amount(jump['previous'], m, m_unit)} in {prev_month}"
    )


def headline_of(
    ctx: Context, c: dict[str, Any], unit: str, labels: tuple[str, str], jump: dict[str, Any] | None
) -> str:
    """The sentence: who, where, the move, the other measures and the month that carries it."""
    key: SeriesKey = c["key"]
    who, where = describe_series(ctx, key)
    move = _move(c["log_ratio"] > 0, c["measure"], unit, float(c["base"]), float(c["cur"]), labels)
    headline = f"{who} {where} {move}" + _other_measures_text(c, key.currency)
    if jump:
        headline += _jump_text(jump, c, key.currency)
    return headline + "."


def notes_of(ctx: Context, period: str, c: dict[str, Any], unit: str, labels: tuple[str, str]) -> list[str]:
    """How the comparison was made: the periods, the rows listed, the floor and the z-score."""
    base_label, cur_label = labels
    floor = ctx.config.surge.floors.of(c["measure"])
    notes = [
        f"{c['comparison']} comparison: {cur_label} against {base_label}"
        + (" (same months of both years: the latest year is not complete)" if c["ytd"] else ""),
        f"rows listed: the largest of the {cur_label} figure; the query returns every month",
        f"log ratio {float(c['log_ratio']):+.2f} with a floor of {text.amount(floor, c['measure'], unit)}"
        " added to both sides",
    ]
    if c["z"] is not None:
        notes.append(
            f"z = {float(c['z']):+.1f} against {int(c['history_n'])} earlier {period}s of the same series"
            " (log scale)"
        )
    notes.extend(ctx.prepared.notes)
    return notes
