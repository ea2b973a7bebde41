"""The HTML report in a real headless browser, with the network switched off: every chart is
drawn (an SVG with a real size), the page has no errors, and it asks for nothing outside.

Needs Chromium and its driver (Debian: apt-get install chromium chromium-driver; see
.ci/apt-packages) and selenium; skipped with the reason when they are absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.chromium import chromium
from tests.report.conftest import Reports


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as chrome:
        yield chrome


def test_report_renders_offline_in_chromium(browser: Any, reports: Reports) -> None:
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    browser.get(reports.html.path.resolve().as_uri())
    assert browser.title == "dualtrace report"
    sizes = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure.chart svg')).map(s => {"
        " const b = s.getBoundingClientRect(); return [b.width, b.height,"
        " s.querySelectorAll('path, line, rect').length]; });"
    )
    assert len(sizes) == reports.html.charts > 0
    for width, height, marks in sizes:
        assert width > 300 and height > 150 and marks > 5
    kinds = browser.execute_script(
        "return Array.from(new Set(Array.from(document.querySelectorAll('article.finding'))"
        ".map(a => a.dataset.kind)));"
    )
    assert set(kinds) == {f.kind for f in reports.findings}
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name);")
    assert resources == []  # nothing fetched: styles and charts are inline
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors[:3]
    # an evidence table opens and shows its rows
    opened = browser.execute_script(
        "const d = document.querySelector('details.evidence-table'); d.open = true;"
        " return d.querySelectorAll('tbody tr').length;"
    )
    assert opened > 0
