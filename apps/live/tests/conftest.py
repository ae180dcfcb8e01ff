"""The real media server for the live tests: Debian's nginx with the RTMP module on free ports, calling back
the test's live server, and ffmpeg publishers pushing a test pattern into it."""

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client

from apps.conftest import VIEWPORTS
from apps.core.testing import private_redis  # noqa: F401 (the chat drill's Redis)
from apps.live.media.server import MediaServer, publish_url, publisher_command
from apps.live.tests.chat_server import Server

WAIT_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], *, timeout: float = WAIT_SECONDS, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="session")
def media_server(live_server, tmp_path_factory):
    """nginx-rtmp rendered from media-server/nginx.conf.template into a temporary directory."""
    directory: Path = tmp_path_factory.mktemp("media-server")
    server = MediaServer(
        directory=directory,
        rtmp_port=free_port(),
        http_port=free_port(),
        callback_base_url=live_server.url,
        log_level="info",
    )
    log = (directory / "nginx.log").open("w")
    process = server.start(stdout=log, stderr=subprocess.STDOUT)
    yield server
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def live_media(media_server, settings):
    """Point the site's ingest and playback URLs at the test's media server."""
    settings.RTMP_INGEST_URL = media_server.ingest_url
    settings.HLS_BASE_URL = media_server.hls_base_url
    settings.LIVE_MEDIA_SERVER_INTERNAL_URL = media_server.http_url
    return media_server


@pytest.fixture
def publisher(live_media):
    """Start ffmpeg publishing to ``<public_name>?key=<key>``, as OBS does; every one is stopped at teardown."""
    started: list[subprocess.Popen] = []

    def start(public_name: str, key: str, **options) -> subprocess.Popen:
        url = publish_url(ingest_url=live_media.ingest_url, public_name=public_name, key=key)
        process = subprocess.Popen(
            publisher_command(url, **options), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    """Stop a publisher the way OBS's "방송 종료" does: it closes the connection."""
    process.terminate()
    process.wait(timeout=10)


def playlist(media_server: MediaServer, public_name: str) -> str:
    response = requests.get(f"{media_server.hls_base_url}/{public_name}/index.m3u8", timeout=2)
    return response.text if response.status_code == 200 else ""


def segments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.fixture
def server():
    """The site in a real uvicorn process (WebSockets and all) on this test's database."""
    started = Server("uvicorn")
    yield started
    started.stop()


@pytest.fixture
def open_tab(browser, server):
    """A new browser context (its own cookies) on the server, logged in as ``user`` when given."""
    contexts = []

    def open_(user=None, viewport: str = "phone"):
        context = browser.new_context(
            base_url=server.url, locale="ko-KR", timezone_id="Asia/Seoul", viewport=VIEWPORTS[viewport]
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": f"{server.url}/"}])
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def beat(transactional_db):
    """What Celery beat does in production for the reconnect grace: the sweep, here every half second (tests
    run tasks eagerly, so each drop's own check, due when the window closes, runs at once and finds it open)."""
    import threading

    from django.db import connection

    from apps.live import tasks

    stopped = threading.Event()

    def run() -> None:
        while not stopped.wait(0.5):
            tasks.broadcasts_grace_sweep()
        connection.close()

    thread = threading.Thread(target=run, name="beat", daemon=True)
    thread.start()
    yield
    stopped.set()
    thread.join(timeout=10)


@pytest.fixture
def reconnect_grace(settings):
    """Set admin's reconnect grace (seconds) for one test; back to its default after. Not constance's
    ``override_config``: with Playwright's loop in this thread constance hands back async proxies, which it
    cannot store again."""
    from constance import config

    def set_(seconds: int) -> None:
        config.LIVE_RECONNECT_GRACE_SECONDS = seconds

    yield set_
    config.LIVE_RECONNECT_GRACE_SECONDS = settings.CONSTANCE_CONFIG["LIVE_RECONNECT_GRACE_SECONDS"][0]
