"""The web inspector in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): sign in with the link `calgraph serve` printed, watch a meeting made through the API appear
and its answer change without a reload, add a fault rule from the page and see the API fail."""

from __future__ import annotations

import os
import re
import shutil
from typing import Iterator

import httpx
import pytest

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER) and not os.environ.get("CI"):
    pytest.skip("needs Debian's chromium and chromium-driver (CI installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

WEEK = "2031-06-02"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def login_link(server) -> str:
    found = re.search(r"Inspector \(one-time link\): (\S+)", server.log())
    assert found, server.log()
    return found.group(1)


def graph(server, token: str, method: str, path: str, **kw) -> httpx.Response:
    return httpx.request(method, f"{server.base_url}{path}", headers={"Authorization": f"Bearer {token}"},
                         timeout=30, **kw)


def wait_for(browser, condition, timeout: float = 15):
    """Until `condition()` holds; the page may swap its content meanwhile (elements go stale)."""
    return WebDriverWait(browser, timeout, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
                         ).until(lambda driver: condition())


def test_the_inspector_follows_meetings_and_drives_faults(server, tenant, browser):
    browser.get(login_link(server))
    assert browser.current_url.endswith("/_calgraph/ui")                 # the cookie is set, the code used
    assert "alice@contoso.test" in browser.find_element(By.ID, "mailboxes").text
    assert not [c for c in browser.get_cookies() if c["name"] == "calgraph_session" and not c["httpOnly"]]

    browser.get(f"{server.origin}/_calgraph/ui/mailboxes/alice@contoso.test?week={WEEK}")
    browser.execute_script("window.stillThisPage = true")
    subject = "<script>window.owned = 1</script> Browser review"
    meeting = {"subject": subject,
               "start": {"dateTime": "2031-06-04T10:00:00", "timeZone": "UTC"},
               "end": {"dateTime": "2031-06-04T11:00:00", "timeZone": "UTC"},
               "attendees": [{"emailAddress": {"address": "bob@contoso.test"}, "type": "required"}]}
    created = graph(server, tenant.tokens["alice"], "POST", "/me/events", json=meeting)
    assert created.status_code == 201
    try:
        item = wait_for(browser, lambda: [e for e in browser.find_elements(By.CSS_SELECTOR, "#week .item")
                                          if "Browser review" in e.text])[0]
        assert subject in item.text                                          # shown as text, not run
        assert browser.execute_script("return window.stillThisPage === true && window.owned === undefined")

        item.find_element(By.TAG_NAME, "a").click()
        browser.execute_script("window.stillThisPage = true")
        assert browser.find_element(By.CSS_SELECTOR, "#attendees .response").text == "none"
        copy = graph(server, tenant.tokens["bob"], "GET",
                     "/me/events?$filter=startswith(subject,'<script>')").json()["value"][0]
        accepted = graph(server, tenant.tokens["bob"], "POST", f"/me/events/{copy['id']}/accept",
                         json={"sendResponse": True})
        assert accepted.status_code == 202
        wait_for(browser, lambda: browser.find_element(By.CSS_SELECTOR, "#attendees .response").text == "accepted")
        assert browser.execute_script("return window.stillThisPage === true")

        browser.get(f"{server.origin}/_calgraph/ui")
        for name, value in (("method", "GET"), ("path", "/me/events"), ("status", "503"), ("retryAfter", "2")):
            browser.find_element(By.ID, f"fault-{name}").send_keys(value)
        browser.find_element(By.CSS_SELECTOR, "#add-fault button").click()
        wait_for(browser, lambda: "/me/events" in browser.find_element(By.ID, "fault-rules").text)
        failed = graph(server, tenant.tokens["alice"], "GET", "/me/events")
        assert failed.status_code == 503 and failed.headers["Retry-After"] == "2"
        assert failed.json()["error"]["code"] == "ServiceUnavailable"

        browser.find_element(By.XPATH, "//section[@id='faults']//button[text()='Clear all']").click()
        wait_for(browser, lambda: "/me/events" not in browser.find_element(By.ID, "fault-rules").text)
        assert graph(server, tenant.tokens["alice"], "GET", "/me/events").status_code == 200
    finally:
        graph(server, tenant.tokens["alice"], "DELETE", f"/me/events/{created.json()['id']}")


def test_a_used_link_and_a_forged_form_are_refused(server, browser):
    browser.delete_all_cookies()
    browser.get(login_link(server))
    assert "one-time link" in browser.find_element(By.TAG_NAME, "main").text   # already used above
    answer = httpx.post(f"{server.origin}/_calgraph/ui/faults/clear", data={"csrf": "forged"},
                        cookies={"calgraph_session": "not-a-token"})
    assert answer.status_code == 401
