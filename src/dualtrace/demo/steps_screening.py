"""Demo steps of screening: load the scenario's lists, screen every shipment party, show the hits
with their explanation and the findings they became."""

from __future__ import annotations

from dualtrace.demo.context import DemoContext, Step


def load_lists(ctx: DemoContext) -> None:
    reports = ctx.dt.lists_load(ctx.scenario.list_files())
    for r in reports:
        ctx.say(
            f"{r.list_name} ({r.layout}): {r.targets} listed parties, {r.names} names, {r.ids} ids"
            f" from {', '.join(r.files)}"
        )
    links = ctx.dt.sql(
        "SELECT prop, count(*) AS n FROM entity_links WHERE prop IN ('owner', 'asset', 'parent', 'entity')"
        " GROUP BY prop ORDER BY prop"
    )
    ctx.say("Links kept for the ownership network: " + ", ".join(f"{r['n']} {r['prop']}" for r in links))


def screen_parties(ctx: DemoContext) -> None:
    report = ctx.dt.screen_parties()
    ctx.results["screening"] = report
    ctx.say(
        f"Screened {report.parties:,} distinct shipment parties (name, country, id) against every list:"
        f" {report.links:,} hits at score >= 0.7, {report.findings} sanctioned_counterparty findings."
    )
    # The hardest spellings first: lowest scores that still pass, one per spelling.
    shown: set[str] = set()
    hard = sorted(report.hits, key=lambda h: (h["score"], h["name"]))
    ctx.say("Some of the spellings matched, with the reason:")
    for hit in hard:
        if hit["name"] in shown or len(shown) >= 8:
            continue
        shown.add(hit["name"])
        ctx.say(f"  {hit['score']:.2f}  {hit['name']!r} -> {hit['caption']} [{hit['list']}]")
        ctx.say(f"        why: {hit['explanation']}")
    variants = len({h["name"] for h in report.hits})
    ctx.say(f"{variants} different spellings of listed parties were matched. Findings:")
    for finding in ctx.dt.findings(kinds=["sanctioned_counterparty"]):
        ctx.say(f"  [{finding.severity}] {finding.headline}")


STEPS: list[Step] = [
    ("Sanctions lists", load_lists),
    ("Screening shipment parties", screen_parties),
]
