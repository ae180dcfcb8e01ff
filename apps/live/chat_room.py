"""The room inside one ASGI process: fan-out to this process's viewers, presence, likes, the room's ticker.

Fan-out (why it is built this way: issue 7's Scale section, measured in bench/chat_fanout.py):
- a process holds **one** channel-layer subscription per room it has viewers of (a channel in the group
  ``live.room.<id>``), not one per viewer, so a message costs Redis one delivery per process;
- each message is encoded once: the MESSAGE frame is cut around its ``subscription`` header and only the
  viewer's subscription id is spliced in (viewers with the same id share the encoded frame);
- it is written to each viewer's bounded outgoing queue, never awaited per viewer: a viewer's own writer task
  drains its queue into one WebSocket message (frames that piled up go together), so a slow viewer never
  holds up the rest; a viewer more than ``MAX_PENDING_FRAMES`` behind is dropped and reconnects.

Every ``TICK_SECONDS`` the room's ticker refreshes this process's viewers in a Redis sorted set shared by all
processes (members ``u:<user id>`` or ``s:<session>``, so one person is one viewer), flushes the hearts
counted here into a shared counter, compares the broadcast's status and pinned product's stock with what it
last sent, and pushes what changed to its own viewers only (every process reads the same shared numbers, so
nothing is sent between processes for them). It also sends each viewer its STOMP heart-beats.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
import time
from collections.abc import Iterable
from typing import Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from apps.core.metrics import LIVE_VIEWERS
from apps.live import chat, chat_selectors, stomp
from apps.live.selectors import viewer_count_key

logger = logging.getLogger(__name__)

TICK_SECONDS = 2.0
PULSE_SECONDS = 1.0
PRESENCE_TTL_SECONDS = 10
GROUP_REFRESH_SECONDS = 600
CONTENT_TYPE = "application/json"


class Viewer(Protocol):
    """What the room needs of a connection (``apps.live.consumers.LiveRoomConsumer``)."""

    presence_key: str

    def subscription_ids(self, topic: str) -> Iterable[str]: ...

    def deliver(self, text: str, wire: bytes | None = None) -> None: ...

    @property
    def direct(self) -> bool: ...

    def pulse(self, now: float) -> None: ...


def websocket_text_frame(text: str) -> bytes:
    """``text`` as one unmasked WebSocket text frame (RFC 6455, server to client), ready for the socket."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'tm')}:live"


class _LocalCounters:
    """Presence and hearts for a process without Redis (the embedded ``make run``): this process only."""

    def __init__(self) -> None:
        self.likes = 0

    async def refresh(self, broadcast_id: int, members: set[str], likes: int) -> tuple[int, int]:
        self.likes += likes
        return len(members), self.likes

    async def leave(self, broadcast_id: int, member: str) -> None:
        return None

    async def close(self) -> None:
        return None


class _RedisCounters:
    """Presence (a sorted set scored by last seen) and hearts (a counter), shared by every process."""

    def __init__(self) -> None:
        import redis.asyncio

        self.redis = redis.asyncio.Redis.from_url(settings.REDIS_URL)

    async def refresh(self, broadcast_id: int, members: set[str], likes: int) -> tuple[int, int]:
        now = time.time()
        presence = f"{_prefix()}:presence:{broadcast_id}"
        hearts = f"{_prefix()}:likes:{broadcast_id}"
        async with self.redis.pipeline(transaction=False) as pipe:
            if members:
                pipe.zadd(presence, dict.fromkeys(members, now))
            pipe.zremrangebyscore(presence, "-inf", now - PRESENCE_TTL_SECONDS)
            pipe.zcard(presence)
            pipe.expire(presence, 3600)
            if likes:
                pipe.incrby(hearts, likes)
            pipe.get(hearts)
            pipe.expire(hearts, 7 * 24 * 3600)
            results = await pipe.execute()
        count = results[2 if members else 1]
        total = results[-2]
        return int(count), int(total or 0)

    async def leave(self, broadcast_id: int, member: str) -> None:
        await self.redis.zrem(f"{_prefix()}:presence:{broadcast_id}", member)

    async def close(self) -> None:
        await self.redis.aclose()


class Room:
    """This process's part of one broadcast's room."""

    def __init__(self, broadcast_id: int) -> None:
        self.broadcast_id = broadcast_id
        self.viewers: set[Viewer] = set()
        self.layer = get_channel_layer()
        self.channel = ""
        self.pubsub = None
        self.counters = _RedisCounters() if settings.REDIS_URL else _LocalCounters()
        self.likes_pending = 0
        self.sent_viewers: tuple[int, int] | None = None
        self.snapshot: dict | None = None
        self._tasks: list[asyncio.Task] = []
        self._destinations = {
            "chat": chat.chat_destination(broadcast_id),
            "events": chat.events_destination(broadcast_id),
        }

    async def start(self) -> None:
        if settings.REDIS_URL:
            self.pubsub = self.counters.redis.pubsub(ignore_subscribe_messages=True)
            await self.pubsub.subscribe(chat.room_channel(self.broadcast_id))
            self._tasks.append(asyncio.create_task(self._listen()))
        elif self.layer is not None:
            self.channel = await self.layer.new_channel(prefix="live-room")
            await self.layer.group_add(chat.room_group(self.broadcast_id), self.channel)
            self._tasks.append(asyncio.create_task(self._read()))
        self._tasks.append(asyncio.create_task(self._tick()))
        self._tasks.append(asyncio.create_task(self._pulse()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.pubsub is not None:
            with contextlib.suppress(Exception):
                await self.pubsub.unsubscribe()
                await self.pubsub.aclose()
        if self.layer is not None and self.channel:
            with contextlib.suppress(Exception):
                await self.layer.group_discard(chat.room_group(self.broadcast_id), self.channel)
        await self.counters.close()

    # ---- Fan-out ------------------------------------------------------------------------------------------

    def dispatch(self, *, topic: str, body: str, message_id: str) -> int:
        """Encode once and queue the MESSAGE to every local viewer subscribed to ``topic``; returns how many."""
        head, tail = stomp.message_parts(
            destination=self._destinations[topic], message_id=message_id, body=body, content_type=CONTENT_TYPE
        )
        frames: dict[str, tuple[str, bytes | None]] = {}
        sent = 0
        for viewer in list(self.viewers):
            for sub_id in viewer.subscription_ids(topic):
                frame = frames.get(sub_id)
                if frame is None:
                    text = head + stomp.escape(sub_id) + tail
                    frame = frames[sub_id] = (text, None)
                if viewer.direct and frame[1] is None:
                    frame = frames[sub_id] = (frame[0], websocket_text_frame(frame[0]))
                viewer.deliver(frame[0], frame[1])
                sent += 1
        return sent

    def dispatch_local(self, *, topic: str, payload: dict) -> int:
        """A message only this process's viewers need (numbers every process reads from Redis itself)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return self.dispatch(topic=topic, body=body, message_id=f"{payload['type']}-{time.monotonic_ns()}")

    async def _listen(self) -> None:
        """The process's one Redis subscription to the room: every message, fanned out locally."""
        while True:
            try:
                async for message in self.pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    event = json.loads(message["data"])
                    if event.get("topic") in self._destinations:
                        self.dispatch(
                            topic=event["topic"], body=event["body"], message_id=event["message_id"]
                        )
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room %s: Redis subscription failed; subscribing again", self.broadcast_id)
                await asyncio.sleep(1)
                with contextlib.suppress(Exception):
                    await self.pubsub.subscribe(chat.room_channel(self.broadcast_id))

    async def _read(self) -> None:
        """The process's one subscription to the room: every group message, fanned out locally."""
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room %s: channel layer receive failed; retrying", self.broadcast_id)
                await asyncio.sleep(1)
                continue
            if message.get("type") == "live.room_event" and message.get("topic") in self._destinations:
                self.dispatch(topic=message["topic"], body=message["body"], message_id=message["message_id"])

    # ---- Ticker ---------------------------------------------------------------------------------------------

    async def _pulse(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(PULSE_SECONDS)
            now = loop.time()
            for viewer in list(self.viewers):
                viewer.pulse(now)

    async def _tick(self) -> None:
        last_group_refresh = time.monotonic()
        while True:
            try:
                await self.tick()
                if self.channel and time.monotonic() - last_group_refresh > GROUP_REFRESH_SECONDS:
                    await self.layer.group_add(chat.room_group(self.broadcast_id), self.channel)
                    last_group_refresh = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room %s: tick failed", self.broadcast_id)
            await asyncio.sleep(TICK_SECONDS)

    async def tick(self) -> None:
        """Viewers and hearts, status and the pinned product's stock: push to local viewers what changed."""
        likes, self.likes_pending = self.likes_pending, 0
        members = {viewer.presence_key for viewer in self.viewers}
        count, total_likes = await self.counters.refresh(self.broadcast_id, members, likes)
        numbers = (count, total_likes)
        if numbers != self.sent_viewers:
            hearts = total_likes - self.sent_viewers[1] if self.sent_viewers else 0
            self.dispatch_local(
                topic="events",
                payload={"type": "viewers", "count": count, "likes": total_likes, "hearts": max(hearts, 0)},
            )
            if not self.sent_viewers or count != self.sent_viewers[0]:
                await database_sync_to_async(cache.set)(viewer_count_key(self.broadcast_id), count, 60)
            self.sent_viewers = numbers
        snapshot = await database_sync_to_async(chat_selectors.room_snapshot)(broadcast_id=self.broadcast_id)
        self._snapshot_changes(snapshot)

    def _snapshot_changes(self, snapshot: dict) -> None:
        before, self.snapshot = self.snapshot, snapshot
        if before is None:
            return
        if snapshot["status"] != before["status"]:
            self.dispatch_local(topic="events", payload={"type": "status", "status": snapshot["status"]})
        pin, old = snapshot["pin"], before["pin"]
        if pin is None and old is not None:
            self.dispatch_local(topic="events", payload={"type": "unpin", "item_id": old["item_id"]})
        elif pin is not None and (old is None or pin["item_id"] != old["item_id"]):
            self.dispatch_local(topic="events", payload={"type": "pin", **pin})
        elif pin is not None and (pin["stock"], pin["sold_out"]) != (old["stock"], old["sold_out"]):
            self.dispatch_local(
                topic="events",
                payload={
                    "type": "stock",
                    "item_id": pin["item_id"],
                    "product_id": pin["product_id"],
                    "stock": pin["stock"],
                    "sold_out": pin["sold_out"],
                },
            )


# ---- The process's rooms -----------------------------------------------------------------------------------

_rooms: dict[int, Room] = {}
_lock: asyncio.Lock | None = None


def _rooms_lock() -> asyncio.Lock:
    global _lock
    if _lock is None:
        _lock = asyncio.Lock()
    return _lock


async def room_join(broadcast_id: int, viewer: Viewer) -> Room:
    """Add a viewer to this process's room, starting the room (its one subscription) for the first."""
    async with _rooms_lock():
        room = _rooms.get(broadcast_id)
        if room is None:
            room = Room(broadcast_id)
            await room.start()
            _rooms[broadcast_id] = room
        room.viewers.add(viewer)
    LIVE_VIEWERS.labels(broadcast=str(broadcast_id)).inc()
    return room


async def room_leave(broadcast_id: int, viewer: Viewer) -> None:
    """Remove a viewer; the last one out stops this process's room."""
    async with _rooms_lock():
        room = _rooms.get(broadcast_id)
        if room is None or viewer not in room.viewers:
            return
        room.viewers.discard(viewer)
        LIVE_VIEWERS.labels(broadcast=str(broadcast_id)).dec()
        if not any(other.presence_key == viewer.presence_key for other in room.viewers):
            with contextlib.suppress(Exception):
                await room.counters.leave(broadcast_id, viewer.presence_key)
        if not room.viewers:
            del _rooms[broadcast_id]
            await room.stop()


def rooms_reset() -> None:
    """Forget every room (a test's event loop is gone; its tasks went with it)."""
    global _lock
    _rooms.clear()
    _lock = None
