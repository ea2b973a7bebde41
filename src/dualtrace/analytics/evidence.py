"""Evidence for findings about series: the monthly figures, the rows, and a query that
reproduces them on the warehouse.

All findings of one analytic get their evidence from one scan of the flows (a join with the
chosen keys), never from one query per finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dualtrace.analytics.flows import AREAS, FLOWS, Prepared
from dualtrace.analytics.products import PRODUCTS, ProductMap
from dualtrace.analytics.sql import Runner, in_list, lit
from dualtrace.findings import Finding, RowRef

KEYS = "_an_keys"
MATCHED = "_an_ev"


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


def _joined(prepared: Prepared) -> str:
    """Flows rows joined to the requested keys with equality joins only: each row is tried as
    itself, as part of 'every reporter' and as part of 'every partner' (statistical areas never
    count in those), and only rows whose code belongs to a requested product are tried at all."""
    return f"""FROM (
  SELECT f.*, p.level, p.product,
         CASE WHEN v.star = 1 THEN CASE WHEN ar.iso3 IS NULL THEN '*' END ELSE f.reporter END AS rk,
         CASE WHEN v.star = 2 THEN CASE WHEN ap.iso3 IS NULL THEN '*' END ELSE f.partner END AS pk
  FROM {FLOWS} f
  JOIN (SELECT p.hs_code, p.hs_version, p.level, p.product FROM {PRODUCTS} p
        JOIN (SELECT DISTINCT level, product FROM {KEYS}) kp ON kp.level = p.level AND kp.product =
        p.product) p
    ON p.hs_code = f.hs_code AND p.hs_version = f.hs_version
  LEFT JOIN {AREAS} ar ON ar.iso3 = f.reporter
  LEFT JOIN {AREAS} ap ON ap.iso3 = f.partner
  CROSS JOIN (VALUES (0), (1), (2)) AS v(star)
) f
JOIN {KEYS} k ON k.level = f.level AND k.product = f.product AND k.flow = f.flow AND k.currency = f.currency
 AND k.reporter = f.rk AND k.partner = f.pk
WHERE TRUE"""


@dataclass
class Request:
    key: SeriesKey
    series: bool  # the monthly series is wanted
    first: date | None  # rows wanted from this month...
    last: date | None  # ...to this month (None: no rows)
    limit: int


@dataclass
class Fetched:
    monthly: dict[str, list[dict[str, Any]]]
    refs: dict[str, list[RowRef]]
    totals: dict[str, int]


@dataclass
class Pending:
    """Findings waiting for their evidence: `finish` builds them once the batch is fetched."""

    finish: Callable[[Fetched], list[Finding]]


@dataclass
class Batch:
    """The evidence every analytic of a run asks for, fetched in two scans at the end of the run
    (one for the monthly series, one for the rows) instead of two per analytic."""

    requests: dict[str, Request] = field(default_factory=dict)

    def add(
        self,
        fid: str,
        key: SeriesKey,
        *,
        series: bool = True,
        rows: tuple[date, date] | None = None,
        limit: int = 200,
    ) -> None:
        first, last = rows if rows else (None, None)
        self.requests[fid] = Request(key, series, first, last, limit)

    def fetch(self, runner: Runner, prepared: Prepared) -> Fetched:
        if not self.requests:
            return Fetched({}, {}, {})
        runner.register(
            KEYS,
            [
                "fid",
                "level",
                "product",
                "reporter",
                "partner",
                "flow",
                "currency",
                "series",
                "first",
                "last",
                "lim",
            ],
            [
                (
                    fid,
                    r.key.level,
                    r.key.product,
                    r.key.reporter,
                    r.key.partner,
                    r.key.flow,
                    r.key.currency,
                    r.series,
                    r.first.isoformat() if r.first else None,
                    r.last.isoformat() if r.last else None,
                    r.limit,
                )
                for fid, r in self.requests.items()
            ],
            ["str", "str", "str", "str", "str", "str", "str", "bool", "str", "str", "int"],
        )
        # one scan: the rows of every requested series, kept while both answers are read
        runner.table(
            MATCHED,
            "SELECT k.fid, k.series, k.first, k.last, k.lim, f.period, f.freq, f.value, f.net_kg, f.qty,"
            f" f.source_id, f.source_line\n{_joined(prepared)}"
            " AND (k.series OR (k.first IS NOT NULL AND f.period BETWEEN CAST(k.first AS DATE)"
            " AND CAST(k.last AS DATE)))",
            "evidence scan",
        )
        monthly: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if any(r.series for r in self.requests.values()):
            for r in runner.rows(
                "evidence series",
                "SELECT fid, period, SUM(value) AS value, SUM(net_kg) AS net_kg, SUM(qty) AS qty,"
                f" COUNT(*) AS n FROM {MATCHED} WHERE freq = 'M' AND series\n"
                "GROUP BY fid, period ORDER BY fid, period",
            ):
                monthly[r["fid"]].append(
                    {
                        "period": _month(r["period"]),
                        "value": r["value"],
                        "net_kg": r["net_kg"],
                        "qty": r["qty"],
                        "rows": r["n"],
                    }
                )
        refs: dict[str, list[RowRef]] = defaultdict(list)
        totals: dict[str, int] = {}
        if any(r.first for r in self.requests.values()):
            for r in runner.rows(
                "evidence rows",
                f"""SELECT fid, source_id, source_line, total FROM (
  SELECT fid, lim, source_id, source_line, COUNT(*) OVER (PARTITION BY fid) AS total,
         ROW_NUMBER() OVER (PARTITION BY fid ORDER BY value DESC, source_id, source_line) AS rn
  FROM {MATCHED}
  WHERE first IS NOT NULL AND period BETWEEN CAST(first AS DATE) AND CAST(last AS DATE)
) t WHERE rn <= lim ORDER BY fid, source_id, source_line""",
            ):
                refs[r["fid"]].append(RowRef("trade_flows", int(r["source_id"]), int(r["source_line"])))
                totals[r["fid"]] = int(r["total"])
        return Fetched(dict(monthly), dict(refs), totals)


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
