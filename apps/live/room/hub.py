"""The broadcast's room as the realtime package knows it: ``LIVE_ROOM``, registered once per process.

It names the room's topics and their destinations, its bus channel (the one ``publish.room_publish`` sends
on), where its presence and hearts are shared (``<prefix>:live:presence:<id>``, ``<prefix>:live:likes:<id>``),
the coalescing settings (``LIVE_CHAT_COALESCE_MS`` from ``LIVE_CHAT_COALESCE_FROM_VIEWERS`` viewers, read
when used), what to catch up after a broken subscription (the chat messages committed and deleted meanwhile,
and the room's state as a ``resync``), the ticker (``apps.live.room.ticker``) and the viewer gauge.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.conf import settings

from apps.core.metrics import LIVE_VIEWERS
from apps.live.room import publish
from apps.live.room import selectors as room_selectors
from apps.live.room.ticker import LIKES, LiveTicker
from apps.realtime import rooms
from apps.realtime.presence import presence_for

CHAT = "chat"
EVENTS = "events"
# The last messages a room's sweep looks at: more than its window holds at the chat rate rooms are built for.
SWEEP_LIMIT = 500


def _destination(broadcast_id: int, topic: str) -> str:
    if topic == CHAT:
        return publish.chat_destination(broadcast_id)
    return publish.events_destination(broadcast_id)


def _presence():
    return presence_for(settings.REDIS_URL, f"{settings.CACHES['default'].get('KEY_PREFIX', 'tm')}:live")


def _coalesce() -> tuple[float, int]:
    return settings.LIVE_CHAT_COALESCE_MS / 1000, settings.LIVE_CHAT_COALESCE_FROM_VIEWERS


def _missed(broadcast_id: int, since: float, after_seq: int) -> list[dict]:
    messages = room_selectors.chat_messages_since(broadcast_id=broadcast_id, after_id=after_seq, since=since)
    deleted = room_selectors.chat_deleted_since(broadcast_id=broadcast_id, since=since)
    return [
        *(publish.room_event(topic=CHAT, payload=payload) for payload in messages),
        *(publish.room_event(topic=CHAT, payload={"type": "deleted", "id": pk}) for pk in deleted),
        publish.room_event(
            topic=EVENTS, payload=room_selectors.room_welcome(broadcast_id=broadcast_id, kind="resync")
        ),
    ]


async def _catch_up(broadcast_id: int, *, since: float, after_seq: int) -> list[dict]:
    """What the room's viewers may have missed while its bus subscription was broken: the chat messages
    committed after ``since`` (unix time) or after the last one the room saw, ``deleted`` for the messages
    deleted since, then a ``resync`` with the room's whole state (pin and stock, announcement, coupons and what
    is left of them, status): pins, coupons, stock and announcements published meanwhile were lost with the
    subscription, and their state, not their history, is what a viewer needs."""
    return await database_sync_to_async(_missed)(broadcast_id, since, after_seq)


async def _recent(broadcast_id: int, *, since: float) -> list[dict]:
    """The chat messages committed since ``since`` (unix time): the room's sweep fans out any it has not."""
    return await database_sync_to_async(_recent_messages)(broadcast_id, since)


def _recent_messages(broadcast_id: int, since: float) -> list[dict]:
    messages = room_selectors.chat_messages_recent(broadcast_id=broadcast_id, since=since, limit=SWEEP_LIMIT)
    return [publish.room_event(topic=CHAT, payload=payload) for payload in messages]


def _joined(broadcast_id: int) -> None:
    LIVE_VIEWERS.labels(broadcast=str(broadcast_id)).inc()


def _left(broadcast_id: int) -> None:
    LIVE_VIEWERS.labels(broadcast=str(broadcast_id)).dec()


LIVE_ROOM = rooms.register(
    rooms.RoomSpec(
        name="live",
        topics=(CHAT, EVENTS),
        destination=_destination,
        channel=publish.room_channel,
        bus=publish.room_bus,
        presence=_presence,
        coalesce=_coalesce,
        tallies=(LIKES,),
        ticker=LiveTicker,
        catch_up=_catch_up,
        recent=_recent,
        joined=_joined,
        left=_left,
    )
)
