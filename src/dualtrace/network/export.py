"""Export the network: FollowTheMoney JSON lines, GraphML, or CSV node and edge tables.

FtM (what Aleph and OpenSanctions tools read): one ``Company`` / ``Person`` / ``LegalEntity`` per
party (names, aliases, country, INN / OGRN / USCC / LEI and other ids, ``sanction`` topic when
listed), one ``Ownership`` per stake between parties (percentage, start and end dates), and,
unless ``lines=False``, one ``EconomicActivity`` per declaration line (sender, receiver, date,
HS code, goods description, value, countries). Ids are the party ids (``pty-...``) and
``dualtrace-<source_id>-<source_line>`` for lines, so a re-export keeps them.

GraphML and CSV: nodes are parties (with listed, 50 %-rule and signal attributes), edges are
ownership (``kind=ownership``) and aggregated trade (``kind=trade``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import duckdb
import networkx as nx
from followthemoney import model

from dualtrace.errors import InputError
from dualtrace.normalize.cells import neutralise

__all__ = ["FORMATS", "export_network", "ftm_entities", "graph"]

FORMATS = ("ftm", "graphml", "csv")
_ID_PROPS = {
    "inn": "innCode",
    "ogrn": "ogrnCode",
    "uscc": "uscCode",
    "lei": "leiCode",
    "kcs": "registrationNumber",
    "id": "registrationNumber",
}


def _iso2(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {
        r[0]: r[1].lower()
        for r in con.execute("SELECT iso3, iso2 FROM ref_countries WHERE iso2 IS NOT NULL").fetchall()
    }


def _require_build(con: duckdb.DuckDBPyConnection) -> None:
    if con.execute("SELECT count(*) FROM parties").fetchall()[0][0] == 0:
        raise InputError("no parties yet: load declarations or lists, then run `dualtrace network build`")


def _ownership_edges(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """(ownership id, parent party, child party, share, start, end, relation, source) of every
    ownership link between two distinct parties."""
    return con.execute(
        """
        WITH refs AS (SELECT DISTINCT ref, party_id FROM party_records)
        SELECT o.ownership_id, pp.party_id, pc.party_id, o.share, o.start_date, o.end_date, o.relation,
            o.source
        FROM ownership o JOIN refs pp ON pp.ref = o.parent JOIN refs pc ON pc.ref = o.child
        WHERE pp.party_id <> pc.party_id ORDER BY o.ownership_id
        """
    ).fetchall()


def ftm_entities(con: duckdb.DuckDBPyConnection, *, lines: bool = True) -> Iterator[dict[str, Any]]:
    """FtM entities as dicts, parties first, then ownership, then declaration lines."""
    _require_build(con)  # the build installed the reference tables (country codes)
    iso2 = _iso2(con)
    for pid, name, country, schema, ids, aliases, listed, programs, founded in con.execute(
        "SELECT party_id, name, country, schema, ids, aliases, listed, programs, founded FROM parties"
        " ORDER BY party_id"
    ).fetchall():
        entity = model.make_entity(schema if schema in ("Person", "Company", "Organization") else "Company")
        entity.id = pid
        entity.add("name", name)
        entity.add("alias", [a for a in aliases or [] if a != name])
        if country in iso2:
            entity.add("country", iso2[country])
        for value in ids or []:
            scheme, _, v = value.partition(":")
            prop = _ID_PROPS.get(scheme)
            if prop and entity.schema.get(prop) is not None:
                entity.add(prop, v, quiet=True)
        if listed:
            entity.add("topics", "sanction")
            entity.add("program", programs or [], quiet=True)
        if founded and entity.schema.get("incorporationDate") is not None:
            entity.add("incorporationDate", founded.isoformat())
        yield entity.to_dict()
    for oid, parent, child, share, start, end, relation, source in _ownership_edges(con):
        own = model.make_entity("Ownership")
        own.make_id("dualtrace-ownership", oid)
        own.add("owner", parent)
        own.add("asset", child)
        if share is not None:
            own.add("percentage", f"{share:g}")
        own.add("startDate", start.isoformat() if start else None)
        own.add("endDate", end.isoformat() if end else None)
        own.add("role", relation)
        own.add("recordId", oid)
        own.add("publisher", source)
        yield own.to_dict()
    if not lines:
        return
    cursor = con.execute(
        """
        SELECT sp.source_id, sp.source_line, sp.shipper_party, sp.consignee_party, s.date, s.declaration_no,
               s.hs_code, s.description, s.value, s.currency, s.value_usd, s.origin_country,
                   s.departure_country,
               s.destination_country
        FROM shipment_parties sp JOIN shipments s USING (source_id, source_line)
        ORDER BY sp.source_id, sp.source_line
        """
    )
    while True:
        batch = cursor.fetchmany(10_000)
        if not batch:
            break
        for sid, line, sender, receiver, day, decl, hs, desc, value, cur, usd, origin, dep, dest in batch:
            act = model.make_entity("EconomicActivity")
            act.id = f"dualtrace-{sid}-{line}"
            act.add("sender", sender)
            act.add("receiver", receiver)
            act.add("date", day.isoformat() if day else None)
            act.add("ccdNumber", decl)
            act.add("vedCode", hs)
            act.add("goodsDescription", desc)
            if value is not None:
                act.add("customsAmount", f"{float(value):.2f} {cur or ''}".strip())
            if usd is not None:
                act.add("invoiceAmount", f"{float(usd):.2f} USD")
            for prop, code in (
                ("originCountry", origin),
                ("departureCountry", dep),
                ("destinationCountry", dest),
            ):
                if code in iso2:
                    act.add(prop, iso2[code])
            act.add("recordId", f"{sid}:{line}")
            yield act.to_dict()


def graph(con: duckdb.DuckDBPyConnection) -> nx.MultiDiGraph[str]:
    _require_build(con)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for pid, name, country, listed, sbo, agg, signals, lines in con.execute(
        """
        SELECT p.party_id, p.name, p.country, p.listed, coalesce(c.sanctioned_by_ownership, false),
               c.aggregate_share, e.signals, p.lines
        FROM parties p LEFT JOIN party_control c USING (party_id) LEFT JOIN party_exposure e USING (party_id)
        ORDER BY p.party_id
        """
    ).fetchall():
        attrs: dict[str, Any] = {
            "name": name,
            "listed": bool(listed),
            "sanctioned_by_ownership": bool(sbo),
            "lines": int(lines),
        }
        if country:
            attrs["country"] = country
        if agg is not None:
            attrs["listed_ownership_share"] = float(agg)
        if signals:
            attrs["signals"] = ",".join(signals)
        g.add_node(pid, **attrs)
    for oid, parent, child, share, start, end, relation, source in _ownership_edges(con):
        attrs = {"kind": "ownership", "relation": relation, "source": source}
        if share is not None:
            attrs["share"] = float(share)
        if start:
            attrs["start_date"] = start.isoformat()
        if end:
            attrs["end_date"] = end.isoformat()
        g.add_edge(parent, child, key=oid, **attrs)
    for a, b, cur, value, usd, n, controlled, first, last in con.execute(
        "SELECT shipper_party, consignee_party, currency, value, value_usd, lines,"
        " controlled_lines, first_date,"
        " last_date FROM trade_edges ORDER BY 1, 2, 3"
    ).fetchall():
        attrs = {"kind": "trade", "lines": int(n), "controlled_lines": int(controlled)}
        if cur:
            attrs["currency"] = cur
        if value is not None:
            attrs["value"] = float(value)
        if usd is not None:
            attrs["value_usd"] = float(usd)
        if first:
            attrs["first_date"], attrs["last_date"] = first.isoformat(), last.isoformat()
        g.add_edge(a, b, key=f"trade:{cur}", **attrs)
    return g


def _csv_tables(g: nx.MultiDiGraph[str]) -> tuple[str, str]:
    node_cols = [
        "party_id",
        "name",
        "country",
        "listed",
        "sanctioned_by_ownership",
        "listed_ownership_share",
        "signals",
        "lines",
    ]
    nodes = [{"party_id": pid, **{k: data.get(k) for k in node_cols[1:]}} for pid, data in g.nodes(data=True)]
    edge_cols = [
        "source",
        "target",
        "kind",
        "key",
        "relation",
        "share",
        "start_date",
        "end_date",
        "lines",
        "controlled_lines",
        "currency",
        "value",
        "value_usd",
        "first_date",
        "last_date",
        "origin",
    ]
    edges = []
    for a, b, key, data in g.edges(keys=True, data=True):
        row = {"source": a, "target": b, "key": key, **{k: data.get(k) for k in edge_cols[2:] if k != "key"}}
        row["origin"] = data.get("source")
        edges.append(row)
    return _csv_text(node_cols, nodes), _csv_text(edge_cols, edges)


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    """CSV with a header; cells a spreadsheet would run as formulas are neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue()


def export_network(
    con: duckdb.DuckDBPyConnection,
    fmt: str,
    out: Path | None,
    *,
    lines: bool = True,
    stream: IO[str] | None = None,
) -> dict[str, Any]:
    """Write the export to ``out`` (a file; a folder for csv) or to ``stream``; return counts."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "ftm":
        handle = out.open("w", encoding="utf-8") if out else stream
        assert handle is not None
        counts: dict[str, int] = {}
        try:
            for entity in ftm_entities(con, lines=lines):
                handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
                counts[entity["schema"]] = counts.get(entity["schema"], 0) + 1
        finally:
            if out:
                handle.close()
        return {"format": fmt, "entities": counts, "path": str(out) if out else None}
    g = graph(con)
    summary = {"format": fmt, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    if fmt == "graphml":
        if out:
            nx.write_graphml(g, out)
        else:
            assert stream is not None
            for line in nx.generate_graphml(g):
                stream.write(line + "\n")
        return {**summary, "path": str(out) if out else None}
    nodes, edges = _csv_tables(g)
    if out is None:
        raise InputError("csv export writes two files (nodes.csv, edges.csv): give --out FOLDER")
    out.mkdir(parents=True, exist_ok=True)
    (out / "nodes.csv").write_text(nodes, encoding="utf-8")
    (out / "edges.csv").write_text(edges, encoding="utf-8")
    return {**summary, "path": str(out)}
