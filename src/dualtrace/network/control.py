"""The 50 % rule: a party owned 50 % or more, directly or indirectly and in aggregate, by listed
parties is treated as sanctioned itself; the chain of stakes is its explanation.

On a given date (``as_of``, default today) only current stakes count: a stake that has not begun
or whose end date has passed is history, reported as such but never added. Per holder, several
current records of one stake in one company (a register's successive entries, the same stake
from two sources) count once, at the largest share; different holders add up (capped at 100).

The rule propagates as the US Treasury's guidance reads it: a company blocked by the rule is a
blocked owner in turn, so its own >= 50 % stakes block their companies (China Tianyuan Group 75 %
-> Tianyuan Precision 70 % -> Changzhou CNC: blocked, though the group's look-through share is
52.5 %). ``effective_share`` reports that look-through product too. Control without a share (a
DoD 1260H parent, a GLEIF consolidation, "subsidiary of" without a figure) is flagged as
``controlled_unknown_share``; it does not count towards 50 %.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from dualtrace.network.ownership_store import is_current

__all__ = ["Control", "Stake", "compute_control", "load_stakes", "write_control"]

THRESHOLD = 50.0


@dataclass(frozen=True)
class Stake:
    ownership_id: str
    source: str
    parent: str
    child: str
    share: float | None
    relation: str
    start: date | None
    end: date | None
    evidence: str | None


@dataclass
class Control:
    party_id: str
    listed: bool
    aggregate_share: float = 0.0
    effective_share: float = 0.0
    sanctioned_by_ownership: bool = False
    controlled_unknown_share: bool = False
    owners: list[dict[str, Any]] = field(default_factory=list)
    chains: list[list[dict[str, Any]]] = field(default_factory=list)
    ended_stakes: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""


def load_stakes(con: duckdb.DuckDBPyConnection) -> list[Stake]:
    """Ownership rows between resolved parties."""
    rows = con.execute(
        """
        WITH refs AS (SELECT DISTINCT ref, party_id FROM party_records)
        SELECT o.ownership_id, o.source, pp.party_id, pc.party_id, o.share, o.relation, o.start_date,
               o.end_date, o.evidence
        FROM ownership o JOIN refs pp ON pp.ref = o.parent JOIN refs pc ON pc.ref = o.child
        WHERE pp.party_id <> pc.party_id
        ORDER BY o.ownership_id
        """
    ).fetchall()
    return [Stake(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]


Holdings = dict[str, dict[str, tuple[float, list[Stake]]]]  # child -> parent -> (largest share, records)


@dataclass
class _Stakes:
    """The stakes on one date, sorted by what the rule does with them."""

    holdings: Holdings = field(default_factory=lambda: defaultdict(dict))
    unknown: dict[str, list[Stake]] = field(default_factory=lambda: defaultdict(list))  # no share
    ended: dict[str, list[Stake]] = field(default_factory=lambda: defaultdict(list))  # not current
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    touched: set[str] = field(default_factory=set)


def _sort_stakes(stakes: list[Stake], as_of: date) -> _Stakes:
    out = _Stakes()
    for s in stakes:
        out.touched.update((s.parent, s.child))
        if not is_current(s.start, s.end, as_of):
            out.ended[s.child].append(s)
            continue
        out.children[s.parent].add(s.child)
        if s.share is None:
            out.unknown[s.child].append(s)
            continue
        best = out.holdings[s.child].get(s.parent)
        if best is None or s.share > best[0]:
            out.holdings[s.child][s.parent] = (s.share, [s, *(best[1] if best else [])])
        else:
            best[1].append(s)
    return out


def _blocked(listed: set[str], stakes: _Stakes) -> dict[str, str | None]:
    """Party -> the owner that tipped it over 50 % (None for the listed themselves). A fixed
    point: blocked owners' stakes add up; a newly blocked company may block its own."""
    holdings = stakes.holdings
    blocked: dict[str, str | None] = {p: None for p in listed}
    queue = [p for p in listed if p in stakes.children]
    while queue:
        owner = queue.pop()
        for child in stakes.children.get(owner, ()):
            if child in blocked:
                continue
            total = sum(share for p, (share, _) in holdings[child].items() if p in blocked)
            if total >= THRESHOLD:
                top = max((p for p in holdings[child] if p in blocked), key=lambda p: holdings[child][p][0])
                blocked[child] = top
                queue.append(child)
    return blocked


def _look_through(listed: set[str], holdings: Holdings) -> dict[str, float]:
    """Look-through share of listed parties: products of shares along paths, summed over paths;
    iterated to a fixed point (cycles of cross-holdings converge, each share being < 100 %)."""
    eff: dict[str, float] = {}
    for _ in range(50):
        changed = False
        for child, owners_of in holdings.items():
            value = min(
                1.0,
                sum(
                    share / 100.0 * (1.0 if p in listed else eff.get(p, 0.0))
                    for p, (share, _) in owners_of.items()
                ),
            )
            if abs(value - eff.get(child, 0.0)) > 1e-12:
                eff[child] = value
                changed = True
        if not changed:
            break
    return eff


@dataclass
class _Rule:
    """What the 50 % rule found, to explain one party at a time."""

    listed: set[str]
    names: dict[str, str]
    as_of: date
    stakes: _Stakes
    blocked: dict[str, str | None]
    effective: dict[str, float]

    def _step(self, node: str, share_to_next: float | None = None) -> dict[str, Any]:
        return {
            "party_id": node,
            "name": self.names.get(node, node),
            "listed": node in self.listed,
            "share_to_next": share_to_next,
        }

    def _chain_to_listed(self, node: str, seen: frozenset[str]) -> list[str]:
        if node in self.listed or node in seen:
            return [node]
        top = self.blocked.get(node)
        if top is None:
            return [node]
        return [*self._chain_to_listed(top, seen | {node}), node]

    def _chain(self, owner: str, share: float, party: str) -> list[dict[str, Any]]:
        """The steps from a listed party down through blocked owners to `party`."""
        holdings = self.stakes.holdings
        path = self._chain_to_listed(owner, frozenset({party}))
        shares = [
            holdings[b][a][0] if a in holdings.get(b, {}) else None for a, b in itertools.pairwise(path)
        ]
        steps = [self._step(node, s) for node, s in zip(path, [*shares, share], strict=True)]
        return [*steps, self._step(party)]

    def _owner(self, owner: str, share: float | None, records: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "party_id": owner,
            "name": self.names.get(owner, owner),
            "share": share,
            "listed": owner in self.listed,
            "blocked": owner in self.blocked,
            "records": records,
        }

    def _ended(self, s: Stake) -> dict[str, Any]:
        return {
            "party_id": s.parent,
            "name": self.names.get(s.parent, s.parent),
            "share": s.share,
            "start": s.start,
            "end": s.end,
            "listed": s.parent in self.listed,
            "ownership_id": s.ownership_id,
            "source": s.source,
            "state": "not yet begun" if s.start is not None and s.start > self.as_of else "ended",
        }

    def control(self, party: str) -> Control:
        c = Control(party_id=party, listed=party in self.listed)
        owners = self.stakes.holdings.get(party, {})
        c.aggregate_share = min(100.0, sum(share for p, (share, _) in owners.items() if p in self.blocked))
        c.effective_share = round(self.effective.get(party, 0.0) * 100.0, 4)
        c.sanctioned_by_ownership = c.aggregate_share >= THRESHOLD
        for p, (share, records) in sorted(owners.items(), key=lambda kv: -kv[1][0]):
            c.owners.append(self._owner(p, share, [_record(r) for r in records]))
            if p in self.blocked:
                c.chains.append(self._chain(p, share, party))
        for s in self.stakes.unknown.get(party, []):
            if s.parent in self.blocked:
                c.controlled_unknown_share = True
                c.chains.append([self._step(s.parent, None), self._step(party)])
            owner = self._owner(s.parent, None, [{"ownership_id": s.ownership_id, "source": s.source}])
            c.owners.append({**owner, "relation": s.relation})
        c.ended_stakes = [self._ended(s) for s in self.stakes.ended.get(party, [])]
        c.explanation = explain(c, self.as_of)
        return c


def _record(r: Stake) -> dict[str, Any]:
    return {
        "ownership_id": r.ownership_id,
        "source": r.source,
        "share": r.share,
        "start": r.start,
        "end": r.end,
    }


def compute_control(
    stakes: list[Stake], listed: set[str], names: dict[str, str], as_of: date
) -> dict[str, Control]:
    """The 50 % rule on ``as_of`` for every party that a stake touches."""
    sorted_stakes = _sort_stakes(stakes, as_of)
    rule = _Rule(
        listed,
        names,
        as_of,
        sorted_stakes,
        _blocked(listed, sorted_stakes),
        _look_through(listed, sorted_stakes.holdings),
    )
    return {party: rule.control(party) for party in sorted(sorted_stakes.touched)}


def _chain_text(chain: list[dict[str, Any]]) -> str:
    parts = []
    for stepped in chain:
        label = stepped["name"] + (" (listed)" if stepped["listed"] else "")
        parts.append(label)
        if stepped is not chain[-1]:
            share = stepped["share_to_next"]
            parts.append(f"-{share:g}%->" if share is not None else "-controls->")
    return " ".join(parts)


def explain(c: Control, as_of: date) -> str:
    """A sentence a person can check: the verdict, the stakes that make it, what is history."""
    lines = []
    if c.sanctioned_by_ownership:
        lines.append(
            f"owned {c.aggregate_share:g}% in aggregate by listed or blocked parties on {as_of}:"
            " treated as sanctioned under the 50% rule"
        )
    elif c.aggregate_share > 0:
        lines.append(f"owned {c.aggregate_share:g}% by listed or blocked parties on {as_of}: below 50%")
    elif c.controlled_unknown_share:
        lines.append(f"controlled by a listed or blocked party on {as_of}, share not given")
    else:
        lines.append(f"no current stake held by a listed or blocked party on {as_of}")
    if c.effective_share and c.effective_share != c.aggregate_share:
        lines.append(f"look-through share of listed parties {c.effective_share:g}%")
    for chain in c.chains:
        lines.append("chain: " + _chain_text(chain))
    for s in c.ended_stakes:
        who = s["name"] + (" (listed)" if s["listed"] else "")
        share = f"{s['share']:g}%" if s["share"] is not None else "a stake"
        since = f" from {s['start']}" if s["start"] else ""
        if s["state"] == "ended":
            lines.append(f"history: {who} held {share}{since} until {s['end']} (ended, not counted)")
        else:
            lines.append(f"later: {who} held {share}{since} (not yet on {as_of}, not counted)")
    return "; ".join(lines)


def write_control(con: duckdb.DuckDBPyConnection, results: dict[str, Control], as_of: date) -> None:
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    rows = [
        {
            "party_id": c.party_id,
            "as_of": as_of,
            "listed": c.listed,
            "aggregate_share": c.aggregate_share,
            "effective_share": c.effective_share,
            "sanctioned_by_ownership": c.sanctioned_by_ownership,
            "controlled_unknown_share": c.controlled_unknown_share,
            "owners": dumps(c.owners),
            "chains": dumps(c.chains),
            "explanation": c.explanation,
            "ended_stakes": dumps(c.ended_stakes),
        }
        for c in results.values()
    ]
    con.execute("DELETE FROM party_control")
    if not rows:
        return
    con.register("_nw_control", pa.Table.from_pylist(rows))
    try:
        con.execute(
            "INSERT INTO party_control SELECT party_id, as_of, listed, aggregate_share, effective_share,"
            " sanctioned_by_ownership, controlled_unknown_share, owners::JSON, chains::JSON, explanation,"
            " ended_stakes::JSON FROM _nw_control"
        )
    finally:
        con.unregister("_nw_control")
