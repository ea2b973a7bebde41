"""Analysts' split and merge decisions on resolved parties, kept like screening reviews.

A decision names *records* by their stable references (``pk:<party_key>``, ``entity:<list>:<id>``,
``lei:<LEI>``...), never party ids, so it survives every later build:

``merge``  the records of two parties are one party (forced, whatever the ids say);
``split``  the chosen records (``refs_a``) and the rest of the party at the time (``refs_b``)
           are never put in one party again; new records may still join either side.

Decisions are appended to ``party_decisions`` and never changed. Each build applies all of them
in order; a later decision wins over an earlier one it contradicts (a merge across an earlier
split voids the split, a split across an earlier merge voids the merge). Screening reviews count
too: a confirmed hit joins the party to the list entity, a dismissed one keeps them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from dualtrace.config import reviewer_name
from dualtrace.errors import InputError
from dualtrace.warehouse.db import fetch_one, transaction

__all__ = ["Constraints", "decision_constraints", "find_party", "record_merge", "record_split"]


@dataclass
class Constraints:
    """What decisions impose on a build: groups of refs to join, tags that keep refs apart."""

    merges: list[tuple[str, list[str], str]] = field(default_factory=list)  # (rule, refs, detail)
    tags: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # ref -> [(scheme, value)]
    applied: list[int] = field(default_factory=list)
    voided: list[int] = field(default_factory=list)

    def tag(self, ref: str, scheme: str, value: str) -> None:
        self.tags.setdefault(ref, []).append((scheme, value))


def decision_constraints(con: duckdb.DuckDBPyConnection) -> Constraints:
    out = Constraints()
    rows = con.execute(
        "SELECT decision_id, action, refs_a, refs_b, note, reviewer FROM party_decisions ORDER BY decision_id"
    ).fetchall()
    live: list[tuple[int, str, set[str], set[str], str]] = []
    for did, action, refs_a, refs_b, note, reviewer in rows:
        a, b = set(refs_a), set(refs_b)
        detail = f"decision #{did} by {reviewer}" + (f": {note}" if note else "")
        if action == "merge":
            joined = a | b
            kept = []
            for item in live:
                if item[1] == "split" and joined & item[2] and joined & item[3]:
                    out.voided.append(item[0])
                else:
                    kept.append(item)
            live = [*kept, (did, action, a, b, detail)]
        else:
            kept = []
            for item in live:
                if item[1] == "merge" and (item[2] | item[3]) & a and (item[2] | item[3]) & b:
                    out.voided.append(item[0])
                else:
                    kept.append(item)
            live = [*kept, (did, action, a, b, detail)]
    for did, action, a, b, detail in live:
        out.applied.append(did)
        if action == "merge":
            out.merges.append(("analyst_merge", sorted(a | b), detail))
        else:
            for ref in a:
                out.tag(ref, f"split:{did}", "a")
            for ref in b:
                out.tag(ref, f"split:{did}", "b")
    reviews = con.execute(
        "SELECT party_key, list, entity_id, arg_max(decision, review_id), arg_max(review_id, review_id),"
        " arg_max(reviewer, review_id) FROM screen_reviews GROUP BY 1, 2, 3 ORDER BY 5"
    ).fetchall()
    for key, lst, eid, decision, rid, reviewer in reviews:
        pk, ent = f"pk:{key}", f"entity:{lst}:{eid}"
        if decision == "confirmed":
            out.merges.append(("screening_confirmed", [pk, ent], f"screening review #{rid} by {reviewer}"))
        elif decision == "dismissed":
            out.tag(pk, f"dismissed:{rid}", "party")
            out.tag(ent, f"dismissed:{rid}", "entity")
    return out


def find_party(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The party a user means: a party id, a record ref, an id value (INN, USCC...) or a name."""
    text = text.strip()
    if not text:
        raise InputError("give a party id, name or identifier")
    if fetch_one(con, "SELECT count(*) FROM parties")[0] == 0:
        raise InputError("no parties yet: load declarations or lists, then run `dualtrace network build`")
    row = fetch_one(con, "SELECT party_id FROM parties WHERE party_id = ?", [text])
    if row:
        return str(row[0])
    rows = con.execute(
        "SELECT DISTINCT party_id FROM party_records WHERE ref = ? OR party_key = ?", [text, text]
    ).fetchall()
    if not rows:
        value = "".join(c for c in text if c.isalnum()).upper()
        rows = con.execute(
            "SELECT DISTINCT party_id FROM party_records, unnest(ids) AS t(x)"
            " WHERE split_part(x, ':', 2) = ?",
            [value],
        ).fetchall()
    if not rows:
        rows = con.execute(
            "SELECT DISTINCT party_id FROM party_records WHERE upper(name) = upper(?)", [text]
        ).fetchall()
    if not rows:
        from dualtrace.normalize.name_keys import keys_for

        rows = con.execute(
            "SELECT DISTINCT party_id FROM party_records WHERE norm = ?", [keys_for(text).norm]
        ).fetchall()
    if not rows:
        raise InputError(f"no party matches {text!r}; try a party id from `dualtrace network exposure`")
    if len(rows) > 1:
        ids = ", ".join(sorted(str(r[0]) for r in rows)[:8])
        raise InputError(f"{text!r} matches {len(rows)} parties ({ids}); give the party id")
    return str(rows[0][0])


def _refs(con: duckdb.DuckDBPyConnection, party_id: str) -> list[str]:
    return [
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT ref FROM party_records WHERE party_id = ? ORDER BY 1", [party_id]
        ).fetchall()
    ]


def _insert(
    con: duckdb.DuckDBPyConnection,
    action: str,
    refs_a: list[str],
    refs_b: list[str],
    note: str | None,
    reviewer: str | None,
) -> dict[str, Any]:
    who = reviewer_name(reviewer)
    with transaction(con):
        did = int(fetch_one(con, "SELECT nextval('party_decision_seq')")[0])
        con.execute(
            "INSERT INTO party_decisions (decision_id, action, refs_a, refs_b, note, reviewer)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [did, action, refs_a, refs_b, note, who],
        )
    return {
        "decision_id": did,
        "action": action,
        "refs_a": refs_a,
        "refs_b": refs_b,
        "note": note,
        "reviewer": who,
    }


def record_merge(
    con: duckdb.DuckDBPyConnection, a: str, b: str, *, note: str | None = None, reviewer: str | None = None
) -> dict[str, Any]:
    """Decide that two parties are one; applied by every later build."""
    pa_, pb_ = find_party(con, a), find_party(con, b)
    if pa_ == pb_:
        raise InputError(f"{a!r} and {b!r} are already one party ({pa_})")
    out = _insert(con, "merge", _refs(con, pa_), _refs(con, pb_), note, reviewer)
    out["parties"] = [pa_, pb_]
    return out


def record_split(
    con: duckdb.DuckDBPyConnection,
    party: str,
    *,
    names: list[str] | None = None,
    refs: list[str] | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Decide that some records of a party (by name as written, or by ref) are another party."""
    pid = find_party(con, party)
    if not names and not refs:
        raise InputError("say which records to split off: --name NAME (as written) or --ref REF")
    rows = con.execute("SELECT ref, name FROM party_records WHERE party_id = ?", [pid]).fetchall()
    wanted_names = {n.strip().upper() for n in names or []}
    wanted_refs = set(refs or [])
    chosen = sorted({r for r, n in rows if r in wanted_refs or n.strip().upper() in wanted_names})
    unknown = [x for x in wanted_refs if x not in {r for r, _ in rows}]
    if unknown:
        raise InputError(f"party {pid} has no record {unknown[0]!r}; see `dualtrace party show {pid}`")
    if not chosen:
        raise InputError(f"no record of party {pid} is written as {sorted(wanted_names)[0]!r}")
    rest = sorted({r for r, _ in rows} - set(chosen))
    if not rest:
        raise InputError("that would split off every record of the party; nothing would remain")
    out = _insert(con, "split", chosen, rest, note, reviewer)
    out["party"] = pid
    return out
