"""Demo steps of the goods engine: classify, then tell the body-armor and thermal-imager stories
from what the engine found (never from truth.json)."""

from __future__ import annotations

from dualtrace.demo.context import DemoContext, Step
from dualtrace.goods.codes import dotted
from dualtrace.goods.findings import party_key_sql


def classify(ctx: DemoContext) -> None:
    report = ctx.dt.classify()
    ctx.results["goods"] = report
    ctx.say(
        f"Classified {report.shipments:,} declaration lines from {report.distinct_pairs:,} distinct "
        f"(code, description) pairs and {report.trade_flows:,} trade flows in {report.seconds:.1f}s: "
        f"{report.tagged:,} lines carry watched goods, {report.mismatches:,} are flagged; "
        + ", ".join(f"{n:,} {kind} findings" for kind, n in sorted(report.findings.items()))
    )


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def _evidence_lines(ctx: DemoContext, where: str, limit: int) -> None:
    rows = ctx.dt.sql(
        "SELECT s.filename, g.source_line, g.hs_code, g.description, g.reasons FROM goods_shipments g"
        f" JOIN sources s USING (source_id) WHERE {where} ORDER BY g.date LIMIT {int(limit)}"
    )
    for row in rows:
        ctx.say(f"    {row['filename']}:{row['source_line']}  {dotted(row['hs_code'])}  {row['description']}")
        ctx.say(f"      -> {row['reasons'][0]}")


def armor(ctx: DemoContext) -> None:
    found = [
        f
        for f in ctx.dt.findings(["misdeclaration"])
        if f.metrics.get("category") == "body_armor" and f.metrics.get("flag") == "described_as_other_goods"
    ]
    if not found:
        ctx.say("No body armor declared under other codes was found.")
        return
    lines = sum(f.metrics["lines"] for f in found)
    usd = sum(f.metrics["value_usd"] or 0 for f in found)
    codes: dict[str, int] = {}
    for f in found:
        for code, n in f.metrics["codes"].items():
            codes[code[:6]] = codes.get(code[:6], 0) + n
    ctx.say(
        f"{lines} lines (${usd:,.0f} in USD values) describe body armor but are declared under "
        + ", ".join(f"{dotted(c)} ×{n}" for c, n in sorted(codes.items(), key=lambda kv: -kv[1]))
    )
    for finding in found:
        ctx.say(f"  [{finding.severity}] {finding.headline}")
    top = found[0]
    ctx.say(f"  evidence ({len(top.evidence.rows)} rows; query in the finding), first lines:")
    shipper = party_key_sql("shipper_name")
    _evidence_lines(
        ctx,
        f"g.primary_category = 'body_armor' AND {shipper} = '{_quoted(top.metrics['shipper'])}'",
        5,
    )
    code_list = ", ".join(f"'{c}'" for c in codes)
    control = ctx.dt.sql(
        "SELECT count(*) AS lines, count(*) FILTER (mismatch) AS flagged FROM goods_shipments"
        f" WHERE hs6 IN ({code_list}) AND NOT list_contains(categories, 'body_armor')"
    )[0]
    ctx.say(
        f"  Control: {control['lines']} other lines under the same codes (dresses, seat covers, toys, "
        f"fitness goods, flower pots, grinding balls) -> {control['flagged']} flagged."
    )


def thermal(ctx: DemoContext) -> None:
    shipper = party_key_sql("shipper_name")
    consignee = party_key_sql("consignee_name")
    thermal_codes = ctx.dt.sql(
        "SELECT DISTINCT hs6 FROM goods_shipments WHERE list_contains(categories, 'thermal_imaging')"
    )
    if not thermal_codes:
        ctx.say("No thermal imaging shipments were found.")
        return
    codes = ", ".join(f"'{row['hs6']}'" for row in thermal_codes)
    # Thermal imagers by description, plus the lines the same shippers declared under the same
    # codes with descriptions that say nothing.
    scope = f"""
        SELECT g.*, s.filename, {shipper} AS shipper, {consignee} AS consignee
        FROM goods_shipments g JOIN sources s USING (source_id)
        WHERE list_contains(g.categories, 'thermal_imaging')
           OR (list_contains(g.flags, 'vague_description') AND g.hs6 IN ({codes}) AND {shipper} IN (
               SELECT {shipper} FROM goods_shipments WHERE list_contains(categories, 'thermal_imaging')))
    """
    rows = ctx.dt.sql(
        "SELECT filename, shipper, count(*) AS lines, count(DISTINCT consignee) AS consignees,"
        " count(*) FILTER (list_contains(flags, 'vague_description')) AS vague, sum(value_usd) AS usd"
        f" FROM ({scope}) GROUP BY ALL ORDER BY filename DESC, usd DESC"
    )
    ctx.say("Thermal imaging by description, with the same shippers' generic lines under the same codes:")
    for row in rows:
        ctx.say(
            f"  {row['filename']}: {row['shipper']} -> {row['consignees']} consignee(s): {row['lines']} lines"
            f" ({row['vague']} generic), ${float(row['usd'] or 0):,.0f}"
        )
    imports = ctx.dt.sql(
        "SELECT count(*) AS lines, sum(value_usd) AS usd, count(DISTINCT consignee) AS consignees,"
        " count(*) FILTER (list_contains(flags, 'vague_description')) AS vague"
        f" FROM ({scope}) WHERE direction = 'import'"
    )[0]
    ctx.say(
        f"  Imports into Russia: {imports['lines']} lines, ${float(imports['usd'] or 0):,.0f}, "
        f"{imports['consignees']} consignee spellings; {imports['vague']} lines say only 'parts' or "
        "'components' under CHPL or optics codes."
    )
    by_code = ctx.dt.sql(
        f"SELECT hs6, count(*) AS lines, sum(value_usd) AS usd FROM ({scope}) WHERE direction = 'import'"
        " GROUP BY hs6 ORDER BY usd DESC"
    )
    for row in by_code:
        ctx.say(f"    {dotted(row['hs6'])}: {row['lines']} lines, ${float(row['usd']):,.0f}")
    ctx.say("  Generic lines, with the reason:")
    _evidence_lines(ctx, f"g.hs6 IN ({codes}) AND list_contains(g.flags, 'vague_description')", 3)
    top = max(
        (f for f in ctx.dt.findings(["controlled_goods"]) if f.metrics.get("category") == "thermal_imaging"),
        key=lambda f: f.metrics["value_usd"] or 0,
    )
    ctx.say(f"  Top finding: [{top.severity}] {top.headline}")
    claims = [
        f
        for f in ctx.dt.findings(["misdeclaration"])
        if f.metrics.get("flag") == "use_claim"
        and f.metrics.get("category") in ("thermal_imaging", "night_vision_sights")
    ]
    if claims:
        ctx.say(
            f"  {sum(f.metrics['lines'] for f in claims)} lines claim a hunting or civilian use for "
            f"thermal or night-vision goods ({len(claims)} misdeclaration findings)."
        )


STEPS: list[Step] = [
    ("Goods: classify every line and flow", classify),
    ("Goods: body armor declared as garments, toys, sports goods and ceramics", armor),
    ("Goods: thermal imagers through a Hong Kong trader", thermal),
]
