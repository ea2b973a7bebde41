"""Demo step of the network engine: load the ownership table, build the network, and tell the
two stories the engine finds by itself - a listed group's subsidiaries shipping controlled goods
to listed end users, and a Hong Kong intermediary - each with its path and shipments."""

from __future__ import annotations

from typing import Any

from dualtrace.demo.context import DemoContext, Step
from dualtrace.findings import Finding


def _lines(ctx: DemoContext, finding: Finding, limit: int) -> list[dict[str, Any]]:
    refs = finding.evidence.rows[:limit]
    if not refs:
        return []
    where = " OR ".join(f"(s.source_id = {r.source_id} AND s.source_line = {r.source_line})" for r in refs)
    return ctx.dt.sql(
        "SELECT s.date, s.declaration_no, s.hs6, s.description, s.shipper_name, s.consignee_name,"
        f" round(s.value_usd, 0) AS usd, src.filename, s.source_line FROM shipments s JOIN sources src USING"
        f" (source_id) WHERE {where} ORDER BY s.date"
    )


def _say_lines(ctx: DemoContext, finding: Finding, limit: int = 3) -> None:
    ctx.say(f"  evidence: {len(finding.evidence.rows)} declaration lines, e.g.")
    for r in _lines(ctx, finding, limit):
        ctx.say(
            f"    {r['date']} {r['declaration_no']} (line {r['source_line']} of {r['filename']}):"
            f" HS {r['hs6']}"
            f" {str(r['description'])[:50]!r}, {r['shipper_name']} -> {r['consignee_name']}, ${r['usd']:,.0f}"
        )


def build_network(ctx: DemoContext) -> None:
    [report] = ctx.dt.network_load_ownership([ctx.scenario.path("lists/ownership.csv")])
    ctx.say(
        f"Ownership table {report.files[0].split('/')[-1]}: {report.edges} stakes ({report.current} current,"
        f" {report.ended} ended); FtM Ownership entities and DoD 1260H parents come with the lists."
    )
    built = ctx.dt.network_build()
    ctx.results["network"] = built
    r = built.resolution
    assert r is not None
    rules = ", ".join(f"{n} {rule.replace('_', ' ')}" for rule, n in sorted(r.unions.items()))
    ctx.say(
        f"Resolved {r.shipment_records:,} spellings on the declarations (name, country, id) and"
        f" {r.entity_records + r.ownership_records:,} names from lists and ownership files into"
        f" {r.parties:,} parties"
        f" (joins: {rules}; {r.refused} refused because ids or list entries differ)."
    )
    ctx.say(
        f"50% rule on {built.as_of}: {built.sanctioned_by_ownership} parties owned 50% or more by"
        " listed ones;"
        f" {built.trade_edges:,} trade edges; findings: "
        + ", ".join(f"{n} {k}" for k, n in sorted(built.findings.items()))
    )


def group_story(ctx: DemoContext) -> None:
    found = ctx.dt.findings(kinds=["sanctioned_network"])
    if not found:
        ctx.say("No listed group's subsidiaries shipped controlled goods to listed end users.")
        return
    story = max(found, key=lambda f: f.metrics["lines"])
    ctx.results["group_story"] = story
    ctx.say(f"[{story.severity}] {story.headline}")
    for note in story.evidence.notes:
        ctx.say(f"  {note}")
    for row in story.evidence.table:
        if "end_user" in row:
            ctx.say(f"  end user {row['end_user']}: {row['lines']} lines, ${row['value_usd']:,.0f}")
    _say_lines(ctx, story)
    for f in ctx.dt.findings(kinds=["ownership_exposure"])[:2]:
        ctx.say(f"[{f.severity}] {f.headline}")


def intermediary_story(ctx: DemoContext) -> None:
    found = ctx.dt.findings(kinds=["intermediary"])
    if not found:
        ctx.say("No intermediary found.")
        return
    story = max(found, key=lambda f: (f.score, len(f.metrics["signals"]), f.metrics["out_lines"]))
    ctx.results["intermediary_story"] = story
    ctx.say(f"[{story.severity}] {story.headline}")
    for note in story.evidence.notes:
        if not note.startswith("signal "):
            ctx.say(f"  {note}")
    _say_lines(ctx, story)
    others = [f.subject for f in found if f is not story]
    if others:
        ctx.say(f"Other intermediaries flagged: {', '.join(others)}")


STEPS: list[Step] = [
    ("Network: resolving parties, ownership and the 50% rule", build_network),
    ("Network: a listed group's subsidiaries", group_story),
    ("Network: a Hong Kong intermediary", intermediary_story),
]
