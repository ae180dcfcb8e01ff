"""Archiving: live hands over the chat of broadcasts that ended before the cutoff, and deletes only those."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.live.archiving import chat_messages_archivable, chat_messages_archived_delete
from apps.live.models import Broadcast, ChatMessage
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def _broadcast_with_chat(*, status: str, ended_ago: timedelta | None, messages: int = 2) -> list[ChatMessage]:
    broadcast = BroadcastFactory()
    ended_at = timezone.now() - ended_ago if ended_ago is not None else None
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=status, started_at=timezone.now() - timedelta(days=60), ended_at=ended_at
    )
    viewer = UserFactory()
    return [
        ChatMessage.objects.create(broadcast=broadcast, user=viewer, display_name="시청자", text=f"m{n}")
        for n in range(messages)
    ]


def test_only_the_chat_of_long_ended_broadcasts_is_archivable():
    """Messages of a broadcast that ended before the cutoff come out lowest id first, in chunks, with every
    column; a recently ended or still live broadcast keeps its chat."""
    old = _broadcast_with_chat(status=Broadcast.Status.ENDED, ended_ago=timedelta(days=40), messages=3)
    _broadcast_with_chat(status=Broadcast.Status.ENDED, ended_ago=timedelta(days=2))
    _broadcast_with_chat(status=Broadcast.Status.LIVE, ended_ago=None)
    before = timezone.now() - timedelta(days=30)

    first = chat_messages_archivable(before=before, limit=2)
    everything = chat_messages_archivable(before=before, limit=100)

    assert [row["id"] for row in first] == [old[0].pk, old[1].pk]
    assert [row["id"] for row in everything] == [message.pk for message in old]
    assert {"broadcast_id", "user_id", "display_name", "text", "created_at"} <= set(first[0])


def test_the_delete_keeps_rows_that_do_not_qualify():
    """Handed ids of both kinds, the delete removes only the long-ended broadcast's messages."""
    old = _broadcast_with_chat(status=Broadcast.Status.ENDED, ended_ago=timedelta(days=40))
    recent = _broadcast_with_chat(status=Broadcast.Status.ENDED, ended_ago=timedelta(days=2))
    before = timezone.now() - timedelta(days=30)

    deleted = chat_messages_archived_delete(before=before, ids=[m.pk for m in old + recent])

    assert deleted == len(old)
    assert set(ChatMessage.objects.values_list("pk", flat=True)) == {m.pk for m in recent}
