"""Demo steps of the foundation: load the trade statistics and the declarations."""

from __future__ import annotations

from dualtrace.demo.context import DemoContext, Step


def load_trade(ctx: DemoContext) -> None:
    files = sorted(ctx.scenario.paths("trade/"))
    reports = ctx.dt.ingest_trade(files)
    by_layout: dict[str, int] = {}
    for report in reports:
        by_layout[report.layout] = by_layout.get(report.layout, 0) + report.rows_loaded
    layouts = ", ".join(f"{n:,} rows as {layout}" for layout, n in sorted(by_layout.items()))
    ctx.say(f"Loaded {len(reports)} trade-statistics files (layouts detected): {layouts}.")
    summary = ctx.dt.sql(
        "SELECT reporter, count(DISTINCT partner) AS partners, count(DISTINCT hs6) AS products,"
        " min(period) AS first, max(period) AS last FROM trade_flows GROUP BY reporter ORDER BY reporter"
    )
    for row in summary:
        ctx.say(
            f"  {row['reporter']}: {row['partners']} partners, {row['products']} products, "
            f"{row['first']:%Y-%m} to {row['last']:%Y-%m}"
        )


def load_declarations(ctx: DemoContext) -> None:
    for name in ("ru_imports", "cn_exports"):
        csv = ctx.scenario.path(f"declarations/{name}.csv")
        mapping = ctx.scenario.path(f"declarations/{name}.yaml")
        [report] = ctx.dt.ingest_shipments([csv], mapping=mapping)
        ctx.say(
            f"{csv.name} ({report.encoding}): read {report.rows_read:,} = loaded {report.rows_loaded:,}"
            f" + quarantined {report.rows_quarantined:,}"
        )
        for row in ctx.dt.quarantine(report.source_id, limit=10):
            ctx.say(f"  quarantined line {row['line']}: {row['reason']}")


STEPS: list[Step] = [
    ("Trade statistics", load_trade),
    ("Customs declarations", load_declarations),
]
