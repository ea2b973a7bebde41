"""Unit-value plausibility: is a line's price per unit believable for its code?

Two checks, both per line:

- *peers*: the line's unit value against the other lines of the same HS6 with the same basis
  (currency and unit: value_usd when known, else the value in its own currency; per declared
  unit, or per kg). It is implausible when it is at least ``RATIO`` times above or below the
  median *and* a robust outlier (``Z`` median absolute deviations on the log scale), with at
  least ``MIN_PEERS`` lines to compare. Lines whose description names other goods than the
  code are left out of the peers (they are the ones being tested).
- *floors*: under a code of ``unit_value_floors`` (catalogue), a price per piece in USD below
  the floor (a CNC machining centre at $300) cannot be what the code says.

The SQL here is what the engine runs; ``check_rows`` is the same rule in plain Python, used by
the benchmark's per-row baseline and by the tests to prove both agree.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dualtrace.goods.catalogue import UnitValueFloor

__all__ = ["MASS_UNITS", "MIN_PEERS", "PIECE_UNITS", "RATIO", "UnitValueResult", "Z", "check_rows"]

RATIO = 5.0
Z = 4.0
MIN_PEERS = 8
MAD_SCALE = 1.4826  # MAD of a normal distribution -> standard deviation
MASS_UNITS = ("KG", "KGM", "КГ", "千克")
PIECE_UNITS = ("PCS", "PCE", "PC", "SET", "PAIR", "NAR", "U", "UNIT", "UNITS", "ШТ", "КОМПЛ", "ПАР")


def basis_sql(value: str, currency: str, value_usd: str, qty: str, unit: str, net_kg: str) -> tuple[str, str]:
    """SQL expressions (unit value, basis) for one line; NULL when it has no usable basis.

    A quantity without a unit counts as pieces ("UNIT"); a mass unit means per kg."""
    money = f"coalesce({value_usd}, {value})"
    cur = f"CASE WHEN {value_usd} IS NOT NULL THEN 'USD' ELSE upper(trim({currency})) END"
    unit_up = f"coalesce(nullif(upper(trim({unit})), ''), 'UNIT')"
    mass = ", ".join(f"'{u}'" for u in MASS_UNITS)
    per_unit = f"({qty} > 0 AND {unit_up} NOT IN ({mass}))"
    kg = f"coalesce({net_kg}, CASE WHEN {unit_up} IN ({mass}) THEN {qty} END)"
    no_money = f"{money} IS NULL OR {money} <= 0 OR nullif({cur}, '') IS NULL"
    uv = (
        f"CASE WHEN {no_money} THEN NULL WHEN {per_unit} THEN {money}::DOUBLE / {qty} "
        f"WHEN {kg} > 0 THEN {money}::DOUBLE / {kg} END"
    )
    basis = (
        f"CASE WHEN {no_money} THEN NULL WHEN {per_unit} THEN ({cur}) || '/' || {unit_up} "
        f"WHEN {kg} > 0 THEN ({cur}) || '/KG' END"
    )
    return uv, basis


@dataclass(frozen=True)
class UnitValueResult:
    unit_value: float | None
    basis: str | None
    peer_median: float | None
    peers: int
    flagged: bool
    reason: str | None


def _basis(row: dict[str, Any]) -> tuple[float | None, str | None]:
    """The Python twin of ``basis_sql``."""
    value_usd, value = row.get("value_usd"), row.get("value")
    money = value_usd if value_usd is not None else value
    currency = "USD" if value_usd is not None else str(row.get("currency") or "").strip().upper()
    if money is None or float(money) <= 0 or not currency:
        return None, None
    unit = str(row.get("qty_unit") or "").strip().upper() or "UNIT"
    qty = row.get("qty")
    if qty is not None and float(qty) > 0 and unit not in MASS_UNITS:
        return float(money) / float(qty), f"{currency}/{unit}"
    kg = row.get("net_kg")
    if kg is None and unit in MASS_UNITS:
        kg = qty
    if kg is not None and float(kg) > 0:
        return float(money) / float(kg), f"{currency}/KG"
    return None, None


def check_rows(rows: Sequence[dict[str, Any]], floors: Sequence[UnitValueFloor]) -> list[UnitValueResult]:
    """Per-row unit-value rule in plain Python. Each row: hs6 (HS2022 six digits), peer (bool:
    may serve as a peer), value, currency, value_usd, qty, qty_unit, net_kg."""
    prepared = [(_basis(row), row) for row in rows]
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (uv, basis), row in prepared:
        if uv is not None and basis is not None and row.get("hs6") and row.get("peer", True):
            groups[(row["hs6"], basis)].append(math.log(uv))
    stats: dict[tuple[str, str], tuple[int, float, float]] = {}
    for key, logs in groups.items():
        med = statistics.median(logs)
        stats[key] = (len(logs), med, statistics.median(abs(x - med) for x in logs))
    out = []
    for (uv, basis), row in prepared:
        if uv is None or basis is None:
            out.append(UnitValueResult(None, None, None, 0, False, None))
            continue
        hs6 = row.get("hs6")
        n, med, mad = stats.get((hs6, basis), (0, 0.0, 0.0)) if hs6 else (0, 0.0, 0.0)
        reason = None
        if n >= MIN_PEERS and hs6:
            deviation = abs(math.log(uv) - med)
            if deviation >= math.log(RATIO) and (mad == 0 or deviation / (MAD_SCALE * mad) >= Z):
                reason = peer_reason(uv, basis, math.exp(med), n, hs6)
        if reason is None and hs6 and basis.startswith("USD/") and basis[4:] in PIECE_UNITS:
            floor = next((f for f in floors if any(hs6.startswith(code) for code in f.codes)), None)
            if floor is not None and uv < floor.min_usd:
                reason = floor_reason(uv, basis, floor.min_usd, floor.label, hs6)
        out.append(UnitValueResult(uv, basis, math.exp(med) if n else None, n, reason is not None, reason))
    return out


def peer_reason(uv: float, basis: str, median: float, peers: int, hs6: str) -> str:
    # The same text as the SQL twin (printf %.2f and %.1f round as Python's format does).
    ratio = uv / median
    times = f"{ratio:.1f}x" if ratio >= 1 else f"1/{median / uv:.1f}"
    code = f"{hs6[:4]}.{hs6[4:]}"
    return f"unit value {uv:.2f} {basis} is {times} the median {median:.2f} of {peers} lines under {code}"


def floor_reason(uv: float, basis: str, floor: float, label: str, hs6: str) -> str:
    code = f"{hs6[:4]}.{hs6[4:]}"
    return f"unit value {uv:.2f} {basis} is below {floor:.0f} USD, the least {label} under {code} can cost"


PEER_REASON_SQL = (
    "printf('unit value %.2f %s is %s the median %.2f of %d lines under %s.%s', uv, basis, "
    "CASE WHEN uv / exp(med) >= 1 THEN printf('%.1fx', uv / exp(med)) "
    "ELSE printf('1/%.1f', exp(med) / uv) END, exp(med), n, hs6[1:4], hs6[5:6])"
)
FLOOR_REASON_SQL = (
    "printf('unit value %.2f %s is below %.0f USD, the least %s under %s.%s can cost', "
    "uv, basis, floor_min, floor_label, hs6[1:4], hs6[5:6])"
)
