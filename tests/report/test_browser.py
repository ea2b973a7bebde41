"""The HTML report in a real headless browser, with the network switched off: every chart is
drawn (an SVG with a real size), the page has no errors, and it asks for nothing outside.

Needs Chromium and its driver (Debian: apt-get install chromium chromium-driver; see
.ci/apt-packages) and selenium; skipped with the reason when they are absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.report.conftest import Reports

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary, driver = (
        shutil.which("chromium") or shutil.which("chromium-browser"),
        shutil.which("chromedriver"),
    )
    if not binary or not driver:
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    try:
        yield chrome
    finally:
        chrome.quit()


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
