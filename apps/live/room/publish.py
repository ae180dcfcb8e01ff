"""How the room's writes reach every process holding its viewers: destinations, the channel-layer group and
the Redis pub/sub channel of a room, and ``room_publish``."""

import itertools
import json
import os

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

_event_ids = itertools.count(1)


def room_group(broadcast_id: int) -> str:
    return f"live.room.{broadcast_id}"


def chat_destination(broadcast_id: int) -> str:
    return f"/topic/live.{broadcast_id}.chat"


def events_destination(broadcast_id: int) -> str:
    return f"/topic/live.{broadcast_id}.events"


def room_channel(broadcast_id: int) -> str:
    """The Redis pub/sub channel of a room: every process with viewers of it holds one subscription."""
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'tm')}:live:room:{broadcast_id}"


_redis = None


def _redis_client():
    global _redis
    if _redis is None:
        import redis

        _redis = redis.Redis.from_url(settings.REDIS_URL)
    return _redis


def room_publish(*, broadcast_id: int, topic: str, payload: dict) -> None:
    """After commit, send ``payload`` to every process holding viewers of the room (one delivery each).

    ``topic`` is ``chat`` or ``events``. With Redis it is one PUBLISH on the room's channel (a fraction of a
    millisecond, so the sending thread is never held by a busy event loop); without Redis (one process, the
    embedded ``make run``) it goes through the in-memory channel layer's group. Each process then encodes it
    once and writes it to its own viewers (``apps.live.chat_room``).
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    message_id = f"{payload.get('type', 'event')}-{os.getpid()}-{next(_event_ids)}"
    if payload.get("type") == "message":
        message_id = f"chat-{payload['id']}"
    event = {"type": "live.room_event", "topic": topic, "body": body, "message_id": message_id}

    def send() -> None:
        if settings.REDIS_URL:
            _redis_client().publish(room_channel(broadcast_id), json.dumps(event, ensure_ascii=False))
            return
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(room_group(broadcast_id), event)

    transaction.on_commit(send, robust=True)
