"""The dashboard in a real browser: Debian's headless Chromium, driven by selenium through the
system chromedriver. It signs in with the keyboard, checks the numbers against the database,
checks the charts loaded with alt text, and saves a screenshot.

Without Chromium the test is skipped with the reason, except under CI=true, where it fails:
CI installs Chromium (`.ci/run`), so a missing browser there is a broken CI, not a skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from supportbot import Period
from supportbot.storage import AuditRecord, InteractionRow

from .conftest import EMAIL, PHONE, TOKEN, Served

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
SCREENSHOT_DIR = Path(os.environ.get("SUPPORTBOT_TEST_ARTIFACTS", "test-artifacts"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _system_browser() -> tuple[str, str]:
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    missing = [what for what, path in (("chromium", browser), ("chromedriver", driver)) if not path]
    if missing:
        reason = (
            f"{' and '.join(missing)} not installed: `apt-get install chromium chromium-driver` "
            "(Debian) runs the dashboard's browser test"
        )
        if _in_ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    assert browser and driver
    return browser, driver


@pytest.fixture
def browser() -> Iterator[Any]:
    binary, driver_path = _system_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,2200"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


async def test_the_dashboard_in_chromium(served: Served, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def sign_in_and_read() -> dict[str, Any]:
        browser.get(served.url)
        assert "Sign in" in browser.title
        field = browser.switch_to.active_element  # autofocus: the token field, no mouse
        assert field.get_attribute("id") == "token"
        field.send_keys(TOKEN, Keys.ENTER)
        browser.find_element(By.ID, "main")
        assert browser.title == "Support dashboard"
        # keyboard: the first Tab reaches the skip link, which leads to the numbers
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        skip = browser.switch_to.active_element
        assert skip.text == "Skip to the numbers" and skip.get_attribute("href").endswith("#main")
        images = browser.find_elements(By.TAG_NAME, "img")
        loaded = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete && i.naturalWidth, i.alt])"
        )
        figures = {
            element.get_attribute("data-figure"): element.text.split("\n")[0]
            for element in browser.find_elements(By.CSS_SELECTOR, "[data-figure]")
        }
        tables = browser.find_elements(By.CSS_SELECTOR, "table caption")
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOT_DIR / "dashboard.png"
        browser.save_screenshot(str(shot))
        return {
            "images": len(images),
            "loaded": loaded,
            "figures": figures,
            "captions": [t.text for t in tables],
            "source": browser.page_source,
            "screenshot": shot,
        }

    store = served.bot.bot.store
    assert store is not None

    async def contacts_in_the_last_week() -> int:
        since, _ = Period.days(7).window(served.insight.now())
        async with store.sessions() as session:
            found = await session.scalar(
                select(func.count()).where(InteractionRow.opened_at >= since)
            )
        return int(found or 0)

    before = await contacts_in_the_last_week()
    seen = await asyncio.to_thread(sign_in_and_read)
    after = await contacts_in_the_last_week()  # contacts only leave the window as time passes
    shown = int(seen["figures"]["contacts-week"].replace(",", ""))
    assert after <= shown <= before and shown > 100
    assert seen["figures"]["known-issues-active"] == "1"
    async with store.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(AuditRecord))
    assert seen["figures"]["runs-week"] == f"{total:,}"
    stats = await served.bot.run("/stats commands 7d")
    assert (stats.text or "").startswith(f"{seen['figures']['runs-week']} runs")
    kpi = await served.bot.run("/stats kpi 7d")
    assert (kpi.text or "").startswith(f"{seen['figures']['contacts-week']} interactions")
    assert seen["images"] >= 5  # heatmap, reasons, SLA, commands, services
    assert all(width and width > 0 and alt for width, alt in seen["loaded"])
    assert all(seen["captions"])
    assert PHONE not in seen["source"] and EMAIL not in seen["source"]
    assert seen["screenshot"].stat().st_size > 10_000
