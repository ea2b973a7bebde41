"""The HTML report, read with an HTML parser: self-contained, every kind present, every shown
finding with its chart and evidence table, and the sources with their row accounting."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

from tests.report.conftest import TOP, Reports, out


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, Any]]] = []
        self.articles: list[dict[str, Any]] = []
        self.sections: list[str] = []
        self.tags: dict[str, int] = defaultdict(int)
        self.external: list[str] = []
        self.source_rows = 0
        self._in_sources = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags[tag] += 1
        for key in ("src", "href", "xlink:href", "data"):
            if key in a and re.match(r"^(https?:)?//", a[key]):
                self.external.append(f"{tag} {key}={a[key]}")
        if tag == "section":
            self.sections.append(a.get("id", ""))
            self._in_sources = a.get("id") == "sources"
        if tag == "article":
            self.articles.append({"kind": a.get("data-kind"), "svg": 0, "evidence_tables": 0, "h3": ""})
        if self.articles and tag == "svg" and any(t == "figure" for t, _ in self.stack):
            self.articles[-1]["svg"] += 1
        if (
            self.articles
            and tag == "table"
            and any(t == "details" and "evidence-table" in at.get("class", "") for t, at in self.stack)
        ):
            self.articles[-1]["evidence_tables"] += 1
        if self._in_sources and tag == "tr":
            self.source_rows += 1
        if tag not in ("br", "meta", "img", "input", "hr", "link", "path", "rect", "line", "circle"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "h3" and self.articles:
            self.articles[-1]["h3"] += data


def test_the_html_report_is_self_contained_and_complete(reports: Reports) -> None:
    text = out(reports.html.path)
    outline = Outline()
    outline.feed(text)
    assert outline.tags["script"] == 0 and outline.tags["link"] == 0 and outline.tags["iframe"] == 0
    assert not outline.external, outline.external[:3]
    assert "@import" not in text and "url(" not in text
    kinds = sorted({f.kind for f in reports.findings})
    assert set(kinds) >= {
        "surge",
        "collapse",
        "share",
        "divergence",
        "diversion",
        "mirror_gap",
        "unit_value",
        "new_party",
    }
    for kind in kinds:
        assert f"kind-{kind}" in outline.sections
        shown = [a for a in outline.articles if a["kind"] == kind]
        expected = min(TOP, sum(1 for f in reports.findings if f.kind == kind))
        assert len(shown) == expected, kind
        for article in shown:
            assert article["svg"] == 1, (kind, article["h3"])
            assert article["evidence_tables"] == 1, (kind, article["h3"])
    assert reports.html.charts == len(outline.articles)
    # the data sources with their row accounting
    assert outline.source_rows == reports.sources + 1  # header row
    assert "read = loaded + quarantined" not in text or "rows read = rows loaded + rows quarantined" in text
    assert ">NO<" not in text  # every source accounted for


def test_headlines_state_the_planted_figures(reports: Reports) -> None:
    text = out(reports.html.path)
    assert "153,077 t" in text  # aluminium oxide, May 2022
    assert "x2.40" in text  # chips to Russia
    assert "90.0%" in text  # China's share
    assert "Kyrgyzstan (x7.00), Armenia (x5.00), Kazakhstan (x3.50)" in text
