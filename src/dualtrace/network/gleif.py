"""GLEIF level-2 data (who owns whom) from the GLEIF API's JSON, as ownership edges.

Reads any mix of GLEIF API responses (files or folders of ``*.json``):

- ``relationship-records`` (direct / ultimate parent and child relationships): one edge per
  record id, child (``startNode``) -> parent (``endNode``), relation ``consolidated (direct)`` or
  ``consolidated (ultimate)``. GLEIF reports accounting consolidation, not a share: ``share`` is
  NULL. Start and end come from the RELATIONSHIP_PERIOD; an INACTIVE relationship has ended.
- ``lei-records`` (level 1): names and countries of the LEIs, so the nodes carry names.
- ``reporting-exceptions``: why no parent is reported (NO_KNOWN_PERSON, NATURAL_PERSONS...);
  counted in the load report, they are not edges.

Nodes are ``lei:<LEI>``; party resolution joins them with list entities and shipment parties that
carry the same LEI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from dualtrace.errors import InputError
from dualtrace.network.ownership_lists import parse_date
from dualtrace.network.ownership_store import Edge, LoadReport, store_once

__all__ = ["load_gleif", "read_gleif"]

_RELATION = {
    "IS_DIRECTLY_CONSOLIDATED_BY": "consolidated (direct)",
    "IS_ULTIMATELY_CONSOLIDATED_BY": "consolidated (ultimate)",
    "IS_INTERNATIONAL_BRANCH_OF": "branch",
    "IS_FUND-MANAGED_BY": "fund managed by",
    "IS_SUBFUND_OF": "subfund",
    "IS_FEEDER_TO": "feeder",
}


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"file not found: {path}")
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            out.append(path)
    if not out:
        raise InputError(f"no GLEIF JSON files in {', '.join(str(p) for p in paths)}")
    return out


def _items(path: Path) -> Iterator[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path.name}: not GLEIF API JSON ({exc})") from None
    if not isinstance(doc, dict) or "data" not in doc:
        raise InputError(f"{path.name}: not a GLEIF API response (no 'data')")
    data = doc["data"]
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item


def read_gleif(paths: list[Path], source: str = "gleif") -> tuple[list[Edge], LoadReport, str]:
    """Edges, a report with counts, and a digest of the files read."""
    files = _files(paths)
    names, relations, exceptions, records, digest = _read_records(files)
    if not relations and not names and not exceptions:
        raise InputError("no GLEIF records (lei-records, relationship-records, reporting-exceptions) found")
    edges: list[Edge] = []
    skipped: dict[str, int] = {}
    for rid, attrs in sorted(relations.items()):
        edge = _edge(rid, attrs, names, source)
        if edge is None:
            skipped["relationship without both nodes"] = skipped.get("relationship without both nodes", 0) + 1
            continue
        edges.append(edge)
    for attrs in exceptions.values():
        key = f"reporting exception: {attrs.get('category')} {attrs.get('reason')}"
        skipped[key] = skipped.get(key, 0) + 1
    report = LoadReport(
        source=source,
        layout="gleif-api-json",
        files=[str(f) for f in files],
        records=records,
        skipped=skipped,
    )
    return edges, report, digest


class _Records(NamedTuple):
    """What the GLEIF files hold, and a digest of their bytes."""

    names: dict[str, tuple[str, str | None]]  # LEI -> (legal name, country)
    relations: dict[str, dict[str, Any]]  # relationship record id -> attributes
    exceptions: dict[str, dict[str, Any]]  # reporting exception id -> attributes
    records: int
    digest: str


def _read_records(files: list[Path]) -> _Records:
    digest = hashlib.sha256()
    names: dict[str, tuple[str, str | None]] = {}
    relations: dict[str, dict[str, Any]] = {}
    exceptions: dict[str, dict[str, Any]] = {}
    records = 0
    for path in files:
        digest.update(path.read_bytes())
        for item in _items(path):
            records += 1
            kind = item.get("type")
            attrs = item.get("attributes") or {}
            if kind == "lei-records":
                entity = attrs.get("entity") or {}
                name = (entity.get("legalName") or {}).get("name")
                country = (entity.get("legalAddress") or {}).get("country")
                if attrs.get("lei") and name:
                    names[attrs["lei"]] = (name, country)
            elif kind == "relationship-records":
                relations[str(item.get("id"))] = attrs
            elif kind == "reporting-exceptions":
                exceptions[str(item.get("id"))] = attrs
    return _Records(names, relations, exceptions, records, digest.hexdigest())


def _edge(
    rid: str, attrs: dict[str, Any], names: dict[str, tuple[str, str | None]], source: str
) -> Edge | None:
    """The edge of one relationship record, None when it lacks one of its nodes."""
    rel = attrs.get("relationship") or {}
    child = (rel.get("startNode") or {}).get("id")
    parent = (rel.get("endNode") or {}).get("id")
    if not child or not parent:
        return None
    period: dict[str, Any] = next(
        (p for p in rel.get("periods") or [] if p.get("type") == "RELATIONSHIP_PERIOD"), {}
    )
    start = parse_date(period.get("startDate"))
    end = parse_date(period.get("endDate"), end=True)
    status = rel.get("status")
    if status == "INACTIVE" and end is None:
        end = parse_date(attrs.get("validTo"), end=True) or date.today()
    pname, pcountry = names.get(parent, (None, None))
    cname, ccountry = names.get(child, (None, None))
    return Edge(
        ownership_id=f"gleif:{rid}",
        source=source,
        parent=f"lei:{parent}",
        child=f"lei:{child}",
        relation=_RELATION.get(str(rel.get("type")), str(rel.get("type")).lower()),
        share=None,
        parent_name=pname or parent,
        parent_id=parent,
        parent_country=_iso3(pcountry),
        child_name=cname or child,
        child_id=child,
        child_country=_iso3(ccountry),
        start_date=start,
        end_date=end,
        status=status,
        evidence={
            "relationship_record": rid,
            "type": rel.get("type"),
            "status": status,
            "periods": rel.get("periods"),
            "corroboration": (attrs.get("registration") or {}).get("corroborationLevel"),
        },
    )


def _iso3(code: str | None) -> str | None:
    if not code:
        return None
    from dualtrace.reference import resolve

    return resolve(code)


def load_gleif(
    con: duckdb.DuckDBPyConnection, paths: list[Path], *, source: str = "gleif", as_of: date | None = None
) -> LoadReport:
    """Load GLEIF relationships into ``ownership``, replacing an earlier load under the same
    source name."""
    edges, report, sha = read_gleif(paths, source)
    return store_once(con, report, sha, edges, as_of)
