"""The live monitor and the settings history in Chromium. One broadcast is really on air (ffmpeg through the
test's nginx-rtmp, so its tile plays), two are on air in the database; one of those has a chat spike. Staff
watch the numbers refresh, stop a show with a reason, and restore a runtime setting from its history.
Phone and desktop screenshots of both pages."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apps.conftest import SCREENSHOT_DIR, VIEWPORTS
from apps.live.keys import viewer_count_key
from apps.live.models import Broadcast, ChatMessage
from apps.live.tests.chat_support import make_live
from apps.live.tests.conftest import playlist, segments, wait_until
from apps.live.tests.factories import BroadcastFactory
from apps.reports.models import RuntimeSettingChange
from apps.reports.tests.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": f"{live_server.url}/"}])


def _shoot_playing(page, name: str) -> None:
    """The ``screenshot`` fixture's phone and desktop shots, for a page that never goes network-idle (each
    tile's player keeps fetching its playlist, the page polls its numbers)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["phone"])


def _on_air_in_db(title: str, minutes: int) -> Broadcast:
    broadcast = make_live(BroadcastFactory(title=title))
    Broadcast.objects.filter(pk=broadcast.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    return Broadcast.objects.get(pk=broadcast.pk)


def _messages(broadcast, count: int, seconds_ago: int) -> None:
    user = UserFactory()
    ids = [
        ChatMessage.objects.create(broadcast=broadcast, user=user, display_name="고객", text="와 대박").pk
        for _ in range(count)
    ]
    ChatMessage.objects.filter(pk__in=ids).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )


TILE_PLAYING = """(id) => {
  const video = document.querySelector(`[data-tile="${id}"] video`);
  return video && video.currentTime > 0;
}"""


def test_staff_watch_every_show_on_air_and_stop_one(page, live_server, publisher, live_media):
    """Tiles with players and numbers; a spike alert; numbers refresh; a stop reaches the seller's mail."""
    streaming = BroadcastFactory(title="겨울 니트 라이브 특가")
    publisher(streaming.public_name, streaming.stream_key)
    wait_until(lambda: Broadcast.objects.get(pk=streaming.pk).is_live, what="the stream to go live")
    wait_until(lambda: len(segments(playlist(live_media, streaming.public_name))) >= 3, what="segments")
    spiking = _on_air_in_db("주방용품 타임딜", minutes=25)
    _messages(spiking, 20, seconds_ago=5 * 60)
    _messages(spiking, 45, seconds_ago=20)
    quiet = _on_air_in_db("홈카페 원두 라이브", minutes=8)
    quiet.seller.email = "cafe@shop.example"
    quiet.seller.save(update_fields=["email"])
    _messages(quiet, 3, seconds_ago=30)
    for broadcast, viewers in ((streaming, 1284), (spiking, 356), (quiet, 42)):
        cache.set(viewer_count_key(broadcast.pk), viewers)

    _log_in(page, StaffFactory(), live_server)
    page.goto("/staff/live/")
    tiles = page.get_by_test_id("monitor-tile")
    assert tiles.count() == 3
    page.wait_for_function(TILE_PLAYING, arg=streaming.pk, timeout=30_000)
    spiking_tile = tiles.filter(has_text="주방용품 타임딜")
    assert spiking_tile.get_by_test_id("tile-spike").is_visible()
    assert "주방용품 타임딜" in page.get_by_test_id("monitor-alerts").inner_text()
    assert spiking_tile.get_by_test_id("tile-chat").inner_text() == "45"
    assert tiles.filter(has_text="겨울 니트").get_by_test_id("tile-viewers").inner_text() == "1,284"

    # The numbers refresh without a reload.
    cache.set(viewer_count_key(streaming.pk), 1502)
    tiles.filter(has_text="겨울 니트").locator("[data-testid=tile-viewers]", has_text="1,502").wait_for()
    _shoot_playing(page, "staff-live-monitor")

    quiet_tile = tiles.filter(has_text="홈카페 원두")
    quiet_tile.get_by_test_id("tile-stop-open").click()
    quiet_tile.get_by_test_id("tile-stop-reason").fill("원산지 표시 없이 판매해 운영 정책에 따라 중지합니다.")
    page.once("dialog", lambda dialog: dialog.accept())
    quiet_tile.get_by_test_id("tile-stop").click()
    page.get_by_text("'홈카페 원두 라이브' 방송을 중지했어요").wait_for()
    assert page.get_by_test_id("monitor-tile").count() == 2
    stopped = Broadcast.objects.get(pk=quiet.pk)
    assert stopped.status == Broadcast.Status.ENDED
    wait_until(lambda: [m.to for m in mail.outbox] == [["cafe@shop.example"]], what="the seller's mail")
    assert "원산지 표시 없이" in mail.outbox[0].body


def test_staff_restore_a_runtime_setting_from_its_history(page, live_server, screenshot):
    """The history lists who changed what; 이전 값으로 puts it back and the restore joins the history."""
    from constance import config

    from apps.core.actor import acting_as

    staff = StaffFactory(name="운영 김")
    with acting_as(staff):
        config.FREE_SHIPPING_THRESHOLD = 30000
        config.CHAT_SLOW_MODE_SECONDS = 5
        config.LIVE_MONITOR_SPIKE_MIN_MESSAGES = 50
    _log_in(page, staff, live_server)
    page.goto("/staff/settings/")
    rows = page.get_by_test_id("settings-change")
    assert rows.count() == 3
    threshold = rows.filter(has_text="FREE_SHIPPING_THRESHOLD")
    assert threshold.get_by_test_id("change-old").inner_text() == "50000"
    assert threshold.get_by_test_id("change-actor").inner_text() == "staff"

    page.once("dialog", lambda dialog: dialog.accept())
    threshold.get_by_test_id("restore-old").click()
    page.get_by_text("FREE_SHIPPING_THRESHOLD을(를) 50000(으)로 되돌렸어요.").wait_for()
    assert page.get_by_test_id("settings-change").count() == 4
    restore = RuntimeSettingChange.objects.order_by("-id").first()
    assert (restore.key, restore.actor_id, restore.restored_from.key) == (
        "FREE_SHIPPING_THRESHOLD",
        staff.pk,
        "FREE_SHIPPING_THRESHOLD",
    )
    screenshot(page, "staff-settings-history")
