"""The HTML report: one self-contained file (styles and charts inline, no script, no network).

Layout: summary (counts and the strongest headlines), one section per finding kind (each finding
with its chart, key figures, evidence table, notes, query and rows), then the data sources
with their row accounting.
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dualtrace.findings import Finding, explain, rank_key
from dualtrace.report import charts
from dualtrace.report.data import ReportData, title

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2329;
  background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;color:#c9d3dd;font-size:13px}
main{max-width:1100px;margin:0 auto;padding:12px 24px 40px}
nav a{margin-right:12px}
section.kind{margin-top:28px}
h2{font-size:19px;border-bottom:2px solid #1d2b3a;padding-bottom:4px}
article.finding{background:#fff;border:1px solid #dde2e7;border-radius:6px;padding:12px 16px;margin:14px 0}
article.finding h3{font-size:15px;margin:4px 0 8px;font-weight:600}
.badge{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;border-radius:3px;
  padding:1px 6px;margin-right:6px;color:#fff}
.critical{background:#8b0000}.high{background:#c0392b}.medium{background:#d98324}.low{background:#5d7a99}
.info{background:#8a959f}
.meta{color:#5a6570;font-size:12px}
figure.chart{margin:8px 0}
figure.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:12px;margin:6px 0}
th,td{border:1px solid #dde2e7;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:6px 0}
summary{cursor:pointer;color:#1d4f80}
pre{background:#f0f2f4;padding:8px;overflow-x:auto;font-size:11px;white-space:pre-wrap}
.scroll{max-height:340px;overflow:auto}
ul.notes{margin:4px 0 4px 18px;padding:0;font-size:12px;color:#3a444d}
p.why{margin:2px 0;font-size:12px;color:#3a444d}
ol.top li{margin:4px 0}
footer{color:#5a6570;font-size:12px;margin-top:30px}
"""


def _text(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.2f}"
        return f"{value:.4f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _cell(value: Any) -> str:
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if isinstance(value, dict | list):
        return f"<td>{_text(json.dumps(value, ensure_ascii=False, default=str)[:300])}</td>"
    return f'<td class="num">{_text(_number(value))}</td>' if numeric else f"<td>{_text(_number(value))}</td>"


def table(rows: list[dict[str, Any]], limit: int | None = None) -> str:
    if not rows:
        return "<p class='meta'>(no rows)</p>"
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    shown = rows if limit is None else rows[:limit]
    head = "".join(f"<th>{_text(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(row.get(c)) for c in columns) + "</tr>" for row in shown)
    more = (
        f"<p class='meta'>{len(rows) - len(shown):,} more rows in the JSON and XLSX reports</p>"
        if len(shown) < len(rows)
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _facts(metrics: dict[str, Any]) -> str:
    """Scalar metrics as a two-column table; nested ones (by year, destinations...) as sub-tables."""
    scalars = {k: v for k, v in metrics.items() if not isinstance(v, dict | list) and k != "rows"}
    parts = []
    if scalars:
        rows = "".join(f"<tr><th>{_text(k)}</th>{_cell(v)}</tr>" for k, v in scalars.items())
        parts.append(f"<table class='facts'>{rows}</table>")
    for key, value in metrics.items():
        if key == "score_parts" and isinstance(value, dict):
            weights = value.get("weights", {})
            items = [
                {"part": k, "value": v, "weight": weights.get(k)} for k, v in value.items() if k != "weights"
            ]
            parts.append(f"<details><summary>score parts</summary>{table(items)}</details>")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            parts.append(
                f"<details open><summary>{_text(key)}</summary>"
                f"<div class='scroll'>{table(value)}</div></details>"
            )
        elif isinstance(value, dict) and value:
            flat = [{"key": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in value.items()]
            parts.append(
                f"<details><summary>{_text(key)}</summary><div class='scroll'>{table(flat)}</div></details>"
            )
    return "".join(parts)


def _why(f: Finding) -> str:
    """The score parts as the one line every face shows (findings.model.explain)."""
    if not f.explanation:
        return ""
    return f"<p class='why'>why this score: {_text(explain(f.explanation))}</p>"


def finding_html(f: Finding, chart_svg: str | None) -> str:
    e = f.evidence
    period = " to ".join(p.isoformat() for p in (f.period_start, f.period_end) if p)
    rows_total = f.metrics.get("rows", f.metrics.get("lines", len(e.rows)))
    refs = ", ".join(f"{r.table} {r.source_id}:{r.source_line}" for r in e.rows[:30])
    chart = (
        f"<figure class='chart' data-kind='{_text(f.kind)}'>{chart_svg}</figure>"
        if chart_svg
        else "<p class='meta'>(no chart: the evidence has no series to draw)</p>"
    )
    return f"""<article class="finding" id="{_text(f.finding_id or f.key())}" data-kind="{_text(f.kind)}">
<div><span class="badge {_text(f.severity)}">{_text(f.severity)}</span>
<span class="meta">score {f.score:.2f} · {_text(f.subject_type)}: {_text(f.subject)} ·
{_text(period)}</span></div>
<h3>{_text(f.headline)}</h3>
{_why(f)}
{chart}
{_facts(f.metrics)}
<details class="evidence-table"><summary>Evidence table ({len(e.table):,} rows)</summary>
<div class="scroll">{table(e.table, 400)}</div></details>
<ul class="notes">{"".join(f"<li>{_text(n)}</li>" for n in e.notes)}</ul>
<details><summary>Query that reproduces it (dualtrace sql
"...")</summary><pre>{_text(e.query or "")}</pre></details>
<details><summary>Rows behind it ({_number(rows_total)} in total, {len(e.rows):,} listed)</summary>
<p class="meta">{_text(refs)}{" …" if len(e.rows) > 30 else ""}</p></details>
</article>"""


def claims_html(claims: list[dict[str, Any]]) -> str:
    """The stored claim checks: verdict, the answer in one line, the SQL and rows behind it."""
    if not claims:
        return ""
    badge = {"supported": "low", "contradicted": "high", "not enough data": "medium"}
    items = "".join(
        f"<article class='finding'><div><span class='badge {badge.get(c['verdict'], 'low')}'>"
        f"{_text(c['verdict'])}</span> <b>{_text(c['text'])}</b></div><p>{_text(c['sentence'])}</p>"
        f"<details><summary>SQL and evidence</summary>"
        + "".join(f"<pre>{_text(q)}</pre>" for q in c["sql"] or [])
        + table(c["evidence"] or [], 20)
        + "</details></article>"
        for c in claims
    )
    counts = ", ".join(f"{sum(c['verdict'] == v for c in claims)} {v}" for v in badge)
    return (
        f"<section id='claims'><h2>Claims checked ({len(claims)})</h2><p>Statements checked with "
        f"<code>dualtrace claims check</code>: {counts}.</p>{items}</section>"
    )


def tested_html(data: ReportData) -> str:
    rows = data.tested_rows()
    if not rows:
        return ""
    return (
        "<section id='tested'><h2>What was tested</h2><p>Each analytic of the latest <code>analyze</code>"
        " run, with what it found. For the thresholds and the nearest misses of one (why it found"
        " nothing): <code>dualtrace analyze --explain KIND</code>.</p>" + table(rows) + "</section>"
    )


def coverage_html(gaps: list[dict[str, Any]]) -> str:
    if not gaps:
        return ""
    return (
        "<section id='coverage'><h2>Coverage</h2><p>What the loaded files do not cover: partial and absent"
        " years, per file and reporter. No finding compares these periods (a partial year only with the"
        " same months of another); <code>dualtrace coverage</code> shows everything.</p>"
        + table(gaps, limit=200)
        + "</section>"
    )


def _kind_section(kind: str, items: list[Finding], top: int) -> tuple[str, int]:
    """One kind's section: its first ``top`` findings as cards, the rest in a table; and the
    number of charts drawn."""
    n_charts = 0
    cards = []
    for f in items[:top]:
        vl = charts.spec(f.evidence.chart, f.evidence.table)
        svg = charts.svg(vl) if vl else None
        n_charts += svg is not None
        cards.append(finding_html(f, svg))
    more = ""
    if len(items) > top:
        rest_rows = [
            {"severity": f.severity, "score": round(f.score, 2), "headline": f.headline} for f in items[top:]
        ]
        more = (
            f"<details><summary>{len(rest_rows)} more {kind} findings</summary>"
            f"{table(rest_rows)}</details>"
        )
    section = (
        f"<section class='kind' id='kind-{_text(kind)}'><h2>{_text(title(kind))} ({len(items)})</h2>"
        + "".join(cards)
        + more
        + "</section>"
    )
    return section, n_charts


def _sources_html(data: ReportData) -> str:
    """Every file loaded with its row accounting (rows read = loaded + quarantined)."""
    source_rows = [
        {
            "source": s["source_id"],
            "file": s["filename"],
            "layout": s["layout"],
            "table": s["target_table"],
            "rows read": s["rows_read"],
            "loaded": s["rows_loaded"],
            "quarantined": s["rows_quarantined"],
            "accounted": "yes" if s["rows_read"] == s["rows_loaded"] + s["rows_quarantined"] else "NO",
            "sha256": s["sha256"],
            "loaded at": s["loaded_at"],
        }
        for s in data.sources
    ]
    totals = [sum(int(s[k]) for s in data.sources) for k in ("rows_read", "rows_loaded", "rows_quarantined")]
    return f"""<section id="sources"><h2>Data sources</h2>
<p>Every file loaded, with its row accounting: rows read = rows loaded + rows quarantined (quarantined rows
are
kept with their line and reason: <code>dualtrace quarantine</code>). Total: read {totals[0]:,} = loaded
{totals[1]:,} +
quarantined {totals[2]:,}.</p>
{table(source_rows)}</section>"""


def _strongest(data: ReportData, kinds: list[str]) -> str:
    """The first finding of each kind about trade (data quality is context), then the rest, in
    the one ranking: up to 12, as a list of links."""
    leads = sorted((data.of_kind(k)[0] for k in kinds if k != "data_quality"), key=rank_key)
    rest = [f for f in sorted(data.findings, key=rank_key) if f not in leads and f.kind != "data_quality"]
    best = leads + rest[: max(0, 12 - len(leads))]
    return "".join(
        f"<li><span class='badge {_text(f.severity)}'>{_text(f.severity)}</span>"
        f"<a href='#{_text(f.finding_id or f.key())}'>{_text(f.headline)}</a></li>"
        for f in best
    )


def render(data: ReportData, top: int) -> tuple[str, int]:
    """The report as one HTML document, and the number of charts in it."""
    kinds = data.kinds()
    counts = {k: len(data.of_kind(k)) for k in kinds}
    nav = " ".join(f"<a href='#kind-{_text(k)}'>{_text(title(k))} ({counts[k]})</a>" for k in kinds)
    built = [_kind_section(kind, data.of_kind(kind), top) for kind in kinds]
    sections = [section for section, _ in built]
    n_charts = sum(n for _, n in built)
    runs = ", ".join(f"{r['command']} {r['run_id']}" for r in data.runs) or "none"
    claims_link = " <a href='#claims'>Claims checked</a>" if data.claims else ""
    body = f"""<header><h1>dualtrace report</h1>
<p>Warehouse {_text(data.warehouse)} · generated {_text(data.generated_at.isoformat(sep=" "))} ·
{len(data.findings):,} findings · runs: {_text(runs)}</p>
<p>Every finding states its figures, shows the series behind them and the query that reproduces them on the
warehouse.</p></header>
<main>
<nav>{nav}{claims_link} <a href="#tested">What was tested</a> <a href="#coverage">Coverage</a>
<a href="#sources">Data sources</a></nav>
<section id="summary"><h2>Strongest findings</h2><ol class="top">{_strongest(data, kinds)}</ol>
{table([{"kind": title(k), "findings": counts[k]} for k in kinds])}</section>
{"".join(sections)}
{tested_html(data)}
{coverage_html(data.gaps)}
{claims_html(data.claims)}
{_sources_html(data)}
<footer>Made by dualtrace. Charts rendered offline (Vega-Lite via vl-convert); this file needs no
network.</footer>
</main>"""
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>dualtrace report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style></head>
<body>{body}</body></html>
"""
    return doc, n_charts
