"""New fast-growing parties, from line-level declarations (the ``shipments`` table).

"Founded 2021, from $0.4M to $300M": a consignee (or shipper) that appears in the declarations
after they start, whose yearly value grows many-fold, buying from a few suppliers.

A party is its tax or registry id when the line carries one; a line without an id joins the id
that the same normalised name (and country) carries elsewhere, else the name itself stands for
the party. (The network engine resolves parties far better; this analytic needs only a stable
key within one file set.) Values are ``value_usd``: lines without it are left out and counted
in the notes. Growth compares the party's first year with its best full calendar year of data;
a finding needs ``min_growth`` and ``min_value`` in that year. Concentration is the top
supplier's share and the Herfindahl index of suppliers in that year.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.config import AnalyticsConfig, NewPartyConfig
from dualtrace.analytics.sql import Runner, lit
from dualtrace.findings import Evidence, Finding, RowRef

KIND = "new_party"
WEIGHTS = {"growth": 0.45, "size": 0.3, "concentration": 0.15, "new": 0.1}
OTHER = {"consignee": "shipper", "shipper": "consignee"}


LEGAL_FORMS = (
    "LIMITED|LTD|CO|COMPANY|CORP|CORPORATION|INC|LLC|LLP|PLC|GMBH|AG|SA|SRL|BV|NV|OY|AB|AS|SPA"
    "|SIRKETI|STI|HONG KONG|HK|OOO|ООО|АО|ЗАО|ОАО|ПАО|ТОО|TOO|ИП"
)


def norm(column: str) -> str:
    """A name as a key: letters and digits of any script, upper case, without legal forms
    (LTD, LIMITED, ООО, SIRKETI, HK...) and without spaces, so that 'POLARLINK SUPPLY CHAIN
    (HK) LIMITED' and 'Polar Link Supply Chain (Hong Kong) Ltd' are one key."""
    words = f"' ' || UPPER(REGEXP_REPLACE({column}, '[^\\pL\\pN]+', ' ', 'g')) || ' '"
    stripped = f"REGEXP_REPLACE({words}, ' ({LEGAL_FORMS})(?: ({LEGAL_FORMS}))* ', ' ', 'g')"
    return f"REPLACE({stripped}, ' ', '')"


def party_sql(role: str, source: str = "shipments") -> str:
    """One row per line with a USD value: its party and counterparty keys (the id on the line,
    else the one id the same normalised name and country carry elsewhere, else the name)."""
    other = OTHER[role]
    return f"""WITH line AS (
  SELECT date, source_id, source_line, CAST(value_usd AS DOUBLE) AS value,
         {role}_id AS party_id, {role}_name AS party_name,
         COALESCE({role}_country, '') AS party_country, {norm(f"{role}_name")} AS party_key,
         {other}_id AS counterparty_id, {other}_name AS counterparty_name,
         COALESCE({other}_country, '') AS counterparty_country, {norm(f"{other}_name")} AS counterparty_key
  FROM {source}
  WHERE value_usd IS NOT NULL AND ({role}_id IS NOT NULL OR {role}_name IS NOT NULL)
),
party_ids AS (
  SELECT party_key, party_country, MIN(party_id) AS id FROM line WHERE party_id IS NOT NULL
  GROUP BY party_key, party_country HAVING COUNT(DISTINCT party_id) = 1
),
counterparty_ids AS (
  SELECT counterparty_key, counterparty_country, MIN(counterparty_id) AS id FROM line
  WHERE counterparty_id IS NOT NULL
  GROUP BY counterparty_key, counterparty_country HAVING COUNT(DISTINCT counterparty_id) = 1
)
SELECT line.date, line.source_id, line.source_line, line.value, line.party_name, line.party_country,
       line.counterparty_name, line.counterparty_country,
       COALESCE(line.party_id, p.id, 'name:' || line.party_country || ':' || line.party_key) AS party,
       COALESCE(line.counterparty_id, c.id,
                'name:' || line.counterparty_country || ':' || COALESCE(line.counterparty_key, '?'))
         AS counterparty
FROM line LEFT JOIN party_ids p ON p.party_key = line.party_key AND p.party_country = line.party_country
LEFT JOIN counterparty_ids c
  ON c.counterparty_key = line.counterparty_key AND c.counterparty_country = line.counterparty_country"""


@dataclass
class Candidate:
    """A party whose best full year grew enough over its first year."""

    party: str
    info: dict[str, Any]  # first_seen, lines, name, country
    years: dict[int, dict[str, Any]]  # year -> value, lines, suppliers
    first_year: int
    first_value: float
    best_year: int
    best_value: float
    growth: float


def _full_years(first: date, last: date) -> list[int]:
    return [y for y in range(first.year, last.year + 1) if first <= date(y, 1, 31) and last >= date(y, 12, 1)]


def _candidates(
    runner: Runner, cfg: NewPartyConfig, role: str, table: str, full_years: list[int]
) -> list[Candidate]:
    yearly = runner.rows(
        f"parties {role} yearly",
        f"""SELECT party, EXTRACT(YEAR FROM date) AS year, SUM(value) AS value, COUNT(*) AS lines,
       COUNT(DISTINCT counterparty) AS suppliers
FROM {table} GROUP BY party, EXTRACT(YEAR FROM date)""",
    )
    firsts = {
        r["party"]: r
        for r in runner.rows(
            f"parties {role} first",
            "SELECT party, MIN(date) AS first_seen, COUNT(*) AS lines, MODE(party_name) AS name,"
            f" MODE(party_country) AS country FROM {table} GROUP BY party",
        )
    }
    per: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in yearly:
        per[r["party"]][int(r["year"])] = r
    candidates = []
    for party, years in per.items():
        info = firsts[party]
        first_year = info["first_seen"].year
        first_value = float(years[first_year]["value"])
        later = [(y, float(years[y]["value"])) for y in full_years if y > first_year and y in years]
        if not later:
            continue
        best_year, best_value = max(later, key=lambda p: p[1])
        growth = best_value / first_value if first_value > 0 else math.inf
        if best_value < cfg.min_value or growth < cfg.min_growth:
            continue
        candidates.append(
            Candidate(party, info, years, first_year, first_value, best_year, best_value, growth)
        )
    return candidates


def _suppliers_and_lines(
    runner: Runner, role: str, table: str, candidates: list[Candidate]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[RowRef]]]:
    """Per candidate party, its counterparties per year and its declaration lines."""
    runner.register("_an_np_keys", ["party"], [(c.party,) for c in candidates])
    suppliers = runner.rows(
        f"parties {role} suppliers",
        f"""SELECT p.party, EXTRACT(YEAR FROM p.date) AS year, p.counterparty,
       MODE(p.counterparty_name) AS name, SUM(p.value) AS value, COUNT(*) AS lines
FROM {table} p JOIN _an_np_keys k ON k.party = p.party
GROUP BY p.party, EXTRACT(YEAR FROM p.date), p.counterparty""",
    )
    lines = runner.rows(
        f"parties {role} lines",
        f"""SELECT p.party, p.source_id, p.source_line FROM {table} p
JOIN _an_np_keys k ON k.party = p.party ORDER BY p.party, p.date, p.source_id, p.source_line""",
    )
    by_party_suppliers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in suppliers:
        by_party_suppliers[s["party"]].append(s)
    by_party_lines: dict[str, list[RowRef]] = defaultdict(list)
    for r in lines:
        by_party_lines[r["party"]].append(RowRef("shipments", int(r["source_id"]), int(r["source_line"])))
    return by_party_suppliers, by_party_lines


def run_shipments(runner: Runner, config: AnalyticsConfig) -> list[Finding]:
    cfg = config.new_party
    span = runner.rows(
        "shipments span",
        "SELECT MIN(date) AS first, MAX(date) AS last, COUNT(*) AS n, COUNT(value_usd) AS usd FROM shipments",
    )[0]
    if not span["n"]:
        return []
    full_years = _full_years(span["first"], span["last"])
    findings = []
    for role in cfg.roles:
        table = f"_an_party_{role}"
        runner.table(table, party_sql(role), f"parties {role}")
        candidates = _candidates(runner, cfg, role, table, full_years)
        if not candidates:
            continue
        suppliers, lines = _suppliers_and_lines(runner, role, table, candidates)
        without_usd = int(span["n"] - span["usd"])
        for c in candidates:
            findings.append(
                _finding(config, role, c, suppliers[c.party], lines[c.party], span["first"], without_usd)
            )
    findings.sort(key=lambda f: -f.score)
    return findings[: config.max_findings]


@dataclass
class _Suppliers:
    """The party's counterparties in its best year: how many, the largest, how concentrated."""

    in_best: list[dict[str, Any]]
    top_share: float
    herfindahl: float


def _suppliers_in_best_year(suppliers: list[dict[str, Any]], best_year: int) -> _Suppliers:
    in_best = [s for s in suppliers if int(s["year"]) == best_year]
    total = sum(float(s["value"]) for s in in_best) or 1.0
    in_best.sort(key=lambda s: -float(s["value"]))
    top_share = float(in_best[0]["value"]) / total if in_best else 0.0
    herfindahl = sum((float(s["value"]) / total) ** 2 for s in in_best)
    return _Suppliers(in_best, top_share, herfindahl)


def _headline(role: str, c: Candidate, new: bool, ident: str, best: _Suppliers) -> str:
    role_word = "imported" if role == "consignee" else "exported"
    them = "suppliers" if role == "consignee" else "buyers"
    first_seen: date = c.info["first_seen"]
    country = text.country(c.info["country"]) if c.info["country"] else "country unknown"
    headline = (
        f"{c.info['name']}{ident}, {country}, "
        f"{'first seen' if new else 'present since the data start,'} on {first_seen.isoformat()}, "
        f"{role_word} "
        f"{text.money(c.first_value, 'USD')} in {c.first_year} and {text.money(c.best_value, 'USD')}"
        f" in {c.best_year} ({text.times(c.growth)})"
    )
    if best.in_best:
        headline += (
            f"; in {c.best_year} it had {len(best.in_best)} {them}, the largest ({best.in_best[0]['name']}) "
            f"with {best.top_share * 100:.1f}%"
        )
    return headline + "."


def _score_parts(cfg: NewPartyConfig, c: Candidate, new: bool, best: _Suppliers) -> dict[str, float]:
    return {
        "growth": min(1.0, math.log10(max(c.growth, 1.0)) / 2) if math.isfinite(c.growth) else 1.0,
        "size": max(0.0, min(1.0, math.log10(c.best_value / cfg.min_value) / 2 + 0.5)),
        "concentration": min(1.0, best.herfindahl * 2),
        "new": 1.0 if new else 0.0,
    }


def _query(role: str, c: Candidate) -> str:
    """The party's yearly values per counterparty, as anyone can rerun them on shipments."""
    party = c.party
    key_sql = (
        f"{role}_id = {lit(party)}"
        if not party.startswith("name:")
        else f"{norm(f'{role}_name')} = {lit(party.split(':', 2)[2])}"
    )
    if not party.startswith("name:"):
        key_sql = (
            f"({key_sql} OR ({role}_id IS NULL AND {norm(f'{role}_name')} = {lit(_norm_py(c.info['name']))}))"
        )
    other = OTHER[role]
    return (
        f"SELECT EXTRACT(YEAR FROM date) AS year, {other}_name, SUM(value_usd) AS value_usd, COUNT(*) AS "
        f"lines\n"
        f"FROM shipments WHERE value_usd IS NOT NULL AND {key_sql}\n"
        f"GROUP BY EXTRACT(YEAR FROM date), {other}_name ORDER BY year, value_usd DESC"
    )


def _notes(c: Candidate, ident: str, best: _Suppliers, without_usd: int) -> list[str]:
    notes = [
        "party key: "
        + (
            "the id on the line, or the id its name carries elsewhere"
            if ident
            else "the normalised name and country"
        ),
        f"growth: {c.best_year} (best full year of data) against {c.first_year} (first year seen, may be"
        " partial)",
        f"suppliers in {c.best_year}: top share {best.top_share * 100:.1f}%, Herfindahl index"
        f" {best.herfindahl:.2f}",
    ]
    if without_usd:
        notes.append(f"{without_usd:,} declaration lines without a USD value are left out")
    return notes


def _metrics(
    role: str, c: Candidate, new: bool, best: _Suppliers, parts: dict[str, float], lines: int
) -> dict[str, Any]:
    return {
        "role": role,
        "party": c.party,
        "name": c.info["name"],
        "country": c.info["country"],
        "first_seen": c.info["first_seen"].isoformat(),
        "new": new,
        "first_year": c.first_year,
        "first_year_value_usd": c.first_value,
        "best_year": c.best_year,
        "best_year_value_usd": c.best_value,
        "growth": c.growth if math.isfinite(c.growth) else None,
        "value_usd_by_year": {str(y): float(r["value"]) for y, r in sorted(c.years.items())},
        "lines_by_year": {str(y): int(r["lines"]) for y, r in sorted(c.years.items())},
        "suppliers_in_best_year": len(best.in_best),
        "top_supplier": best.in_best[0]["name"] if best.in_best else None,
        "top_supplier_share": best.top_share,
        "herfindahl": best.herfindahl,
        "score_parts": {**parts, "weights": WEIGHTS},
        "lines": lines,
    }


def _finding(
    config: AnalyticsConfig,
    role: str,
    c: Candidate,
    suppliers: list[dict[str, Any]],
    refs: list[RowRef],
    data_start: date,
    without_usd: int,
) -> Finding:
    cfg = config.new_party
    first_seen: date = c.info["first_seen"]
    new = first_seen >= data_start + timedelta(days=cfg.new_after_days)
    best = _suppliers_in_best_year(suppliers, c.best_year)
    ident = "" if c.party.startswith("name:") else f" (id {c.party})"
    parts = _score_parts(cfg, c, new, best)
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    table = [
        {
            "year": str(int(s["year"])),
            "supplier": s["name"] or s["counterparty"],
            "value_usd": float(s["value"]),
            "lines": int(s["lines"]),
        }
        for s in sorted(suppliers, key=lambda s: (int(s["year"]), -float(s["value"])))
    ]
    role_word = "imported" if role == "consignee" else "exported"
    them = "suppliers" if role == "consignee" else "buyers"
    return Finding(
        kind=KIND,
        subject_type="party",
        subject=f"{role} {c.party}",
        headline=_headline(role, c, new, ident, best),
        score=min(1.0, max(0.0, score)),
        period_start=first_seen,
        period_end=date(c.best_year, 12, 31),
        metrics=_metrics(role, c, new, best, parts, len(refs)),
        evidence=Evidence(
            query=_query(role, c),
            rows=refs[: config.evidence_rows],
            table=table,
            notes=_notes(c, ident, best, without_usd),
            chart={
                "mark": "bar",
                "x": "year",
                "x_type": "ordinal",
                "y": "value_usd",
                "color": "supplier",
                "stack": True,
                "y_title": "value (USD)",
                "title": f"{c.info['name']}: {role_word} by year and {them[:-1]}",
            },
        ),
    )


def _norm_py(name: str) -> str:
    """The key `norm` computes in SQL, for one name (used to write evidence queries)."""
    import re

    words = " " + re.sub(r"[^\w]+", " ", name).replace("_", " ").upper() + " "
    forms = LEGAL_FORMS
    words = re.sub(f" ({forms})(?: ({forms}))* ", " ", words)
    return words.replace(" ", "")
