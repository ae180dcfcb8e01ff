"""The live pages in Chromium against the real media server, saved at phone and desktop size."""

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts import demo as accounts_demo
from apps.catalog import demo as catalog_demo
from apps.conftest import SCREENSHOT_DIR, VIEWPORTS
from apps.live import demo as live_demo
from apps.live.models import Broadcast
from apps.live.tests.conftest import playlist, segments, wait_until
from apps.sellers import demo as sellers_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYING = """() => {
  const player = window.trimarketPlayer;
  return player && player.video.currentTime > 0 ? player.video.currentTime : 0;
}"""


def _quiet(iterable, desc: str):
    return iterable


def _log_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    origin = "/".join(page.url.split("/")[:3])
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": f"{origin}/"}])


def _screenshot_playing(page, name: str) -> None:
    """Like the ``screenshot`` fixture, for a page that never goes network-idle (HLS polls its playlist)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["phone"])


@pytest.fixture
def demo_site(live_media):
    """The demo accounts and shops, a small catalog and the demo broadcasts (replays made from real
    recordings)."""
    accounts_demo.load(progress=_quiet)
    sellers_demo.load(progress=_quiet)
    catalog_demo.load(progress=_quiet, products=80, images_per_product=1)
    live_demo.load(progress=_quiet)
    return Broadcast.objects.get(title=live_demo.LIVE_TITLE)


def test_live_page_plays_the_stream(page, screenshot, demo_site, publisher, live_media):
    """A viewer opens the live broadcast and the video plays: its currentTime advances."""
    broadcast = demo_site
    publisher(broadcast.public_name, broadcast.stream_key)
    wait_until(lambda: Broadcast.objects.get(pk=broadcast.pk).is_live, what="the demo broadcast to go live")
    wait_until(lambda: len(segments(playlist(live_media, broadcast.public_name))) >= 3, what="segments")

    page.goto(broadcast.get_absolute_url())
    assert page.evaluate("MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.64001e,mp4a.40.2\"')")
    first = page.wait_for_function(PLAYING, timeout=20_000).json_value()
    page.wait_for_timeout(2000)
    later = page.evaluate(PLAYING)
    assert later > first + 1.0
    # Played from the live edge with the shipped settings, not from the start of the playlist.
    assert page.evaluate("window.trimarketPlayer.hls.config.liveSyncDuration") > 0
    assert page.evaluate("window.trimarketPlayer.hls.latency") < 4.0
    assert page.get_by_test_id("broadcast-status").inner_text() == "라이브"
    _screenshot_playing(page, "live-broadcast-live")

    page.goto("/")
    assert page.locator(".live-card", has_text=broadcast.title).is_visible()
    page.goto("/live/")
    assert page.get_by_test_id("broadcast-tile").filter(has_text=broadcast.title).is_visible()
    screenshot(page, "live-list")


def test_scheduled_replay_and_studio_pages(page, screenshot, demo_site):
    """The list's tabs, a scheduled broadcast with its alarm, a replay whose chapters seek, and the studio."""
    page.goto("/live/?tab=scheduled")
    assert page.get_by_test_id("broadcast-tile").count() >= 3
    screenshot(page, "live-list-scheduled")

    scheduled = Broadcast.objects.filter(status=Broadcast.Status.SCHEDULED).exclude(pk=demo_site.pk).first()
    _log_in(page, accounts_demo_user("shopper"))
    page.goto(scheduled.get_absolute_url())
    page.get_by_test_id("alarm-button").click()
    page.wait_for_load_state()
    assert "알림 신청됨" in page.get_by_test_id("alarm-button").inner_text()
    screenshot(page, "live-broadcast-scheduled")

    page.goto("/live/?tab=replay")
    screenshot(page, "live-list-replay")
    replay = (
        Broadcast.objects.filter(replay_status=Broadcast.ReplayStatus.READY).order_by("-started_at").first()
    )
    page.goto(replay.get_absolute_url())
    page.wait_for_function("() => window.trimarketPlayer && window.trimarketPlayer.video.readyState >= 1")
    chapter = page.get_by_test_id("chapter").nth(1)
    offset = float(chapter.get_attribute("data-seek"))
    chapter.click()
    page.wait_for_function(f"() => Math.abs(window.trimarketPlayer.video.currentTime - {offset}) < 1.5")
    page.evaluate("window.trimarketPlayer.video.pause(); window.scrollTo(0, 0)")
    screenshot(page, "live-broadcast-replay")

    _log_in(page, accounts_demo_user("seller"))
    page.goto(f"/live/{demo_site.pk}/studio/")
    assert page.get_by_test_id("stream-key").input_value().startswith(f"{demo_site.public_name}?key=")
    assert page.get_by_test_id("studio-item").count() >= 3
    _screenshot_playing(page, "live-studio")
    page.goto("/live/studio/")
    screenshot(page, "live-studio-index")


def accounts_demo_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
