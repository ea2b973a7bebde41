"""``dualtrace match --pairs FILE.csv``: score name pairs and, when they are labelled, measure
precision, recall and F1 per threshold so analysts can calibrate on their own cases.

Columns: ``name1`` and ``name2`` (required), ``schema``, ``country1``, ``country2``, ``id1``, ``id2``
(optional), ``is_match`` (optional: 1/0, true/false, yes/no). With a warehouse (``match --db``), a
row may name a list entry instead of name2: ``list2`` and ``entity2`` as ``screen`` prints them;
name1 is then scored against the whole entry (all its names, countries, identifiers, birth dates
and addresses) the way screening scores it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from dualtrace.errors import InputError
from dualtrace.normalize.identifiers import normalize_id, scheme_of
from dualtrace.reference import resolve as resolve_country
from dualtrace.screening.engine import load_candidates
from dualtrace.screening.score import Candidate, Query, Scored, score
from dualtrace.warehouse.db import fetch_one

__all__ = ["THRESHOLDS", "PairResult", "metrics", "read_pairs", "score_pairs"]

THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 20)]
_TRUE = {"1", "true", "yes", "y", "t", "match"}
_FALSE = {"0", "false", "no", "n", "f", "non-match", "nonmatch"}


@dataclass
class PairResult:
    row: dict[str, str]
    scored: Scored
    is_match: bool | None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.row)
        out["score"] = round(self.scored.score, 4)
        out["match_weight"] = round(self.scored.match_weight, 2)
        out["explanation"] = self.scored.explanation()
        return out


def _country(value: str | None, line: int, column: str) -> str | None:
    if not value or not value.strip():
        return None
    code = resolve_country(value)
    if code is None:
        raise InputError(f"line {line}: unknown country {value!r} in {column}")
    return code


def _label(value: str | None, line: int) -> bool | None:
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"line {line}: is_match must be 1/0, true/false or yes/no, not {value!r}")


def read_pairs(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError(f"file not found: {path}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        by_entry = {"list2", "entity2"} <= set(header)
        missing = [c for c in ("name1", "name2") if c not in header and not (c == "name2" and by_entry)]
        if missing:
            raise InputError(
                f"{path.name}: needs columns name1 and name2, or name1, list2 and entity2"
                f" (missing {', '.join(missing)})"
            )
        return [dict(r) for r in reader]


def _entry(row: dict[str, str]) -> tuple[str, str] | None:
    lst, eid = (row.get("list2") or "").strip(), (row.get("entity2") or "").strip()
    return (lst, eid) if lst or eid else None


def _entries(
    con: duckdb.DuckDBPyConnection | None, rows: list[dict[str, str]]
) -> dict[tuple[str, str], Candidate]:
    wanted = {e for e in map(_entry, rows) if e is not None}
    if not wanted:
        return {}
    found = load_candidates(con, wanted) if con is not None else {}
    if len(found) < len(wanted) and (con is None or not fetch_one(con, "SELECT count(*) FROM entities")[0]):
        raise InputError("list2/entity2 name list entries: give the warehouse that holds them (--db)")
    return found


def score_pairs(rows: list[dict[str, str]], con: duckdb.DuckDBPyConnection | None = None) -> list[PairResult]:
    """Score each row; rows naming a list entry (list2, entity2) read it from ``con``."""
    entries = _entries(con, rows)
    out = []
    for line, row in enumerate(rows, start=2):
        entry = _entry(row)
        if entry is not None:
            out.append(_score_entry(row, line, entry, entries))
            continue
        name1, name2 = (row.get("name1") or "").strip(), (row.get("name2") or "").strip()
        if not name1 or not name2:
            raise InputError(f"line {line}: name1 and name2 must both be filled")
        schema = (row.get("schema") or "").strip() or None
        c2 = _country(row.get("country2"), line, "country2")
        ids: dict[str, set[str]] = {}
        if (row.get("id2") or "").strip():
            value = normalize_id(row["id2"])
            ids[scheme_of(value)] = {value}
        # the row's schema describes name2; name1 is the query of that kind
        candidate = Candidate(
            "pairs", f"line-{line}", schema or "LegalEntity", name2, [name2], [c2] if c2 else [], ids
        )
        out.append(
            PairResult(
                row, score(_query(row, line, name1, schema), candidate), _label(row.get("is_match"), line)
            )
        )
    return out


def _query(row: dict[str, str], line: int, name1: str, schema: str | None) -> Query:
    """name1 with the row's country1 and id1, as a query of ``schema``."""
    return Query(
        name1,
        _country(row.get("country1"), line, "country1"),
        tuple(i for i in [(row.get("id1") or "").strip()] if i),
        schema,
    )


def _score_entry(
    row: dict[str, str], line: int, entry: tuple[str, str], entries: dict[tuple[str, str], Candidate]
) -> PairResult:
    name1 = (row.get("name1") or "").strip()
    if not name1 or not all(entry):
        raise InputError(f"line {line}: name1, list2 and entity2 must all be filled")
    candidate = entries.get(entry)
    if candidate is None:
        raise InputError(f"line {line}: no list entry {entry[1]!r} on list {entry[0]!r} in the warehouse")
    query = _query(row, line, name1, (row.get("schema") or "").strip() or candidate.schema)
    return PairResult(row, score(query, candidate), _label(row.get("is_match"), line))


def metrics(results: list[PairResult], thresholds: list[float] | None = None) -> list[dict[str, Any]]:
    """Precision, recall and F1 at each threshold over the labelled rows."""
    labelled = [r for r in results if r.is_match is not None]
    if not labelled:
        return []
    out = []
    for t in thresholds or THRESHOLDS:
        tp = sum(1 for r in labelled if r.is_match and r.scored.score >= t)
        fp = sum(1 for r in labelled if not r.is_match and r.scored.score >= t)
        fn = sum(1 for r in labelled if r.is_match and r.scored.score < t)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(
            {
                "threshold": t,
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
        )
    return out


def best_threshold(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The threshold row of ``metrics`` with the best F1 (the higher threshold on a tie)."""
    return max(rows, key=lambda m: (m["f1"], m["threshold"])) if rows else None
