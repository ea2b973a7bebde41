"""Demo steps of the analytics: find the trade patterns by themselves, then write the report."""

from __future__ import annotations

from dualtrace.demo.context import DemoContext, Step
from dualtrace.report.data import kind_order, title


def analyze(ctx: DemoContext) -> None:
    result = ctx.dt.analyze()
    ctx.results["analyze"] = result
    counts = result.counts()
    ctx.say(
        f"{len(result.findings)} findings in {result.seconds.get('total', 0):.1f}s: "
        + ", ".join(f"{counts[k]} {k}" for k in kind_order() if k in counts)
    )
    for kind in kind_order():
        best = sorted((f for f in result.findings if f.kind == kind), key=lambda f: -f.score)[:2]
        if best:
            ctx.say(f"{title(kind)}:")
        for f in best:
            ctx.say(f"  [{f.severity}] {f.headline}")


def report(ctx: DemoContext) -> None:
    written = []
    for name in ("report.html", "report.xlsx", "report.json"):
        written.append(ctx.dt.report(ctx.out_dir / name, top=10))
    html = written[0]
    ctx.results["report"] = html.path
    ctx.say(
        f"Report: {html.path} ({html.findings} findings, {html.charts} charts, self-contained: open it "
        f"offline);"
        f" also {written[1].path.name} (one sheet per kind) and {written[2].path.name}."
    )


STEPS: list[Step] = [
    ("Trade-flow analytics", analyze),
    ("Report", report),
]
