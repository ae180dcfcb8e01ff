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
# The accessibility gate: what axe-core checks on every screenshotted page, and which findings fail the test.
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING_IMPACTS = {"serious", "critical"}
# Selectors axe skips because the markup is a third party's we cannot change (none at present).
AXE_EXCLUDE: list[str] = []


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
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    cache.delete_pattern("*")
    # A transactional test flushes the tables and content types come back under new ids; the process-wide
    # cache would still hand out the old ones (an admin log entry then breaks its foreign key).
    ContentType.objects.clear_cache()


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


def axe_violations(page) -> list[str]:
    """Run axe-core on the page as it is now; one line per serious or critical violation."""
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `make setup` (npm ci installs axe-core)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Through the DevTools protocol, so the page's Content-Security-Policy (no inline script) does not apply.
        page.evaluate("() => {" + AXE_SOURCE.read_text() + "\n}")
    # A card still fading in (or a pulsing badge caught mid-pulse) is measured at its half-transparent colours:
    # judge the page as it settles, with endless animations at rest.
    page.evaluate(
        """() => document.getAnimations().forEach((animation) => {
            const endless = animation.effect && animation.effect.getComputedTiming().iterations === Infinity;
            endless ? animation.cancel() : animation.finish();
        })"""
    )
    results = page.evaluate(
        """async ([tags, exclude]) => window.axe.run(
            {include: [document], exclude: exclude.map((selector) => [selector])},
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]},
        )""",
        [AXE_TAGS, AXE_EXCLUDE],
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} → "
        + "; ".join(
            f"{node['target']} {node['failureSummary'].splitlines()[-1].strip()}"
            for node in violation["nodes"][:5]
        )
        for violation in results["violations"]
        if violation["impact"] in AXE_FAILING_IMPACTS
    ]


@pytest.fixture
def screenshot():
    """Save the page at phone and desktop size under var/screenshots/<name>-{phone,desktop}.png.

    Each size is also checked by axe-core (WCAG 2.1 A and AA): a serious or critical violation fails the test
    once both screenshots are saved, so the picture of the failing page is there to look at.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> list[Path]:
        paths = []
        violations = []
        for label, size in VIEWPORTS.items():
            # A click that navigates returns before the next document has a body: wait for it to load.
            page.wait_for_load_state("load")
            page.set_viewport_size(size)
            # Lazy images load only near the viewport: walk down the page so the full-page shot shows them.
            page.evaluate(
                """async () => {
                    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
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
            violations.extend(f"{label} {page.url}: {line}" for line in axe_violations(page))
        page.set_viewport_size(VIEWPORTS["phone"])
        assert not violations, "axe-core found accessibility violations:\n" + "\n".join(violations)
        return paths

    return take
