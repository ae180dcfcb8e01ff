"""A platform ban closes every room's chat and the air to the member, and says why; others go on."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts import services as account_services
from apps.catalog.tests.factories import UserFactory
from apps.live.media.server import callback_secret
from apps.live.models import Broadcast, ChatMessage
from apps.live.room import commands
from apps.live.room import services as room_services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def _ban(user, *, days: int | None = 3, reason: str = "욕설 반복"):
    until = timezone.now() + datetime.timedelta(days=days) if days else None
    return account_services.ban_platform(
        user=user, reason=reason, until=until, actor=UserFactory(is_staff=True)
    )


def test_a_banned_member_sends_in_neither_room_while_another_member_sends_in_both():
    """Banned in one stroke: refused 'banned' in both rooms with the reason and end; a neighbour is not."""
    rooms = [make_live(BroadcastFactory()), make_live(BroadcastFactory())]
    banned, neighbour = UserFactory(), UserFactory()
    ban = _ban(banned)
    end = f"{timezone.localtime(ban.until):%Y년 %m월 %d일 %H:%M}까지"
    for room in rooms:
        with pytest.raises(room_services.ChatRefused) as refused:
            room_services.chat_message_post(broadcast_id=room.pk, user=banned, text="안녕하세요")
        assert refused.value.code == "banned"
        assert "사유: 욕설 반복" in refused.value.message
        assert end in refused.value.message
        room_services.chat_message_post(broadcast_id=room.pk, user=neighbour, text="안녕하세요")
    assert ChatMessage.objects.filter(user=banned).count() == 0
    assert ChatMessage.objects.filter(user=neighbour).count() == 2


def test_chat_orders_are_refused_too_and_a_lifted_ban_lets_the_member_back():
    """A chat-command order is a SEND like any other; once lifted the member chats again."""
    room = make_live(BroadcastFactory())
    member = UserFactory()
    _ban(member, days=None)
    with pytest.raises(room_services.ChatRefused) as order:
        commands.chat_command_run(broadcast_id=room.pk, user=member, text="#A1 2")
    assert order.value.code == "banned"
    assert "영구" in order.value.message
    account_services.ban_lift(user=member, actor=UserFactory(is_staff=True))
    room_services.chat_message_post(broadcast_id=room.pk, user=member, text="돌아왔어요")


def test_a_banned_seller_cannot_go_live_and_the_studio_says_why():
    """The media server's publish callback is refused (403) for a banned seller's right key; the studio shows
    the reason; the broadcast stays scheduled."""
    broadcast = BroadcastFactory()
    _ban(broadcast.seller, reason="허위 광고")
    body = (
        f"app=live&addr=127.0.0.1&clientid=9&call=publish&name={broadcast.public_name}&type=live"
        f"&key={broadcast.stream_key}"
    )
    response = Client().post(
        f"/live/media-server/{callback_secret()}/publish/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SCHEDULED
    studio = Client()
    studio.force_login(broadcast.seller)
    page = studio.get(f"/live/{broadcast.pk}/studio/").content.decode()
    assert "방송을 시작할 수 없어요" in page
    assert "사유: 허위 광고" in page
