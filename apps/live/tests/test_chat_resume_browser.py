"""The room's page when its socket drops (its web server gone, as when a web host dies): it reconnects by
itself, keeps what it showed, and gets every message sent while it was away from the room's replay."""

import pytest

from apps.live.room import services as room_services
from apps.live.tests.chat_server import Server
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AWAY = 60  # more than the 50 a newcomer gets


def _texts(page) -> list[str]:
    return page.locator("[data-testid=chat-message] .room__text").all_text_contents()


def test_a_page_whose_server_restarted_shows_every_message_sent_while_it_was_away(
    open_tab, server, screenshot
):
    """Server stopped under an open room, 60 messages sent, server back: the page shows all of them, once."""
    broadcast = make_live(BroadcastFactory(title="재접속 라이브"))
    tab = open_tab()
    tab.goto(broadcast.get_absolute_url())
    tab.wait_for_selector("[data-testid=chat][data-connected='1']")
    for n in range(3):
        room_services.chat_message_post(broadcast_id=broadcast.pk, user=broadcast.seller, text=f"전-{n}")
    tab.get_by_text("전-2").wait_for()

    server.stop()
    tab.wait_for_selector("[data-testid=chat][data-connected='0']")
    for n in range(AWAY):
        room_services.chat_message_post(broadcast_id=broadcast.pk, user=broadcast.seller, text=f"중-{n}")
    back = Server("uvicorn", port=server.port)
    try:
        tab.wait_for_selector("[data-testid=chat][data-connected='1']", timeout=30_000)
        tab.get_by_text(f"중-{AWAY - 1}", exact=True).wait_for()
        screenshot(tab, "live-room-resumed")
        texts = _texts(tab)
    finally:
        back.stop()
    assert texts == [f"전-{n}" for n in range(3)] + [f"중-{n}" for n in range(AWAY)]
