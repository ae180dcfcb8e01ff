"""A member who withdraws is no longer named in any chat: not in the room's history, not in the host's queue."""

import pytest
from django.utils import timezone

from apps.accounts import services as accounts_services
from apps.catalog.tests.factories import UserFactory
from apps.live.models import ChatMessage, ChatQuestion
from apps.live.room import selectors as room_selectors
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_withdrawal_takes_the_members_name_off_every_chat_line():
    broadcast = BroadcastFactory()
    leaving, staying = UserFactory(name="떠날사람"), UserFactory(name="남는사람")
    asked = ChatMessage.objects.create(
        broadcast=broadcast, user=leaving, display_name="떠날사람", text="얼마예요?"
    )
    ChatMessage.objects.create(broadcast=broadcast, user=staying, display_name="남는사람", text="안녕하세요")
    now = timezone.now()
    question = ChatQuestion.objects.create(
        broadcast=broadcast,
        topic=ChatQuestion.Topic.PRICE,
        count=2,
        recent=[
            {"id": asked.pk, "name": "떠날사람", "text": "얼마예요?"},
            {"id": 0, "name": "남는사람", "text": "가격?"},
        ],
        first_asked_at=now,
        last_asked_at=now,
    )

    accounts_services.user_withdraw(user=leaving, password="pw-1234!a")

    names = [line["name"] for line in room_selectors.chat_history(broadcast_id=broadcast.pk)]
    assert names == ["탈퇴회원", "남는사람"]
    question.refresh_from_db()
    assert [line["name"] for line in question.recent] == ["탈퇴회원", "남는사람"]
