"""How a service tells a broadcast's room something: ``room_publish`` after commit, on the room's bus channel.

This is the room's one fan-out path. ``room_publish`` hands the event to ``apps.realtime.bus`` once the
transaction commits; with ``REDIS_URL`` that is one ``PUBLISH`` on ``room_channel(id)``, without it (the
embedded ``make run``, one process) the in-process bus. Every process holding viewers of the room has one
subscription to that channel on the same bus (``apps.live.room.hub``), encodes the event once and writes it
to its own viewers.
"""

import itertools
import os

from django.conf import settings
from django.db import transaction

from apps.realtime import bus as realtime_bus
from apps.realtime.rooms import message_body

_event_ids = itertools.count(1)


def room_group(broadcast_id: int) -> str:
    """The room's name, as logs and metrics call it."""
    return f"live.room.{broadcast_id}"


def chat_destination(broadcast_id: int) -> str:
    return f"/topic/live.{broadcast_id}.chat"


def events_destination(broadcast_id: int) -> str:
    return f"/topic/live.{broadcast_id}.events"


def room_channel(broadcast_id: int) -> str:
    """The room's channel on the bus: every process with viewers of it holds one subscription."""
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'tm')}:live:room:{broadcast_id}"


def room_bus() -> realtime_bus.Bus:
    """The bus rooms and publishers share: Redis pub/sub with ``REDIS_URL``, else this process's own."""
    return realtime_bus.bus_get(settings.REDIS_URL)


def _redis_client():
    """The process's Redis client the bus publishes with (None without ``REDIS_URL``)."""
    bus = room_bus()
    return bus.client if isinstance(bus, realtime_bus.RedisBus) else None


def room_event(*, topic: str, payload: dict) -> dict:
    """The bus event carrying ``payload`` to ``topic``'s subscribers. A chat message is replayable: its id is
    its ``seq``, so a room catching up after a break never shows it twice."""
    if payload.get("type") == "message":
        return {
            "topic": topic,
            "body": message_body(payload),
            "message_id": f"chat-{payload['id']}",
            "seq": payload["id"],
        }
    message_id = f"{payload.get('type', 'event')}-{os.getpid()}-{next(_event_ids)}"
    return {"topic": topic, "body": message_body(payload), "message_id": message_id}


def member_presence_key(user_id: int) -> str:
    """A logged-in member's presence key in the room: every tab of theirs shares it."""
    return f"u:{user_id}"


def room_publish_private(*, broadcast_id: int, user_id: int, payload: dict) -> None:
    """After commit, send ``payload`` on the events topic to one member's connections only (each process
    writes it to that member's tabs there; nobody else's page ever receives it). Never replayed."""
    event = room_event(topic="events", payload=payload)
    event["to"] = member_presence_key(user_id)
    channel = room_channel(broadcast_id)
    transaction.on_commit(lambda: room_bus().publish(channel, event), robust=True)


def room_publish(*, broadcast_id: int, topic: str, payload: dict) -> None:
    """After commit, send ``payload`` to every process holding viewers of the room (one delivery each).

    ``topic`` is ``chat`` or ``events``. Call it inside the transaction that wrote what it announces: nothing
    is sent for a transaction rolled back. The send happens in the committing thread and never waits for an
    event loop.
    """
    event = room_event(topic=topic, payload=payload)
    channel = room_channel(broadcast_id)
    transaction.on_commit(lambda: room_bus().publish(channel, event), robust=True)
