"""`newsindex serve` in a real browser: Debian's headless Chromium, driven by Selenium.

.ci/run installs chromium and chromium-driver with apt-get; where either is
missing these tests skip, saying so. Selenium is given both paths, so it
never tries to download a browser or a driver. With NEWSINDEX_SCREENSHOTS
set to a folder, the search page is saved there at desktop and phone width
(the README's screenshot comes from here).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsindex import NewsIndex

from .test_web import HOSTILE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no Chromium or ChromeDriver on this machine (apt-get install chromium chromium-driver)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the seeds and a hostile article set, in a thread of this process."""
    import uvicorn

    from newsindex.web import create_app

    folder = tmp_path_factory.mktemp("site")
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    shutil.copytree(seeds, folder / "seeds")
    (folder / "hostile.jsonl").write_text("\n".join(json.dumps(r) for r in HOSTILE) + "\n", encoding="utf-8")
    with NewsIndex(folder / "index") as ni:
        ni.add([folder / "seeds", folder / "hostile.jsonl"])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(folder / "index"), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _wait(driver: object) -> object:
    """Pressing Enter or clicking a link starts a navigation that a find
    would otherwise outrun: wait for what the next page shows."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 15)


def _no_alert(driver: object) -> None:
    """A script that ran would have opened an alert: there must be none."""
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018


def test_search_the_seeds_from_the_box(site: str, browser: object):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(site + "/")
    box = browser.find_element(By.ID, "q")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").get_attribute("textContent")
    box.send_keys("Dnipro bridge", Keys.ENTER)
    first = _wait(browser).until(lambda b: b.find_elements(By.CSS_SELECTOR, "li.hit"))[0]
    assert "LBC" in first.find_element(By.CSS_SELECTOR, ".meta").text
    marked = {m.text.lower() for m in first.find_elements(By.TAG_NAME, "mark")}
    assert {"dnipro", "bridge"} <= marked
    assert "q=Dnipro+bridge" in browser.current_url
    shots = os.environ.get("NEWSINDEX_SCREENSHOTS")
    if shots:
        browser.save_screenshot(str(Path(shots) / "search-desktop.png"))
        browser.set_window_size(400, 900)
        browser.save_screenshot(str(Path(shots) / "search-phone.png"))
        browser.set_window_size(1280, 900)


def test_a_facet_then_back(site: str, browser: object):
    from selenium.webdriver.common.by import By

    browser.get(site + "/?q=Kherson")
    before = browser.current_url
    facet = browser.find_element(By.CSS_SELECTOR, "ul.facet a")
    value = facet.text
    facet.click()
    _wait(browser).until(lambda b: b.current_url != before)
    assert "outlet=" in browser.current_url or "byline=" in browser.current_url
    assert value in browser.find_element(By.CSS_SELECTOR, "p.active").text
    browser.back()
    _wait(browser).until(lambda b: b.current_url == before)


def test_open_an_article(site: str, browser: object):
    from selenium.webdriver.common.by import By

    browser.get(site + "/?q=Dnipro+bridge")
    browser.find_elements(By.CSS_SELECTOR, "li.hit h3 a")[0].click()
    _wait(browser).until(lambda b: "/articles/" in b.current_url and b.find_elements(By.CSS_SELECTOR, "table.fields"))
    assert "from byline line" in browser.find_element(By.CSS_SELECTOR, "table.fields").text
    assert "Kherson" in browser.find_element(By.TAG_NAME, "article").text


def test_hostile_articles_run_no_script_and_show_their_text(site: str, browser: object):
    from selenium.webdriver.common.by import By

    browser.get(site + "/?q=harbour")
    _no_alert(browser)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "<script>alert('title')</script> Harbour fire" in text
    assert '"><svg onload=alert(1)> Harbour report' in text
    assert browser.find_elements(By.CSS_SELECTOR, "main script, main svg[onload], main img") == []
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a")]
    assert not any(link.startswith("javascript:") for link in links if link)
    for link in [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "li.hit h3 a")]:
        browser.get(link)
        _no_alert(browser)
        assert "alert(" in browser.find_element(By.TAG_NAME, "article").text  # shown, as text
