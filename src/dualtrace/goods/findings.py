"""Findings of the goods engine, built from ``goods_shipments`` (tags joined to shipments).

``controlled_goods``: one per party (shipper or consignee, by name as written, spaces and case
folded) and watch category: lines, counterparties, period, values per currency (never added
across currencies) and ``value_usd`` where the source gives it, the rows as evidence.

``misdeclaration``: one per shipment group, i.e. shipper, consignee and the weightiest flag of
the lines with its category: the rows, the declared codes, the description words that betray
the goods and the reasons.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import duckdb

from dualtrace.findings import Evidence, Finding, RowRef, ScorePart, capped
from dualtrace.goods.catalogue import Catalogue, Category
from dualtrace.goods.codes import dotted
from dualtrace.goods.rules import DESCRIBED_AS_OTHER, UNIT_VALUE, USE_CLAIM, VAGUE

__all__ = ["CONTROLLED_GOODS", "MISDECLARATION", "build", "party_key_sql"]

CONTROLLED_GOODS = "controlled_goods"
MISDECLARATION = "misdeclaration"
MAX_EVIDENCE_ROWS = 2000
# The rows of a group, in file order, for the evidence.
REFS = "list({'source_id': source_id, 'source_line': source_line} ORDER BY source_id, source_line)"
_RISK_BASE = {"high": 0.7, "medium": 0.5, "watch": 0.25}


def party_key_sql(column: str) -> str:
    """How a party is told apart here: its name as written, case and spaces folded."""
    return f"upper(trim(regexp_replace(coalesce({column}, ''), '[^\\pL\\pN]+', ' ', 'g')))"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _money(values: dict[str, float]) -> str:
    return ", ".join(f"{currency} {amount:,.0f}" for currency, amount in sorted(values.items())) or "no value"


def _values(con: duckdb.DuckDBPyConnection, sql: str) -> dict[tuple[Any, ...], dict[str, float]]:
    """Group key -> {currency: sum of value} (the last column is the currency, then the sum)."""
    out: dict[tuple[Any, ...], dict[str, float]] = defaultdict(dict)
    for row in con.execute(sql).fetchall():
        *key, currency, amount = row
        if amount is not None:
            out[tuple(key)][currency or "?"] = float(amount)
    return out


def _rows(refs: list[Any]) -> list[RowRef]:
    return [RowRef("shipments", int(r["source_id"]), int(r["source_line"])) for r in refs[:MAX_EVIDENCE_ROWS]]


def _period(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return ""
    return (
        f"{first:%Y-%m}"
        if (first.year, first.month) == (last.year, last.month)
        else f"{first:%Y-%m} to {last:%Y-%m}"
    )


def _controlled(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[Finding]:
    parties = f"""
        SELECT 'shipper' AS role, {party_key_sql("shipper_name")} AS party, shipper_country AS country,
               {party_key_sql("consignee_name")} AS other, *
        FROM goods_shipments WHERE len(categories) > 0
        UNION ALL BY NAME
        SELECT 'consignee' AS role, {party_key_sql("consignee_name")} AS party, consignee_country AS country,
               {party_key_sql("shipper_name")} AS other, *
        FROM goods_shipments WHERE len(categories) > 0
    """
    base = f"SELECT * EXCLUDE (categories), unnest(categories) AS category FROM ({parties}) WHERE party <> ''"
    groups = _records(
        con,
        f"""
        SELECT role, party, category, count(*) AS lines, count(DISTINCT other) AS counterparties,
               min(date) AS first, max(date) AS last, sum(value_usd) AS value_usd,
               count(value_usd) AS lines_with_usd, count(*) FILTER (mismatch) AS mismatches,
               list(DISTINCT country) FILTER (country IS NOT NULL) AS countries,
               list(DISTINCT hs6) AS hs6s, list(DISTINCT chpl_tier) FILTER (chpl_tier IS NOT NULL) AS tiers,
               {REFS} AS refs,
               arg_max(other, value_usd) AS top_counterparty
        FROM ({base}) GROUP BY ALL ORDER BY lines DESC
        """,
    )
    values = _values(
        con,
        f"SELECT role, party, category, currency, sum(value) FROM ({base}) GROUP BY ALL",
    )
    return [
        _controlled_finding(group, catalogue[group["category"]], values)
        for group in groups
        if group["category"] in catalogue
    ]


def _group_finding(
    kind: str,
    subject: tuple[str, str],
    group: dict[str, Any],
    headline: str,
    scored: tuple[float, list[ScorePart]],
    *,
    metrics: dict[str, Any],
    evidence: Evidence,
) -> Finding:
    """A finding about a group of lines: it spans the group's first to last date."""
    return Finding(
        kind=kind,
        subject_type=subject[0],
        subject=subject[1],
        headline=headline,
        score=scored[0],
        explanation=scored[1],
        period_start=group["first"],
        period_end=group["last"],
        metrics=metrics,
        evidence=evidence,
    )


def _controlled_finding(
    group: dict[str, Any], category: Category, values: dict[tuple[Any, ...], dict[str, float]]
) -> Finding:
    """One party's lines of one watched category."""
    by_currency = values.get((group["role"], group["party"], group["category"]), {})
    usd = float(group["value_usd"]) if group["value_usd"] is not None else None
    parts = [ScorePart("category_risk", _RISK_BASE[category.risk], category.risk, f"category {category.id}")]
    if group["mismatches"]:
        parts.append(ScorePart("misdeclared_lines", 0.15, group["mismatches"], "lines likely misdeclared"))
    if group["lines"] >= 20:
        parts.append(ScorePart("lines", 0.05, group["lines"], "20 lines or more"))
    score, parts = capped(parts, 0.95)
    verb = "shipped" if group["role"] == "shipper" else "received"
    money = (
        f"${usd:,.0f} (USD values of {group['lines_with_usd']} lines)"
        if usd is not None
        else _money(by_currency)
    )
    headline = (
        f"{group['party']} ({group['role']}) {verb} {group['lines']} line(s) of {category.label}"
        f" with {group['counterparties']} counterpart{'y' if group['counterparties'] == 1 else 'ies'},"
        f" {_period(group['first'], group['last'])}: {money}"
    )
    if group["mismatches"]:
        headline += f"; {group['mismatches']} line(s) flagged as likely misdeclared"
    role_column = "shipper_name" if group["role"] == "shipper" else "consignee_name"
    query = (
        f"SELECT * FROM goods_shipments WHERE {party_key_sql(role_column)} = {_sql_text(group['party'])}"
        f" AND list_contains(categories, {_sql_text(group['category'])})"
        " ORDER BY date, source_id, source_line"
    )
    notes = [f"category {category.id}: {category.label} (risk {category.risk})"]
    if group["tiers"]:
        notes.append("CHPL tiers of the codes: " + ", ".join(sorted(group["tiers"])))
    if len(group["refs"]) > MAX_EVIDENCE_ROWS:
        notes.append(f"evidence lists the first {MAX_EVIDENCE_ROWS} rows; the query returns all")
    return _group_finding(
        CONTROLLED_GOODS,
        ("party_category", f"{group['role']}:{group['party']}:{group['category']}"),
        group,
        headline,
        (score, parts),
        metrics={
            "role": group["role"],
            "party": group["party"],
            "category": group["category"],
            "category_label": category.label,
            "risk": category.risk,
            "lines": group["lines"],
            "counterparties": group["counterparties"],
            "top_counterparty": group["top_counterparty"],
            "value_by_currency": by_currency,
            "value_usd": usd,
            "lines_with_value_usd": group["lines_with_usd"],
            "mismatched_lines": group["mismatches"],
            "hs6": sorted(c for c in group["hs6s"] if c),
            "chpl_tiers": sorted(group["tiers"] or []),
            "countries": sorted(group["countries"] or []),
        },
        evidence=Evidence(query=query, rows=_rows(group["refs"]), notes=notes),
    )


_KIND_WORDS = {
    DESCRIBED_AS_OTHER: "whose descriptions name {label}{terms} declared under {codes}",
    USE_CLAIM: "claiming {claims} use for {label}{terms} under {codes}",
    VAGUE: "under watched code(s) {codes} ({label}) with descriptions that say nothing ({examples})",
    UNIT_VALUE: "with implausible unit values under {codes}",
}


def _misdeclared(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[Finding]:
    shipper, consignee = party_key_sql("shipper_name"), party_key_sql("consignee_name")
    base = f"""
        SELECT {shipper} AS shipper, {consignee} AS consignee, coalesce(primary_category, '') AS pcat, *
        FROM goods_shipments WHERE mismatch
    """
    groups = _records(
        con,
        f"""
        SELECT shipper, consignee, primary_flag, pcat, count(*) AS lines, min(date) AS first,
               max(date) AS last, sum(value_usd) AS value_usd, count(value_usd) AS lines_with_usd,
               max(risk) AS risk,
               {REFS} AS refs,
               list(DISTINCT t) FILTER (t IS NOT NULL) AS terms,
               list(DISTINCT c) FILTER (c IS NOT NULL) AS claims,
               list(DISTINCT f) FILTER (f IS NOT NULL) AS flag_kinds
        FROM (SELECT *, unnest(CASE WHEN len(terms) = 0 THEN [NULL] ELSE terms END) AS t,
                     unnest(CASE WHEN len(claims) = 0 THEN [NULL] ELSE claims END) AS c,
                     unnest(flags) AS f FROM ({base}))
        GROUP BY ALL ORDER BY risk DESC, lines DESC
        """,
    )
    # counts per group come from the unnested rows above: recount lines and USD without them
    exact = {
        (r["shipper"], r["consignee"], r["primary_flag"], r["pcat"]): r
        for r in _records(
            con,
            f"""
            SELECT shipper, consignee, primary_flag, pcat, count(*) AS lines, sum(value_usd) AS value_usd,
                   count(value_usd) AS lines_with_usd,
                   {REFS} AS refs
            FROM ({base}) GROUP BY ALL
            """,
        )
    }
    per_code = defaultdict(list)
    for row in _records(
        con,
        f"""
        SELECT shipper, consignee, primary_flag, pcat, hs_code, hs6,
               count(DISTINCT (source_id, source_line)) AS lines,
               list(DISTINCT description) AS descriptions, list(DISTINCT r) AS reasons
        FROM (SELECT *, unnest(reasons) AS r FROM ({base})) GROUP BY ALL ORDER BY lines DESC
        """,
    ):
        per_code[(row["shipper"], row["consignee"], row["primary_flag"], row["pcat"])].append(row)
    values = _values(
        con,
        f"SELECT shipper, consignee, primary_flag, pcat, currency, sum(value) FROM ({base}) GROUP BY ALL",
    )
    found = []
    for group in groups:
        key = (group["shipper"], group["consignee"], group["primary_flag"], group["pcat"])
        category = catalogue[group["pcat"]] if group["pcat"] else None
        found.append(_misdeclared_finding(group, exact[key], per_code[key], values.get(key, {}), category))
    return found


def _misdeclared_finding(
    group: dict[str, Any],
    counts: dict[str, Any],
    codes: list[dict[str, Any]],
    by_currency: dict[str, float],
    category: Category | None,
) -> Finding:
    """One shipper-consignee pair's lines flagged the same way."""
    shipper, consignee = party_key_sql("shipper_name"), party_key_sql("consignee_name")
    label = category.label.lower() if category else "the declared goods"
    code_list = ", ".join(f"{dotted(c['hs_code'])} ×{c['lines']}" for c in codes[:6])
    examples = "; ".join(f'"{d}"' for c in codes[:3] for d in c["descriptions"][:1])
    quoted = ", ".join(f'"{t}"' for t in (group["terms"] or [])[:6])
    terms = f" ({quoted})" if quoted else ""
    claims = ", ".join(group["claims"] or []) or "a civilian"
    words = _KIND_WORDS.get(group["primary_flag"], "flagged under {codes}")
    text = words.format(label=label, terms=terms, codes=code_list, claims=claims, examples=examples)
    usd = float(counts["value_usd"]) if counts["value_usd"] is not None else None
    money = f"${usd:,.0f}" if usd is not None else _money(by_currency)
    sender = group["shipper"] or "(no shipper)"
    receiver = group["consignee"] or "(no consignee)"
    headline = f"{sender} → {receiver}: {counts['lines']} line(s) {text}; {money}"
    parts = [
        ScorePart(
            "flag_risk",
            float(group["risk"] or 0.5),
            group["primary_flag"],
            "highest risk of the flagged lines" if group["risk"] else "no line risk given: 0.5",
        )
    ]
    if counts["lines"] >= 5:
        parts.append(ScorePart("lines", 0.05, counts["lines"], "5 lines or more"))
    score, parts = capped(parts, 0.98)
    reasons = list(dict.fromkeys(r for c in codes for r in c["reasons"]))
    query = (
        "SELECT * FROM goods_shipments WHERE mismatch"
        f" AND {shipper} = {_sql_text(group['shipper'])}"
        f" AND {consignee} = {_sql_text(group['consignee'])}"
        f" AND primary_flag = {_sql_text(group['primary_flag'])}"
        f" AND coalesce(primary_category, '') = {_sql_text(group['pcat'])}"
        " ORDER BY date, source_id, source_line"
    )
    return _group_finding(
        MISDECLARATION,
        (
            "shipment_group",
            f"{group['shipper']}→{group['consignee']}:{group['primary_flag']}:{group['pcat']}",
        ),
        group,
        headline,
        (score, parts),
        metrics={
            "shipper": group["shipper"],
            "consignee": group["consignee"],
            "flag": group["primary_flag"],
            "flags": sorted(group["flag_kinds"]),
            "category": group["pcat"] or None,
            "lines": counts["lines"],
            "codes": {c["hs_code"]: c["lines"] for c in codes},
            "terms": group["terms"] or [],
            "claims": group["claims"] or [],
            "value_by_currency": by_currency,
            "value_usd": usd,
            "lines_with_value_usd": counts["lines_with_usd"],
        },
        evidence=Evidence(
            query=query,
            rows=_rows(counts["refs"]),
            table=[
                {
                    "hs_code": c["hs_code"],
                    "hs6": c["hs6"],
                    "lines": c["lines"],
                    "descriptions": c["descriptions"][:5],
                }
                for c in codes
            ],
            notes=reasons[:8],
        ),
    )


def build(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> list[Finding]:
    """Both kinds of findings from the current goods tables."""
    return [*_controlled(con, catalogue), *_misdeclared(con, catalogue)]
