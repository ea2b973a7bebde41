"""The SQL a claim runs: one slice of trade_flows (flow, reporters, partners, goods, months) and
its measure, written with parameters and kept as runnable text for the evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from dualtrace import reference
from dualtrace.claims.model import Goods, Period
from dualtrace.claims.vocab import EU, eu_aggregates, eu_members
from dualtrace.warehouse.db import records

EXPRESSIONS = {
    "value": "sum(value)",
    "value_usd": "sum(value_usd)",
    "weight_t": "sum(net_kg) / 1000.0",
    "weight_kg": "sum(net_kg)",
    "quantity": "sum(qty)",
    "unit_value": "sum(value) / nullif(sum(net_kg), 0)",
}
# The column a measure needs filled, to tell "no such data" from a real zero.
NEEDS = {
    "weight_t": "net_kg",
    "weight_kg": "net_kg",
    "quantity": "qty",
    "unit_value": "net_kg",
    "value_usd": "value_usd",
}


@dataclass(frozen=True)
class Slice:
    flow: str
    reporters: tuple[str, ...]  # warehouse codes; () = every reporter that is a country
    partners: tuple[str, ...]
    goods: Goods
    period: Period | None = None

    def where(self) -> tuple[str, list[Any]]:
        parts = ["flow = ?"]
        params: list[Any] = [self.flow]
        for column, codes in (("reporter", self.reporters), ("partner", self.partners)):
            if codes:
                parts.append(f"{column} IN ({', '.join('?' for _ in codes)})")
                params += list(codes)
            else:
                parts.append(f"{column} NOT IN (SELECT code FROM claim_areas)")
        if self.goods.total:
            parts.append("hs_code = 'TOTAL'")
        else:
            parts.append("(" + " OR ".join("starts_with(hs_code, ?)" for _ in self.goods.codes) + ")")
            params += list(self.goods.codes)
        if self.period is not None:
            parts.append("period BETWEEN ? AND ?")
            params += [self.period.start, self.period.end]
        return " AND ".join(parts), params


def inline(sql: str, params: list[Any]) -> str:
    """The query with its parameters written in, so it can be pasted into `dualtrace sql`."""
    out = []
    values = iter(params)
    for piece in sql.split("?"):
        out.append(piece)
        try:
            value = next(values)
        except StopIteration:
            continue
        if isinstance(value, date):
            out.append(f"DATE '{value.isoformat()}'")
        elif isinstance(value, int | float):
            out.append(str(value))
        else:
            out.append("'" + str(value).replace("'", "''") + "'")
    return "".join(out)


class Runner:
    """Runs slices on one connection and keeps every query (inlined) for the evidence."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.queries: list[str] = []
        areas = [c.iso3 for c in reference.countries() if c.is_area]
        # reference area codes (EU, world, "nes") are never summed with the countries they hold
        con.execute(
            "CREATE OR REPLACE TEMP TABLE claim_areas AS SELECT unnest(?::VARCHAR[]) AS code", [areas]
        )

    def rows(self, sql: str, params: list[Any], *, keep: bool = True) -> list[dict[str, Any]]:
        if keep:  # the figures' queries; coverage look-ups are not kept
            self.queries.append(inline(sql, params))
        return records(self.con, sql, params)

    def measure(self, piece: Slice, expression: str) -> tuple[float | None, int]:
        where, params = piece.where()
        got = self.rows(
            f"SELECT {EXPRESSIONS[expression]} AS v, count(*) AS n FROM trade_flows WHERE {where}", params
        )
        value = got[0]["v"]
        return (float(value) if value is not None else None), int(got[0]["n"])

    def by(self, piece: Slice, column: str, expression: str) -> list[dict[str, Any]]:
        where, params = piece.where()
        sql = (
            f"SELECT {column} AS key, {EXPRESSIONS[expression]} AS v FROM trade_flows WHERE {where} "
            f"AND {column} NOT IN (SELECT code FROM claim_areas) GROUP BY 1 ORDER BY 2 DESC NULLS LAST"
        )
        return self.rows(sql, params)

    def coverage(self, piece: Slice) -> dict[str, Any]:
        where, params = piece.where()
        sql = (
            "SELECT count(*) AS n, min(period) AS first, max(period) AS last, "
            "count(net_kg) AS net_kg, count(qty) AS qty, count(value_usd) AS value_usd, "
            f"list(DISTINCT currency) AS currencies FROM trade_flows WHERE {where}"
        )
        return self.rows(sql, params, keep=False)[0]

    def evidence(self, piece: Slice, expression: str, label: str) -> list[dict[str, Any]]:
        """The rows behind a figure, by reporter, partner and year (with the files they came from)."""
        where, params = piece.where()
        sql = (
            f"SELECT ? AS slice, reporter, partner, year(period) AS year, count(*) AS rows, "
            f"min(period) AS first_month, max(period) AS last_month, {EXPRESSIONS[expression]} AS figure, "
            f"list(DISTINCT source_id) AS source_ids FROM trade_flows WHERE {where} "
            "GROUP BY ALL ORDER BY year, figure DESC NULLS LAST LIMIT 40"
        )
        found = self.rows(sql, [label, *params], keep=False)
        for row in found:
            row["first_month"] = str(row["first_month"])[:7]
            row["last_month"] = str(row["last_month"])[:7]
            row["figure"] = float(row["figure"]) if row["figure"] is not None else None
        return found

    def codes_held(self, goods: Goods) -> int:
        where = " OR ".join("starts_with(hs_code, ?)" for _ in goods.codes)
        sql = f"SELECT count(*) AS n FROM trade_flows WHERE hs_code <> 'TOTAL' AND ({where})"
        return int(self.rows(sql, list(goods.codes), keep=False)[0]["n"])

    def distinct(self, column: str, flow: str) -> list[str]:
        sql = f"SELECT DISTINCT {column} AS c FROM trade_flows WHERE flow = ? ORDER BY 1"
        return [r["c"] for r in self.rows(sql, [flow], keep=False)]


def expand(
    runner: Runner, codes: tuple[str, ...], column: str, flow: str, goods: Goods
) -> tuple[tuple[str, ...], str | None]:
    """Warehouse codes for a claim's places. EU is the EU total row when the data has one for the goods,
    else the sum of the member states (said in the note)."""
    if EU not in codes:
        return codes, None
    rest = tuple(c for c in codes if c != EU)
    for aggregate in eu_aggregates():
        piece = (
            Slice(flow, (aggregate,), (), goods)
            if column == "reporter"
            else Slice(flow, (), (aggregate,), goods)
        )
        if runner.coverage(piece)["n"]:  # an EU total row for these goods
            return (*rest, aggregate), f"EU = the {aggregate} total rows"
    return (*rest, *eu_members()), "EU = the sum of the 27 member states (no EU total rows)"
