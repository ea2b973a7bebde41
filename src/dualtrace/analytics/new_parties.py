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
from datetime import date, timedelta
from typing import Any

from dualtrace.analytics import text
from dualtrace.analytics.config import AnalyticsConfig
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
    other = OTHER[role]
    return f"""WITH s AS (
  SELECT date, source_id, source_line, CAST(value_usd AS DOUBLE) AS v,
         {role}_id AS pid, {role}_name AS pname, COALESCE({role}_country, '') AS pc, {norm(f"{role}_name")}
         AS pn,
         {other}_id AS cid, {other}_name AS cname, COALESCE({other}_country, '') AS cc,
         {norm(f"{other}_name")} AS cn
  FROM {source}
  WHERE value_usd IS NOT NULL AND ({role}_id IS NOT NULL OR {role}_name IS NOT NULL)
),
pids AS (
  SELECT pn, pc, MIN(pid) AS id FROM s WHERE pid IS NOT NULL GROUP BY pn, pc HAVING COUNT(DISTINCT pid) = 1
),
cids AS (
  SELECT cn, cc, MIN(cid) AS id FROM s WHERE cid IS NOT NULL GROUP BY cn, cc HAVING COUNT(DISTINCT cid) = 1
)
SELECT s.date, s.source_id, s.source_line, s.v, s.pname, s.pc, s.cname, s.cc,
       COALESCE(s.pid, p.id, 'name:' || s.pc || ':' || s.pn) AS party,
       COALESCE(s.cid, c.id, 'name:' || s.cc || ':' || COALESCE(s.cn, '?')) AS counterparty
FROM s LEFT JOIN pids p ON p.pn = s.pn AND p.pc = s.pc
LEFT JOIN cids c ON c.cn = s.cn AND c.cc = s.cc"""


def run_shipments(runner: Runner, config: AnalyticsConfig) -> list[Finding]:
    cfg = config.new_party
    span = runner.rows(
        "shipments span",
        "SELECT MIN(date) AS first, MAX(date) AS last, COUNT(*) AS n, COUNT(value_usd) AS usd FROM shipments",
    )[0]
    if not span["n"]:
        return []
    first, last = span["first"], span["last"]
    full_years = [
        y for y in range(first.year, last.year + 1) if first <= date(y, 1, 31) and last >= date(y, 12, 1)
    ]
    findings = []
    for role in cfg.roles:
        runner.table(f"_an_party_{role}", party_sql(role), f"parties {role}")
        yearly = runner.rows(
            f"parties {role} yearly",
            f"""SELECT party, EXTRACT(YEAR FROM date) AS y, SUM(v) AS v, COUNT(*) AS lines,
       COUNT(DISTINCT counterparty) AS suppliers
FROM _an_party_{role} GROUP BY party, EXTRACT(YEAR FROM date)""",
        )
        firsts = {
            r["party"]: r
            for r in runner.rows(
                f"parties {role} first",
                f"SELECT party, MIN(date) AS first_seen, COUNT(*) AS lines, MODE(pname) AS name, MODE(pc) "
                f"AS country"
                f" FROM _an_party_{role} GROUP BY party",
            )
        }
        per: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        for r in yearly:
            per[r["party"]][int(r["y"])] = r
        candidates = []
        for party, years in per.items():
            info = firsts[party]
            y0 = info["first_seen"].year
            v0 = float(years[y0]["v"])
            later = [(y, float(years[y]["v"])) for y in full_years if y > y0 and y in years]
            if not later:
                continue
            best_y, best_v = max(later, key=lambda p: p[1])
            growth = best_v / v0 if v0 > 0 else math.inf
            if best_v < cfg.min_value or growth < cfg.min_growth:
                continue
            candidates.append((party, info, years, y0, v0, best_y, best_v, growth))
        if not candidates:
            continue
        keys = [c[0] for c in candidates]
        runner.register("_an_np_keys", ["party"], [(k,) for k in keys])
        suppliers = runner.rows(
            f"parties {role} suppliers",
            f"""SELECT p.party, EXTRACT(YEAR FROM p.date) AS y, p.counterparty, MODE(p.cname) AS name,
       SUM(p.v) AS v, COUNT(*) AS lines
FROM _an_party_{role} p JOIN _an_np_keys k ON k.party = p.party
GROUP BY p.party, EXTRACT(YEAR FROM p.date), p.counterparty""",
        )
        lines = runner.rows(
            f"parties {role} lines",
            f"""SELECT p.party, p.source_id, p.source_line FROM _an_party_{role} p
JOIN _an_np_keys k ON k.party = p.party ORDER BY p.party, p.date, p.source_id, p.source_line""",
        )
        by_party_sup: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in suppliers:
            by_party_sup[s["party"]].append(s)
        by_party_lines: dict[str, list[RowRef]] = defaultdict(list)
        for r in lines:
            by_party_lines[r["party"]].append(RowRef("shipments", int(r["source_id"]), int(r["source_line"])))
        data_start = first
        for c in candidates:
            findings.append(
                _finding(
                    config,
                    role,
                    c,
                    by_party_sup[c[0]],
                    by_party_lines[c[0]],
                    data_start,
                    int(span["n"] - span["usd"]),
                )
            )
    findings.sort(key=lambda f: -f.score)
    return findings[: config.max_findings]


def _finding(
    config: AnalyticsConfig,
    role: str,
    c: tuple[Any, ...],
    suppliers: list[dict[str, Any]],
    refs: list[RowRef],
    data_start: date,
    without_usd: int,
) -> Finding:
    cfg = config.new_party
    party, info, years, y0, v0, best_y, best_v, growth = c
    first_seen: date = info["first_seen"]
    new = first_seen >= data_start + timedelta(days=cfg.new_after_days)
    in_best = [s for s in suppliers if int(s["y"]) == best_y]
    total = sum(float(s["v"]) for s in in_best) or 1.0
    in_best.sort(key=lambda s: -float(s["v"]))
    top_share = float(in_best[0]["v"]) / total if in_best else 0.0
    hhi = sum((float(s["v"]) / total) ** 2 for s in in_best)
    role_word = "imported" if role == "consignee" else "exported"
    them = "suppliers" if role == "consignee" else "buyers"
    ident = "" if party.startswith("name:") else f" (id {party})"
    country = text.country(info["country"]) if info["country"] else "country unknown"
    headline = (
        f"{info['name']}{ident}, {country}, "
        f"{'first seen' if new else 'present since the data start,'} on {first_seen.isoformat()}, "
        f"{role_word} "
        f"{text.money(v0, 'USD')} in {y0} and {text.money(best_v, 'USD')} in {best_y} "
        f"({text.times(growth)})"
    )
    if in_best:
        headline += (
            f"; in {best_y} it had {len(in_best)} {them}, the largest ({in_best[0]['name']}) "
            f"with {top_share * 100:.1f}%"
        )
    headline += "."
    parts = {
        "growth": min(1.0, math.log10(max(growth, 1.0)) / 2) if math.isfinite(growth) else 1.0,
        "size": max(0.0, min(1.0, math.log10(best_v / cfg.min_value) / 2 + 0.5)),
        "concentration": min(1.0, hhi * 2),
        "new": 1.0 if new else 0.0,
    }
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    table = [
        {
            "year": str(int(s["y"])),
            "supplier": s["name"] or s["counterparty"],
            "value_usd": float(s["v"]),
            "lines": int(s["lines"]),
        }
        for s in sorted(suppliers, key=lambda s: (int(s["y"]), -float(s["v"])))
    ]
    key_sql = (
        f"{role}_id = {lit(party)}"
        if not party.startswith("name:")
        else f"{norm(f'{role}_name')} = {lit(party.split(':', 2)[2])}"
    )
    if not party.startswith("name:"):
        key_sql = (
            f"({key_sql} OR ({role}_id IS NULL AND {norm(f'{role}_name')} = {lit(_norm_py(info['name']))}))"
        )
    other = OTHER[role]
    query = (
        f"SELECT EXTRACT(YEAR FROM date) AS year, {other}_name, SUM(value_usd) AS value_usd, COUNT(*) AS "
        f"lines\n"
        f"FROM shipments WHERE value_usd IS NOT NULL AND {key_sql}\n"
        f"GROUP BY EXTRACT(YEAR FROM date), {other}_name ORDER BY year, value_usd DESC"
    )
    notes = [
        "party key: "
        + (
            "the id on the line, or the id its name carries elsewhere"
            if ident
            else "the normalised name and country"
        ),
        f"growth: {best_y} (best full year of data) against {y0} (first year seen, may be partial)",
        f"suppliers in {best_y}: top share {top_share * 100:.1f}%, Herfindahl index {hhi:.2f}",
    ]
    if without_usd:
        notes.append(f"{without_usd:,} declaration lines without a USD value are left out")
    return Finding(
        kind=KIND,
        subject_type="party",
        subject=f"{role} {party}",
        headline=headline,
        score=min(1.0, max(0.0, score)),
        period_start=first_seen,
        period_end=date(best_y, 12, 31),
        metrics={
            "role": role,
            "party": party,
            "name": info["name"],
            "country": info["country"],
            "first_seen": first_seen.isoformat(),
            "new": new,
            "first_year": y0,
            "first_year_value_usd": v0,
            "best_year": best_y,
            "best_year_value_usd": best_v,
            "growth": growth if math.isfinite(growth) else None,
            "value_usd_by_year": {str(y): float(r["v"]) for y, r in sorted(years.items())},
            "lines_by_year": {str(y): int(r["lines"]) for y, r in sorted(years.items())},
            "suppliers_in_best_year": len(in_best),
            "top_supplier": in_best[0]["name"] if in_best else None,
            "top_supplier_share": top_share,
            "herfindahl": hhi,
            "score_parts": {**parts, "weights": WEIGHTS},
            "lines": len(refs),
        },
        evidence=Evidence(
            query=query,
            rows=refs[: config.evidence_rows],
            table=table,
            notes=notes,
            chart={
                "mark": "bar",
                "x": "year",
                "x_type": "ordinal",
                "y": "value_usd",
                "color": "supplier",
                "stack": True,
                "y_title": "value (USD)",
                "title": f"{info['name']}: {role_word} by year and {them[:-1]}",
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
