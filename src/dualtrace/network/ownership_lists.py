"""Ownership held in the list tables: FtM ``Ownership`` entities and ``parent`` links.

- An FtM Ownership (OpenSanctions, the demo's lists) names ``owner`` and ``asset`` entities, a
  ``percentage`` (or only ``sharesCount``), ``startDate`` / ``endDate`` and a ``role``
  ("subsidiary of"). One edge per owner-asset pair.
- A ``parent`` link (the DoD 1260H list's "Parent Name", any FtM ``parent`` property) is a
  control relation without a share.

These edges are derived again at every ``network build`` (source ``list:<list>``), so they follow
the lists as they are updated.
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from datetime import date
from typing import Any

import duckdb

from dualtrace.network.ownership_store import Edge, insert_edges

__all__ = ["parse_date", "parse_share", "refresh_list_ownership"]

_SHARE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


def parse_share(values: list[str] | None) -> float | None:
    """The first value that reads as a percentage in 0..100 ("49", "49.5 %"), else None."""
    for value in values or []:
        match = _SHARE.match(str(value))
        if match:
            share = float(match.group(1).replace(",", "."))
            if 0 <= share <= 100:
                return share
    return None


def parse_date(value: str | None, *, end: bool = False) -> date | None:
    """ISO dates, also partial ("2019", "2019-06"): the first day of the period for a start,
    the last for an end."""
    if not value:
        return None
    text = str(value).strip()[:10]
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            y, m = int(text[:4]), int(text[5:7])
            return date(y, m, monthrange(y, m)[1] if end else 1)
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def _first(props: dict[str, list[str]], name: str) -> str | None:
    values = props.get(name) or []
    return str(values[0]) if values else None


# a list entity: (caption, schema, country)
ListEntity = tuple[str, str, str | None]


def _list_edge(
    lst: str, ownership_id: str, parent: tuple[str, ListEntity], child: tuple[str, ListEntity], **rest: Any
) -> Edge:
    """An ownership edge between two entities of one list, with their names, schema and country."""
    parent_eid, (parent_name, parent_schema, parent_country) = parent
    child_eid, (child_name, _, child_country) = child
    return Edge(
        ownership_id=ownership_id,
        source=f"list:{lst}",
        parent=f"entity:{lst}:{parent_eid}",
        child=f"entity:{lst}:{child_eid}",
        parent_name=parent_name,
        parent_schema=parent_schema,
        parent_country=parent_country,
        child_name=child_name,
        child_country=child_country,
        **rest,
    )


def refresh_list_ownership(con: duckdb.DuckDBPyConnection) -> int:
    """Replace the list-derived rows of ``ownership``; return how many edges there are now."""
    con.execute("DELETE FROM ownership WHERE starts_with(source, 'list:')")
    entities = {
        (r[0], r[1]): (r[2], r[3], r[4])
        for r in con.execute(
            "SELECT list, entity_id, caption, schema, CASE WHEN len(countries) = 1 THEN countries[1] END"
            " FROM entities WHERE active"
        ).fetchall()
    }
    edges: list[Edge] = []
    rows = con.execute(
        """
        SELECT e.list, e.entity_id, e.properties,
               list(l.target_id) FILTER (l.prop = 'owner') AS owners,
               list(l.target_id) FILTER (l.prop = 'asset') AS assets
        FROM entities e JOIN entity_links l USING (list, entity_id)
        WHERE e.active AND e.schema = 'Ownership' AND l.prop IN ('owner', 'asset')
        GROUP BY e.list, e.entity_id, e.properties
        ORDER BY e.list, e.entity_id
        """
    ).fetchall()
    for lst, eid, properties, owners, assets in rows:
        props = json.loads(properties)
        share = parse_share(props.get("percentage"))
        role = _first(props, "role")
        relation = "subsidiary" if role and "subsidiar" in role.lower() else "shareholder"
        start = parse_date(_first(props, "startDate"))
        end = parse_date(_first(props, "endDate"), end=True)
        for owner in owners or []:
            for asset in assets or []:
                parent = entities.get((lst, owner))
                child = entities.get((lst, asset))
                if parent is None or child is None:
                    continue  # the other end is not in the list (or not active)
                edges.append(
                    _list_edge(
                        lst,
                        f"{lst}:{eid}:{owner}:{asset}",
                        (owner, parent),
                        (asset, child),
                        relation=relation,
                        share=share,
                        start_date=start,
                        end_date=end,
                        status=_first(props, "status"),
                        evidence={
                            "list": lst,
                            "ownership_entity": eid,
                            "percentage": props.get("percentage"),
                            "sharesCount": props.get("sharesCount"),
                            "role": role,
                            "startDate": props.get("startDate"),
                            "endDate": props.get("endDate"),
                        },
                    )
                )
    for lst, eid, target in con.execute(
        "SELECT list, entity_id, target_id FROM entity_links WHERE prop = 'parent' ORDER BY 1, 2, 3"
    ).fetchall():
        child = entities.get((lst, eid))
        parent = entities.get((lst, target))
        if child is None or parent is None:
            continue
        edges.append(
            _list_edge(
                lst,
                f"{lst}:{eid}:parent:{target}",
                (target, parent),
                (eid, child),
                relation="parent",
                evidence={"list": lst, "entity": eid, "parent": target, "property": "parent"},
            )
        )
    insert_edges(con, edges, None)
    return len(edges)
