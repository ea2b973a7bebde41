"""Evidence for findings about series: the monthly figures, the rows, and a query that
reproduces them on the warehouse.

All findings of one analytic get their evidence from one scan of the flows (a join with the
chosen keys), never from one query per finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from dualtrace.analytics.flows import FLOWS, Prepared
from dualtrace.analytics.products import PRODUCTS, ProductMap
from dualtrace.analytics.sql import Runner, in_list, lit
from dualtrace.findings import RowRef

KEYS = "_an_keys"


@dataclass(frozen=True)
class SeriesKey:
    level: str
    product: str
    reporter: str
    partner: str
    flow: str
    currency: str

    def label(self) -> str:
        return f"{self.reporter}>{self.partner} {self.flow} {self.level}:{self.product} {self.currency}"


def where(prepared: Prepared, products: ProductMap, key: SeriesKey) -> str:
    """The portable filter of one series over flows rows."""
    parts = [f"flow = {lit(key.flow)}", f"currency = {lit(key.currency)}"]
    for column, value in (("reporter", key.reporter), ("partner", key.partner)):
        if value == "*":
            parts.append(f"{column} NOT IN {in_list(prepared.areas)}")
        else:
            parts.append(f"{column} = {lit(value)}")
    parts.append(products.predicate(key.level, key.product))
    return " AND ".join(parts)


def series_query(prepared: Prepared, products: ProductMap, key: SeriesKey) -> str:
    """SQL that returns the monthly series of one key (run it with `dualtrace sql`)."""
    return (
        f"{prepared.portable()}\n"
        "SELECT period, SUM(value) AS value, SUM(net_kg) AS net_kg, SUM(qty) AS qty,"
        " COUNT(*) AS rows\n"
        f"FROM flows\nWHERE freq = 'M' AND {where(prepared, products, key)}\n"
        "GROUP BY period ORDER BY period"
    )


def _register_keys(runner: Runner, keys: dict[str, SeriesKey]) -> None:
    runner.register(
        KEYS,
        ["fid", "level", "product", "reporter", "partner", "flow", "currency"],
        [(fid, k.level, k.product, k.reporter, k.partner, k.flow, k.currency) for fid, k in keys.items()],
    )


def _joined(prepared: Prepared) -> str:
    areas = in_list(prepared.areas)
    return f"""FROM {FLOWS} f
JOIN {PRODUCTS} p ON p.hs_code = f.hs_code AND p.hs_version = f.hs_version
JOIN {KEYS} k ON k.level = p.level AND k.product = p.product AND k.flow = f.flow AND k.currency = f.currency
WHERE (k.reporter = f.reporter OR (k.reporter = '*' AND f.reporter NOT IN {areas}))
  AND (k.partner = f.partner OR (k.partner = '*' AND f.partner NOT IN {areas}))"""


def monthly(
    runner: Runner, prepared: Prepared, keys: dict[str, SeriesKey]
) -> dict[str, list[dict[str, Any]]]:
    """fid -> monthly rows {period, value, net_kg, qty, rows} (monthly data only)."""
    if not keys:
        return {}
    _register_keys(runner, keys)
    rows = runner.rows(
        "evidence series",
        "SELECT k.fid, f.period, SUM(f.value) AS value, SUM(f.net_kg) AS net_kg, SUM(f.qty) AS qty,"
        f" COUNT(*) AS n\n{_joined(prepared)} AND f.freq = 'M'\nGROUP BY k.fid, f.period ORDER BY k.fid, "
        f"f.period",
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["fid"]].append(
            {
                "period": _month(r["period"]),
                "value": r["value"],
                "net_kg": r["net_kg"],
                "qty": r["qty"],
                "rows": r["n"],
            }
        )
    return dict(out)


def row_refs(
    runner: Runner, prepared: Prepared, keys: dict[str, SeriesKey], limit: int, since: date | None = None
) -> tuple[dict[str, list[RowRef]], dict[str, int]]:
    """fid -> up to `limit` rows (latest first... by period then line) and fid -> all rows."""
    if not keys:
        return {}, {}
    _register_keys(runner, keys)
    after = f" AND f.period >= {lit(since)}" if since else ""
    rows = runner.rows(
        "evidence rows",
        f"""SELECT fid, source_id, source_line, total FROM (
  SELECT k.fid, f.source_id, f.source_line, COUNT(*) OVER (PARTITION BY k.fid) AS total,
         ROW_NUMBER() OVER (PARTITION BY k.fid ORDER BY f.period DESC, f.source_id, f.source_line) AS rn
  {_joined(prepared)}{after}
) t WHERE rn <= {int(limit)} ORDER BY fid, source_id, source_line""",
    )
    refs: dict[str, list[RowRef]] = defaultdict(list)
    totals: dict[str, int] = {}
    for r in rows:
        refs[r["fid"]].append(RowRef("trade_flows", int(r["source_id"]), int(r["source_line"])))
        totals[r["fid"]] = int(r["total"])
    return dict(refs), totals


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if isinstance(value, date) else str(value)[:7]


def dense(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The monthly rows with the months in between that have no row filled with zeros."""
    if not rows:
        return []
    out: list[dict[str, Any]] = []
    by_month = {r["period"]: r for r in rows}
    y, m = (int(x) for x in rows[0]["period"].split("-"))
    last = rows[-1]["period"]
    while True:
        label = f"{y}-{m:02d}"
        out.append(
            by_month.get(label) or {"period": label, "value": 0.0, "net_kg": 0.0, "qty": 0.0, "rows": 0}
        )
        if label >= last:
            return out
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def month_jump(
    rows: list[dict[str, Any]], measure: str, floor: float, year: int | None = None
) -> dict[str, Any] | None:
    """The largest month-on-month rise (or fall) in a monthly series, optionally in one year."""
    best: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    for row in dense(rows):
        x = row.get(measure)
        if x is None:
            previous = None
            continue
        if previous is not None and (year is None or row["period"].startswith(str(year))):
            before = float(previous[measure])
            ratio = (float(x) + floor) / (before + floor)
            strength = max(ratio, 1 / ratio)
            if best is None or strength > best["strength"]:
                best = {
                    "month": row["period"],
                    "previous_month": previous["period"],
                    "value": float(x),
                    "previous": before,
                    "ratio": float(x) / before if before else None,
                    "strength": strength,
                }
        previous = row
    return best
