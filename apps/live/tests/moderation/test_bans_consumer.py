"""Over the room's STOMP connection: a banned member's SEND is an ERROR frame in Korean, in every room."""

import asyncio
import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from apps.accounts import services as account_services
from apps.catalog.tests.factories import UserFactory
from apps.live.models import ChatMessage
from apps.live.tests.chat_support import StompTestClient, make_live
from apps.live.tests.factories import BroadcastFactory
from apps.realtime import rooms

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rooms():
    rooms.rooms_reset()
    yield
    rooms.rooms_reset()


def _token(user) -> str:
    return str(AccessToken.for_user(user))


def test_banned_member_gets_an_error_frame_in_two_rooms_and_another_member_is_heard():
    """In both rooms the banned member's welcome names the ban and their SEND is refused (message:banned, the
    reason in the body); the connection stays and another member's message reaches it."""
    broadcasts = [make_live(BroadcastFactory()), make_live(BroadcastFactory())]
    banned, other = UserFactory(), UserFactory()
    account_services.ban_platform(
        user=banned,
        reason="스팸 링크",
        until=timezone.now() + datetime.timedelta(days=1),
        actor=UserFactory(is_staff=True),
    )

    async def scenario(broadcast_id: int):
        viewer, neighbour = StompTestClient(broadcast_id), StompTestClient(broadcast_id)
        await viewer.connect(token=_token(banned))
        await neighbour.connect(token=_token(other))
        await viewer.subscribe("chat")
        await viewer.subscribe("events")
        welcome = await viewer.expect_json("welcome")
        assert "사유: 스팸 링크" in welcome["me"]["banned"]
        await viewer.say("광고 링크", receipt="r1")
        error = await viewer.expect(lambda f: f.command == "ERROR")
        assert error.headers["message"] == "banned"
        assert "사유: 스팸 링크" in error.body
        assert "까지 채팅할 수 없어요" in error.body
        assert not viewer.closed
        await neighbour.say("저는 보내져요")
        assert (await viewer.expect_json("message"))["text"] == "저는 보내져요"
        await viewer.close()
        await neighbour.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        for broadcast in broadcasts:
            pool.submit(asyncio.run, scenario(broadcast.pk)).result()
    assert ChatMessage.objects.filter(user=banned).count() == 0
    assert ChatMessage.objects.filter(user=other).count() == 2
