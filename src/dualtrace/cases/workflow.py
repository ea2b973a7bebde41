"""Cases: an alert or finding opened for work, open -> investigating -> closed with an outcome.

Four eyes: a reviewer proposes the decision; it takes effect only when a second, different
reviewer approves it. A screening pair (party, list entry) dismissed as a false positive or
not relevant does not open a case again until the list entry changes (its content_hash) or the
party is another one (its normalised key).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import duckdb

from dualtrace.cases import audit
from dualtrace.cases.accounts import Principal, role_at_least
from dualtrace.errors import DualtraceError, InputError
from dualtrace.findings.model import Finding
from dualtrace.normalize.names import analyze
from dualtrace.warehouse.db import fetch_one, records, transaction

STATUSES = ("open", "investigating", "closed")
OUTCOMES = ("confirmed", "false_positive", "not_relevant")
DISMISSED = ("false_positive", "not_relevant")
_FIELDS = "status, outcome, assignee, proposed, proposed_by"


class CaseError(DualtraceError):
    """A case action that the case's state or the actor's role does not allow."""


class NotFound(CaseError):
    pass


class Forbidden(CaseError):
    pass


def party_key(name: str) -> str:
    return analyze(name).norm or name.strip().casefold()


def _now() -> datetime:
    return datetime.now()


def _state(con: duckdb.DuckDBPyConnection, case_id: str) -> dict[str, Any]:
    rows = records(con, f"SELECT {_FIELDS} FROM cases WHERE case_id = ?", [case_id])
    if not rows:
        raise NotFound(f"no case {case_id!r}")
    return rows[0]


def _new_id() -> str:
    return "C-" + uuid.uuid4().hex[:10]


def open_from_finding(con: duckdb.DuckDBPyConnection, finding: Finding, actor: Principal) -> str:
    _need(actor, "analyst")
    existing = fetch_one(
        con, "SELECT case_id FROM cases WHERE finding_id = ? AND status <> 'closed'", [finding.finding_id]
    )
    if existing:
        return str(existing[0])
    case_id = _new_id()
    evidence = finding.to_record()
    with transaction(con):
        con.execute(
            "INSERT INTO cases (case_id, origin, finding_id, title, status, opened_by, opened_at, evidence)"
            " VALUES (?, 'finding', ?, ?, 'open', ?, ?, ?)",
            [
                case_id,
                finding.finding_id,
                finding.headline,
                actor.name,
                _now(),
                json.dumps(evidence, default=str),
            ],
        )
        audit.append(con, actor.name, "case.open", case_id, None, {"finding": finding.finding_id})
    return case_id


def dismissed_on(con: duckdb.DuckDBPyConnection, party: str, list_name: str, entity_id: str) -> str | None:
    """The case that dismissed this pair, while the list entry is unchanged since."""
    row = fetch_one(
        con,
        "SELECT c.case_id FROM cases c JOIN entities e ON e.list = c.list AND e.entity_id = c.entity_id"
        " WHERE c.party_key = ? AND c.list = ? AND c.entity_id = ? AND c.status = 'closed'"
        " AND c.outcome IN ('false_positive', 'not_relevant') AND c.entity_hash = e.content_hash"
        " ORDER BY c.closed_at DESC LIMIT 1",
        [party_key(party), list_name, entity_id],
    )
    return str(row[0]) if row else None


def open_from_hit(con: duckdb.DuckDBPyConnection, hit: dict[str, Any], actor: Principal) -> dict[str, Any]:
    """A case for a screening hit (party, list, entity_id, score, explanation...), unless the
    same pair is open already or was dismissed and nothing changed: then that case is returned."""
    _need(actor, "analyst")
    party, list_name, entity_id = str(hit["query"]), str(hit["list"]), str(hit["entity_id"])
    dismissed = dismissed_on(con, party, list_name, entity_id)
    if dismissed:
        return {"case_id": dismissed, "opened": False, "reason": "dismissed before; list entry unchanged"}
    key = party_key(party)
    existing = fetch_one(
        con,
        "SELECT case_id FROM cases WHERE party_key = ? AND list = ? AND entity_id = ? AND status <> 'closed'",
        [key, list_name, entity_id],
    )
    if existing:
        return {"case_id": str(existing[0]), "opened": False, "reason": "a case for this pair is open"}
    entity = fetch_one(
        con, "SELECT content_hash FROM entities WHERE list = ? AND entity_id = ?", [list_name, entity_id]
    )
    if entity is None:
        raise InputError(f"no list entry {list_name}/{entity_id}")
    case_id = _new_id()
    title = f"{party} ~ {hit.get('caption') or entity_id} ({list_name})"
    with transaction(con):
        con.execute(
            "INSERT INTO cases (case_id, origin, party, party_key, list, entity_id, entity_hash, title,"
            " status, opened_by, opened_at, evidence)"
            " VALUES (?, 'screening', ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            [case_id, party, key, list_name, entity_id, entity[0], title, actor.name, _now(),
             json.dumps(hit, default=str)],
        )  # fmt: skip
        audit.append(con, actor.name, "case.open", case_id, None, {"party": party, "entity": entity_id})
    return {"case_id": case_id, "opened": True, "reason": ""}


def _need(actor: Principal, role: str) -> None:
    if not role_at_least(actor.role, role):
        raise Forbidden(f"{actor.name} is {actor.role}: this needs the {role} role")


def _change(
    con: duckdb.DuckDBPyConnection, case_id: str, actor: Principal, action: str, sets: dict[str, Any]
) -> dict[str, Any]:
    before = _state(con, case_id)
    assignments = ", ".join(f"{k} = ?" for k in sets)
    with transaction(con):
        con.execute(f"UPDATE cases SET {assignments} WHERE case_id = ?", [*sets.values(), case_id])
        after = _state(con, case_id)
        audit.append(con, actor.name, action, case_id, before, after)
    return after


def assign(con: duckdb.DuckDBPyConnection, case_id: str, assignee: str, actor: Principal) -> dict[str, Any]:
    _need(actor, "analyst")
    state = _state(con, case_id)
    if state["status"] == "closed":
        raise CaseError(f"case {case_id} is closed")
    if not fetch_one(con, "SELECT 1 FROM users WHERE username = ? AND active", [assignee]):
        raise InputError(f"no user {assignee!r} to assign case {case_id} to")
    return _change(con, case_id, actor, "case.assign", {"assignee": assignee, "status": "investigating"})


def start(con: duckdb.DuckDBPyConnection, case_id: str, actor: Principal) -> dict[str, Any]:
    _need(actor, "analyst")
    if _state(con, case_id)["status"] != "open":
        raise CaseError(f"case {case_id} is not open")
    return _change(con, case_id, actor, "case.investigate", {"status": "investigating"})


def comment(con: duckdb.DuckDBPyConnection, case_id: str, body: str, actor: Principal) -> None:
    _need(actor, "analyst")
    _state(con, case_id)
    if not body.strip():
        raise InputError("an empty comment cannot be added")
    with transaction(con):
        con.execute(
            "INSERT INTO case_comments (case_id, written_at, author, body) VALUES (?, ?, ?, ?)",
            [case_id, _now(), actor.name, body],
        )
        audit.append(con, actor.name, "case.comment", case_id, None, {"comment": body})


def propose(con: duckdb.DuckDBPyConnection, case_id: str, outcome: str, actor: Principal) -> dict[str, Any]:
    """The first reviewer's decision: waits for a second reviewer."""
    _need(actor, "reviewer")
    if outcome not in OUTCOMES:
        raise InputError(f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
    if _state(con, case_id)["status"] == "closed":
        raise CaseError(f"case {case_id} is closed")
    return _change(
        con, case_id, actor, "case.propose",
        {"status": "investigating", "proposed": outcome, "proposed_by": actor.name, "proposed_at": _now()},
    )  # fmt: skip


def _waiting_proposal(
    con: duckdb.DuckDBPyConnection, case_id: str, actor: Principal, verb: str
) -> dict[str, Any]:
    """The case's state, when it has a proposed decision and `actor` is a reviewer other than its proposer."""
    _need(actor, "reviewer")
    state = _state(con, case_id)
    if not state["proposed"]:
        raise CaseError(f"case {case_id} has no decision waiting for approval")
    if state["proposed_by"] == actor.name:
        raise Forbidden(f"{actor.name} proposed this decision: a second reviewer must {verb} it")
    return state


def approve(con: duckdb.DuckDBPyConnection, case_id: str, actor: Principal) -> dict[str, Any]:
    """The second reviewer: the proposed decision takes effect and the case closes."""
    state = _waiting_proposal(con, case_id, actor, "approve")
    return _change(
        con, case_id, actor, "case.close",
        {"status": "closed", "outcome": state["proposed"], "decided_by": state["proposed_by"],
         "approved_by": actor.name, "closed_at": _now(), "proposed": None, "proposed_by": None},
    )  # fmt: skip


def reject(con: duckdb.DuckDBPyConnection, case_id: str, actor: Principal) -> dict[str, Any]:
    """A second reviewer disagrees: the proposal is withdrawn, the case stays under investigation."""
    _waiting_proposal(con, case_id, actor, "reject")
    return _change(con, case_id, actor, "case.reject", {"proposed": None, "proposed_by": None})


def cases(
    con: duckdb.DuckDBPyConnection,
    *,
    status: str | None = None,
    assignee: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    where, params = [], []
    if status:
        where.append("status = ?")
        params.append(status)
    if assignee:
        where.append("assignee = ?")
        params.append(assignee)
    sql = "SELECT * EXCLUDE (evidence) FROM cases"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return records(con, sql + " ORDER BY opened_at DESC LIMIT ? OFFSET ?", [*params, limit, offset])


def case(con: duckdb.DuckDBPyConnection, case_id: str) -> dict[str, Any]:
    """A case with its evidence, comments and history: what an export carries."""
    rows = records(con, "SELECT * FROM cases WHERE case_id = ?", [case_id])
    if not rows:
        raise NotFound(f"no case {case_id!r}")
    out = rows[0]
    out["evidence"] = json.loads(out["evidence"]) if out["evidence"] else None
    out["comments"] = records(
        con,
        "SELECT written_at, author, body FROM case_comments WHERE case_id = ? ORDER BY written_at",
        [case_id],
    )
    out["history"] = records(
        con,
        "SELECT seq, logged_at, actor, action, before, after FROM audit_log WHERE target = ? ORDER BY seq",
        [case_id],
    )
    return out
