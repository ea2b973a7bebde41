"""`dualtrace serve` in a real headless Chromium (selenium): log in, filter and sort findings,
open a finding and its evidence, screen a name, open a case, propose a decision and see it
close only when a second reviewer approves; a name with a <script> tag is shown as text.

The server is the real one (uvicorn on a free loopback port) on the served test warehouse
(tests/serve/conftest.py). Needs Chromium and chromedriver (.ci/apt-packages); skipped with the
reason when they are absent.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn

from dualtrace.serve import create_app
from tests.serve.conftest import PASSWORD, SCRIPT_NAME, Served

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(served: Served) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(served.db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        pytest.fail("the server did not answer /health within 30 s")
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.implicitly_wait(5)
    try:
        yield chrome
    finally:
        chrome.quit()


def log_in(browser: Any, base_url: str, user: str, password: str = PASSWORD) -> None:
    browser.delete_all_cookies()
    browser.get(base_url + "/login")
    browser.find_element(By.ID, "username").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "login").click()


def no_alert(browser: Any) -> bool:
    try:
        _ = browser.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def rows(browser: Any) -> list[Any]:
    return list(browser.find_elements(By.CSS_SELECTOR, "#findings tr.finding"))


def test_log_in_is_required_and_a_wrong_password_is_refused(browser: Any, base_url: str) -> None:
    browser.delete_all_cookies()
    browser.get(base_url + "/findings")
    assert "/login" in browser.current_url  # nothing served without logging in
    log_in(browser, base_url, "analyst", "wrong password")
    assert browser.find_element(By.ID, "login-failed").is_displayed()
    log_in(browser, base_url, "analyst")
    assert browser.current_url.endswith("/findings") and rows(browser)


def test_findings_filter_and_sort(browser: Any, base_url: str) -> None:
    log_in(browser, base_url, "viewer")
    everything = int(browser.find_element(By.ID, "total").text.split()[0])
    Select(browser.find_element(By.ID, "kind")).select_by_value("surge")
    browser.find_element(By.ID, "apply").click()
    surges = int(browser.find_element(By.ID, "total").text.split()[0])
    assert 0 < surges < everything
    assert {r.get_attribute("data-kind") for r in rows(browser)} == {"surge"}
    browser.find_element(By.CSS_SELECTOR, "a.sort-score").click()  # score descending -> ascending
    scores = [float(r.find_elements(By.TAG_NAME, "td")[1].text) for r in rows(browser)]
    assert "order=asc" in browser.current_url and scores == sorted(scores) and len(scores) > 1
    assert {r.get_attribute("data-kind") for r in rows(browser)} == {"surge"}  # the filter stays


def test_a_finding_shows_its_evidence_rows_and_sql(browser: Any, base_url: str) -> None:
    log_in(browser, base_url, "viewer")
    browser.get(base_url + "/findings?kind=surge")
    first = browser.find_element(By.CSS_SELECTOR, "a.open-finding")
    headline = first.text
    first.click()
    assert browser.find_element(By.ID, "headline").text == headline
    evidence = browser.find_elements(By.CSS_SELECTOR, "#evidence tr.evidence-row")
    assert evidence
    file_cell, line_cell = (evidence[0].find_elements(By.TAG_NAME, "td")[i].text for i in (0, 1))
    assert file_cell.endswith(".csv") and line_cell.isdigit()
    assert "SELECT" in browser.find_element(By.ID, "sql").text.upper()
    assert browser.find_elements(By.CSS_SELECTOR, "#chart svg")  # its chart, drawn server-side


def test_a_script_name_is_shown_as_text(browser: Any, base_url: str) -> None:
    log_in(browser, base_url, "viewer")
    browser.get(base_url + "/findings?kind=sanctioned_counterparty")
    (row,) = rows(browser)
    assert SCRIPT_NAME in row.text  # the tag is visible as text
    assert no_alert(browser)
    assert not browser.find_elements(By.XPATH, "//script[contains(., 'alert(1)')]")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in browser.page_source


def test_screen_open_a_case_and_close_it_with_four_eyes(browser: Any, base_url: str) -> None:
    log_in(browser, base_url, "reviewer")
    browser.get(base_url + "/screen")
    browser.find_element(By.ID, "name").send_keys(SCRIPT_NAME)  # the query echoed back is text too
    browser.find_element(By.ID, "screen").click()
    assert browser.find_element(By.ID, "query").text == SCRIPT_NAME
    hits = browser.find_elements(By.CSS_SELECTOR, "#hits tr.hit")
    assert hits and "<script>alert(1)</script>" in hits[0].text and no_alert(browser)
    hits[0].find_element(By.CSS_SELECTOR, "button.open-case").click()
    case_url = browser.current_url
    assert "/cases/" in case_url and browser.find_element(By.ID, "status").text == "open"
    browser.find_element(By.ID, "investigate").click()
    assert browser.find_element(By.ID, "status").text == "investigating"
    browser.find_element(By.ID, "comment").send_keys("same name, other country: not the listed party")
    browser.find_element(By.ID, "add-comment").click()
    assert "not the listed party" in browser.find_element(By.ID, "comments").text
    Select(browser.find_element(By.ID, "outcome-choice")).select_by_visible_text("false_positive")
    browser.find_element(By.ID, "propose").click()
    # the first reviewer's decision waits: the case stays open to a second pair of eyes
    assert browser.find_element(By.ID, "status").text == "investigating"
    assert "false_positive" in browser.find_element(By.ID, "pending").text
    assert not browser.find_elements(By.ID, "approve")  # nobody approves their own proposal

    log_in(browser, base_url, "reviewer2")
    browser.get(case_url)
    browser.find_element(By.ID, "approve").click()
    assert browser.find_element(By.ID, "status").text == "closed"
    assert browser.find_element(By.ID, "outcome").text == "false_positive"
    history = browser.find_element(By.ID, "history").text
    assert "reviewer2" in history and "reviewer" in history

    # the dismissed pair no longer alerts: the screening page says which case dismissed it
    browser.get(base_url + "/screen?" + urlencode({"name": SCRIPT_NAME}))
    first = browser.find_elements(By.CSS_SELECTOR, "#hits tr.hit")[0]
    assert "dismissed in" in first.text and case_url.rsplit("/", 1)[1] in first.text
