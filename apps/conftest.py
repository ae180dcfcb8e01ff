"""Fixtures every module's tests share: real services, the browser and its screenshots."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _services_down() -> list[str]:
    """Name each real service the suite needs that cannot be reached, with how to start it."""
    import MySQLdb
    import redis

    down = []
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.mysql":
        try:
            MySQLdb.connect(
                host=db["HOST"], port=int(db["PORT"] or 3306), user=db["USER"], password=db["PASSWORD"]
            ).close()
        except MySQLdb.OperationalError as exc:
            down.append(
                f"MariaDB at {db['HOST']}:{db['PORT']} ({exc.args[-1]}): run `bash docker/dev/services.sh mariadb`"
            )
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            down.append(f"Redis at {settings.REDIS_URL} ({exc}): run `bash docker/dev/services.sh redis`")
    return down


def pytest_sessionstart(session) -> None:
    down = _services_down()
    if down:
        pytest.exit(
            "The tests run against real services that are down:\n  " + "\n  ".join(down), returncode=3
        )


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache; only this run's keys go (another suite may share the Redis)."""
    from django.core.cache import cache

    cache.delete_pattern("*")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used).

    Per module, not per session: while Playwright's sync API is running it holds an event loop in the main
    thread, which would break the asyncio code of non-browser tests that run after it.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh Korean-locale browser tab; ``page.base_url`` is the live server's address."""
    context = browser.new_context(
        base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul", viewport=VIEWPORTS["phone"]
    )
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot():
    """Save the page at phone and desktop size under var/screenshots/<name>-{phone,desktop}.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> list[Path]:
        paths = []
        for label, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            # Lazy images load only near the viewport: walk down the page so the full-page shot shows them.
            page.evaluate(
                """async () => {
                    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
                        window.scrollTo(0, y);
                        await new Promise((resolve) => setTimeout(resolve, 50));
                    }
                    window.scrollTo(0, 0);
                }"""
            )
            page.wait_for_load_state("networkidle")
            path = SCREENSHOT_DIR / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        page.set_viewport_size(VIEWPORTS["phone"])
        return paths

    return take
