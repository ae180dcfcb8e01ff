"""Fault drill in Chromium: the room's Redis restarts while the seller deletes a message, posts an
announcement and drops a coupon. Their announcements to the room are lost with Redis; the page, connected
through the outage, still takes the message down and shows the announcement and the coupon once Redis is back
(the room's catch-up sends a ``deleted`` and a ``resync``, which ``live-chat.js`` applies)."""

import threading
import time

import pytest

from apps.catalog.tests.factories import UserFactory
from apps.conftest import VIEWPORTS
from apps.live.room import services as room_services
from apps.live.tests.chat_server import Server
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = [pytest.mark.drill, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_server(private_redis):
    """uvicorn on the test database with its cache and the rooms' bus on the private Redis; this test's own
    service calls publish on the shared one, where the server never hears them (as a PUBLISH lost in an
    outage)."""
    server = Server("uvicorn", env={"REDIS_URL": private_redis.url})
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(server.process.stderr), daemon=True).start()
    server.log = log
    yield server
    server.stop()


def test_a_page_connected_through_a_redis_outage_shows_what_changed_during_it(
    browser, private_redis, app_server
):
    """The page never reconnects, yet after the outage it shows what the seller did during it."""
    broadcast = make_live(BroadcastFactory(title="정전 대비 라이브"))
    seller = broadcast.seller
    doomed = room_services.chat_message_post(
        broadcast_id=broadcast.pk, user=UserFactory(), text="곧 지워질 메시지"
    )
    context = browser.new_context(
        base_url=app_server.url, locale="ko-KR", timezone_id="Asia/Seoul", viewport=VIEWPORTS["phone"]
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(broadcast.get_absolute_url())
    page.wait_for_selector("[data-testid=chat][data-connected='1']")
    page.get_by_text("곧 지워질 메시지").wait_for()

    private_redis.kill()
    time.sleep(0.5)
    room_services.chat_message_delete(broadcast=broadcast, message_id=doomed.pk, actor=seller)
    room_services.chat_announcement_set(broadcast=broadcast, text="정전 중 공지", actor=seller)
    room_services.coupon_drop(broadcast=broadcast, actor=seller, title="정전 쿠폰", amount=1000, quantity=5)
    time.sleep(1.0)
    assert page.get_by_text("곧 지워질 메시지").count() == 1, "nothing reached the page during the outage"
    private_redis.start()

    page.get_by_text("곧 지워질 메시지").wait_for(state="detached")
    page.locator("[data-room-announcement-text]", has_text="정전 중 공지").wait_for()
    page.locator("[data-room-coupon-title]", has_text="정전 쿠폰").wait_for()
    assert page.locator("[data-room-coupon-left]").inner_text() == "5장 남음"
    assert page.locator("[data-testid=chat]").get_attribute("data-connected") == "1"
    context.close()
