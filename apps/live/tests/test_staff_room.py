"""Staff in a room they do not host: the welcome makes them a moderator, and they delete, mute, set slow mode
and post a notice as the host would; when staff stop the show from the live monitor, every viewer hears
``status: ended`` at once and the chat refuses new messages."""

import asyncio
import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from rest_framework_simplejwt.tokens import AccessToken

from apps.catalog.tests.factories import UserFactory
from apps.live import services
from apps.live.models import Broadcast, ChatMessage, ChatMute, ChatRoomSettings
from apps.live.tests.chat_support import StompTestClient, make_live
from apps.live.tests.factories import BroadcastFactory
from apps.realtime import rooms

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rooms():
    rooms.rooms_reset()
    yield
    rooms.rooms_reset()


def token_for(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=datetime.timedelta(minutes=10))
    return str(token)


def run(coroutine):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_staff_moderate_a_room_they_do_not_host():
    """Not the seller, not appointed: staff still get the menu and every host action reaches the room."""
    broadcast = make_live(BroadcastFactory())
    staff = UserFactory(is_staff=True, name="운영팀")
    spammer = UserFactory(name="광고봇")

    async def scenario():
        ops, viewer = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        await ops.connect(token=token_for(staff))
        await viewer.connect(token=token_for(spammer))
        for client in (ops, viewer):
            await client.subscribe("chat")
            await client.subscribe("events")
        welcome = await ops.expect_json("welcome")
        assert welcome["me"]["moderator"] is True
        assert welcome["me"]["seller"] is False
        assert (await viewer.expect_json("welcome"))["me"]["moderator"] is False

        await viewer.say("무료 코인 받으세요 http://spam.example")
        message = await ops.expect_json("message")
        await ops.moderate(action="delete", id=message["id"])
        for client in (ops, viewer):
            assert (await client.expect_json("deleted"))["id"] == message["id"]
        await ops.moderate(action="mute", user_id=spammer.pk)
        await viewer.expect_json("muted")
        await viewer.say("또 광고")
        assert (await viewer.expect(lambda f: f.command == "ERROR")).headers["message"] == "muted"
        await ops.moderate(action="slow_mode", seconds=10)
        await viewer.expect_json("slow_mode")
        await ops.moderate(action="announce", text="운영팀 공지: 외부 링크는 삭제됩니다.")
        assert (await viewer.expect_json("announcement"))["text"] == "운영팀 공지: 외부 링크는 삭제됩니다."
        await ops.close()
        await viewer.close()

    run(scenario())
    assert ChatMessage.objects.get(user=spammer).deleted_by == staff
    assert ChatMute.objects.filter(broadcast=broadcast, user=spammer).exists()
    assert ChatRoomSettings.objects.get(broadcast=broadcast).slow_mode_seconds == 10


def test_viewers_hear_the_end_when_staff_stop_the_show():
    """The stop reaches every connected viewer as ``status: ended``, and the chat is closed after it."""
    broadcast = make_live(BroadcastFactory())
    staff, shopper = UserFactory(is_staff=True), UserFactory()

    async def scenario():
        viewer = StompTestClient(broadcast.pk)
        await viewer.connect(token=token_for(shopper))
        await viewer.subscribe("events")
        await viewer.expect_json("welcome")
        await database_sync_to_async(services.broadcast_stop)(
            broadcast=broadcast, actor=staff, reason="운영 정책 위반으로 중지합니다."
        )
        assert (await viewer.expect_json("status"))["status"] == "ended"
        await viewer.say("아직 하나요?")
        assert (await viewer.expect(lambda f: f.command == "ERROR")).headers["message"] == "ended"
        await viewer.close()

    run(scenario())
    assert Broadcast.objects.get(pk=broadcast.pk).status == Broadcast.Status.ENDED
