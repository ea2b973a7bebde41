"""The served web pages in a real headless Chromium: `dualtrace serve`'s app under uvicorn on a
free port, over the served warehouse (demo findings, a small list, one user per role and a second
reviewer). Log in through the form (CSRF tokens included), filter and sort the findings, open one
with its evidence rows, chart and SQL, screen a name, take cases through four eyes (a dismissed
hit then says which case dismissed it), and see a name with a <script> tag shown as text.

Needs Chromium and its driver (see tests/chromium.py); skipped with the reason when absent.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from dualtrace.serve import create_app
from tests.chromium import chromium
from tests.serve.conftest import PASSWORD, SCRIPT_NAME, Served

pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 15  # seconds a page may take (two cores shared with other work)


class Site:
    def __init__(self, base: str, served: Served) -> None:
        self.base, self.served = base, served

    def api(self, path: str, user: str) -> Any:
        """A JSON endpoint with the user's API key: what the page should agree with."""
        request = urllib.request.Request(self.base + path, headers={"X-API-Key": self.served.keys[user]})
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return json.load(response)


@pytest.fixture(scope="module")
def site(served: Served) -> Iterator[Site]:
    """The real app under uvicorn in a thread, on a port the OS picked (bound before start)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(served.db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the server did not start")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", served)
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as chrome:
        yield chrome


def _submit(browser: Any, button: Any) -> None:
    """Click a form's button and wait for the next page to replace this one."""
    browser.execute_script("window.dtOldPage = true")  # a new page has a new window object
    button.click()
    WebDriverWait(browser, WAIT, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script("return !window.dtOldPage && document.readyState === 'complete'")
    )


def _text(browser: Any, css: str) -> str:
    return str(browser.find_element(By.CSS_SELECTOR, css).text)


def _texts(browser: Any, css: str) -> list[str]:
    return [str(e.text) for e in browser.find_elements(By.CSS_SELECTOR, css)]


def _login(browser: Any, site: Site, user: str, password: str = PASSWORD, target: str = "/findings") -> None:
    browser.delete_all_cookies()
    browser.get(f"{site.base}/login?next={target}")
    browser.find_element(By.ID, "username").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(password)
    _submit(browser, browser.find_element(By.ID, "login"))


def _total(browser: Any) -> int:
    return int(_text(browser, "#total").split()[0])


def _no_script_ran(browser: Any) -> None:
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert
    assert browser.execute_script("return document.scripts.length") == 0  # the pages have none of their own
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in browser.page_source


def test_login_form_with_csrf(browser: Any, site: Site) -> None:
    browser.delete_all_cookies()
    browser.get(site.base + "/findings")
    assert browser.current_url == site.base + "/login?next=/findings"  # no session: the login page
    _login(browser, site, "analyst", "not the password")
    assert "Wrong user name or password" in _text(browser, "#login-failed")
    assert not browser.find_elements(By.ID, "whoami")
    # the right password with a forged login token is refused
    browser.find_element(By.ID, "username").send_keys("analyst")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.execute_script("document.querySelector('input[name=csrf]').value = 'forged'")
    _submit(browser, browser.find_element(By.ID, "login"))
    assert "CSRF" in _text(browser, "#error") and not browser.find_elements(By.ID, "whoami")
    _login(browser, site, "analyst")
    assert browser.current_url == site.base + "/findings"
    assert _text(browser, "#whoami") == "analyst (analyst)"
    # a form post with the session's token forged is refused, and the session stays
    browser.execute_script("document.querySelector('header input[name=csrf]').value = 'forged'")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "header button"))
    assert "CSRF" in _text(browser, "#error") and _text(browser, "#whoami") == "analyst (analyst)"
    browser.get(site.base + "/findings")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "header button"))  # the real token: logged out
    assert browser.current_url == site.base + "/login"
    browser.get(site.base + "/cases")
    assert "/login" in browser.current_url


def test_findings_filter_and_sort(browser: Any, site: Site) -> None:
    _login(browser, site, "viewer")
    everything = _total(browser)
    scores = [float(s) for s in _texts(browser, "tr.finding td:nth-child(2)")]
    assert len(scores) == min(everything, 50) and scores == sorted(scores, reverse=True)  # highest first
    Select(browser.find_element(By.ID, "kind")).select_by_value("surge")
    _submit(browser, browser.find_element(By.ID, "apply"))
    surges = _total(browser)
    kinds = {e.get_attribute("data-kind") for e in browser.find_elements(By.CSS_SELECTOR, "tr.finding")}
    assert kinds == {"surge"} and 0 < surges < everything
    assert surges == site.api("/api/v1/findings?kind=surge&limit=1", "viewer")["total"]
    # the kind stays chosen
    Select(browser.find_element(By.ID, "severity")).select_by_visible_text("critical")
    _submit(browser, browser.find_element(By.ID, "apply"))
    assert set(_texts(browser, "tr.finding td:first-child")) == {"critical"}
    assert 0 < _total(browser) < surges and "kind=surge" in browser.current_url
    # sort: a header flips the order, another column sorts by itself, the filter is kept
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "a.sort-score"))
    ascending = [float(s) for s in _texts(browser, "tr.finding td:nth-child(2)")]
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    browser.get(site.base + "/findings")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "a.sort-kind"))
    by_kind = _texts(browser, "tr.finding td:nth-child(3)")
    assert by_kind == sorted(by_kind, reverse=True) and len(set(by_kind)) > 1
    assert "▼" in _text(browser, "a.sort-kind") and "▼" not in _text(browser, "a.sort-score")


def test_finding_shows_its_rows_chart_and_why(browser: Any, site: Site) -> None:
    _login(browser, site, "viewer", target="/findings?kind=surge")
    link = browser.find_element(By.CSS_SELECTOR, "a.open-finding")
    headline = link.text
    _submit(browser, link)
    assert _text(browser, "#headline") == headline
    fid = browser.current_url.rsplit("/", 1)[1]
    expected = site.api(f"/api/v1/findings/{fid}", "viewer")["evidence_rows"]
    shown = [
        [str(td.text) for td in tr.find_elements(By.TAG_NAME, "td")[:2]]
        for tr in browser.find_elements(By.CSS_SELECTOR, "tr.evidence-row")
    ]
    assert shown == [[r["file"], str(r["line"])] for r in expected] and shown
    assert all(name.endswith(".csv") and int(line) > 0 for name, line in shown)
    width, height, marks = browser.execute_script(
        "const s = document.querySelector('#chart svg'); const b = s.getBoundingClientRect();"
        " return [b.width, b.height, s.querySelectorAll('path, line, rect').length];"
    )
    assert width > 300 and height > 150 and marks > 5
    assert "SELECT" in _text(browser, "#sql").upper()  # the query that reproduces it
    why = browser.find_element(By.XPATH, "//p[strong[text()='Why this score:']]").text
    assert re.search(r"\d", why) and len(why) > len("Why this score:") + 10


def test_screening_form(browser: Any, site: Site) -> None:
    _login(browser, site, "analyst", target="/screen")
    browser.find_element(By.ID, "name").send_keys("Ivan Petrov")
    _submit(browser, browser.find_element(By.ID, "screen"))
    assert _text(browser, "#query") == "Ivan Petrov"
    hits = _texts(browser, "tr.hit td:nth-child(3)")
    assert hits and "PETROV, Ivan Sergeevich" in hits[0]
    assert float(_text(browser, "tr.hit td:first-child")) >= 0.5
    browser.find_element(By.ID, "name").clear()
    browser.find_element(By.ID, "name").send_keys("Quxwell Zyborg")
    _submit(browser, browser.find_element(By.ID, "screen"))
    assert "No list entry" in _text(browser, "#no-hits")
    assert not browser.find_elements(By.CSS_SELECTOR, "tr.hit")


def test_case_needs_two_reviewers(browser: Any, site: Site) -> None:
    _login(browser, site, "analyst", target="/findings?kind=diversion")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "a.open-finding"))
    _submit(browser, browser.find_element(By.ID, "open-case"))
    case_url = browser.current_url
    assert re.search(r"/cases/[^/]+$", case_url) and _text(browser, "#status") == "open"
    _submit(browser, browser.find_element(By.ID, "investigate"))
    assert _text(browser, "#status") == "investigating"
    assert not browser.find_elements(By.ID, "propose")  # an analyst cannot decide
    _login(browser, site, "reviewer", target=case_url.removeprefix(site.base))
    Select(browser.find_element(By.ID, "outcome-choice")).select_by_visible_text("confirmed")
    _submit(browser, browser.find_element(By.ID, "propose"))
    assert _text(browser, "#status") == "investigating" and not browser.find_elements(By.ID, "outcome")
    assert "confirmed proposed by reviewer" in _text(browser, "#pending")
    assert not browser.find_elements(By.ID, "approve")  # not by the one who proposed it
    assert "second reviewer must approve" in _text(browser, "p.note")
    _login(browser, site, "reviewer2", target=case_url.removeprefix(site.base))
    _submit(browser, browser.find_element(By.ID, "approve"))
    assert _text(browser, "#status") == "closed" and _text(browser, "#outcome") == "confirmed"
    assert "decided by reviewer, approved by reviewer2" in _text(browser, "main p")
    assert not browser.find_elements(By.CSS_SELECTOR, ".actions")  # closed: nothing more to do
    history = [row.split()[-1] for row in _texts(browser, "#history tbody tr")]
    assert history == ["case.open", "case.investigate", "case.propose", "case.close"]
    browser.get(site.base + "/cases?status=closed")
    assert case_url.rsplit("/", 1)[1] in _texts(browser, "tr.case td:first-child")


def test_a_dismissed_hit_says_which_case_dismissed_it(browser: Any, site: Site) -> None:
    _login(browser, site, "analyst", target="/screen?name=Ivan+Petrov")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "tr.hit button.open-case"))
    case_path = browser.current_url.removeprefix(site.base)
    _submit(browser, browser.find_element(By.ID, "investigate"))
    browser.find_element(By.ID, "comment").send_keys("same name, other birth date: not the listed person")
    _submit(browser, browser.find_element(By.ID, "add-comment"))
    assert "not the listed person" in _text(browser, "#comments")
    _login(browser, site, "reviewer", target=case_path)
    Select(browser.find_element(By.ID, "outcome-choice")).select_by_visible_text("false_positive")
    _submit(browser, browser.find_element(By.ID, "propose"))
    _login(browser, site, "reviewer2", target=case_path)
    _submit(browser, browser.find_element(By.ID, "approve"))
    assert _text(browser, "#status") == "closed" and _text(browser, "#outcome") == "false_positive"
    browser.get(site.base + "/screen?name=Ivan+Petrov")
    first = _text(browser, "tr.hit")
    assert "dismissed in " + case_path.rsplit("/", 1)[1] in first
    assert not browser.find_elements(By.CSS_SELECTOR, "tr.hit:first-child button.open-case")  # not again


def test_markup_in_names_is_shown_as_text(browser: Any, site: Site) -> None:
    browser.get_log("browser")  # only this test's messages below (the earlier ones had refusals)
    _login(browser, site, "analyst", target="/findings?kind=sanctioned_counterparty")
    assert SCRIPT_NAME in _texts(browser, "tr.finding td:nth-child(4)")
    _no_script_ran(browser)
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "a.open-finding"))
    assert _text(browser, "#subject") == SCRIPT_NAME
    _no_script_ran(browser)
    browser.get(site.base + "/screen")
    browser.find_element(By.ID, "name").send_keys(SCRIPT_NAME)  # the query is echoed back, escaped too
    _submit(browser, browser.find_element(By.ID, "screen"))
    assert _text(browser, "#query") == SCRIPT_NAME
    assert SCRIPT_NAME in _texts(browser, "tr.hit td:nth-child(3)")[0]
    _no_script_ran(browser)
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "button.open-case"))  # a case from the hit
    assert "<script>alert(1)</script>" in _text(browser, "#case-title")
    _no_script_ran(browser)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors[:3]
