"""Which of live's rows the nightly archive may take: the chat of broadcasts that ended long ago.

The archive reads a chunk with ``chat_messages_archivable``, writes it somewhere durable, and only then calls
``chat_messages_archived_delete`` with the chunk's ids. A broadcast's chat leaves as a whole: its age is the
broadcast's end, never a single message's.
"""

from datetime import datetime

from django.db import models, transaction

from apps.live.models import Broadcast, ChatMessage

CHAT_MESSAGES_TABLE = ChatMessage._meta.db_table


def _of_ended_broadcasts(before: datetime) -> models.QuerySet[ChatMessage]:
    return ChatMessage.objects.filter(
        broadcast__status=Broadcast.Status.ENDED, broadcast__ended_at__lt=before
    )


def chat_messages_archivable(*, before: datetime, limit: int) -> list[dict]:
    """Up to ``limit`` messages of broadcasts that ended before ``before``, lowest id first, every column by
    name."""
    columns = [f.attname for f in ChatMessage._meta.concrete_fields]
    return list(_of_ended_broadcasts(before).order_by("pk").values(*columns)[:limit])


@transaction.atomic
def chat_messages_archived_delete(*, before: datetime, ids: list[int]) -> int:
    """Delete the messages of ``ids`` that still qualify for ``before``; returns rows deleted.

    Call only once those rows are safely archived: a row deleted here is gone from the database.
    """
    deleted, _detail = _of_ended_broadcasts(before).filter(pk__in=ids).delete()
    return deleted
