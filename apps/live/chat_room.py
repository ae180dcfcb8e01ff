"""The room inside one ASGI process: fan-out to this process's viewers, presence, likes, the room's ticker.

Fan-out (why it is built this way: issue 7's Scale section, measured in bench/chat_fanout.py):
- a process holds **one** channel-layer subscription per room it has viewers of (a channel in the group
  ``live.room.<id>``), not one per viewer, so a message costs Redis one delivery per process;
- each message is encoded once: the MESSAGE frame is cut around its ``subscription`` header and only the
  viewer's subscription id is spliced in (viewers with the same id share the encoded frame);
- it is written to each viewer at once, never awaited per viewer (under uvicorn straight to the viewer's
  socket); a viewer whose socket or outgoing queue is too far behind is dropped and reconnects, so a slow
  viewer never holds up the rest;
- messages already waiting when the room fans out (read together from Redis, a backlog after a stall) go
  out together, as one WebSocket message per viewer (STOMP frames are NUL-terminated, so several travel in
  one message): catching up costs one write per viewer, not one per message, and waits for nothing;
- a room of ``LIVE_CHAT_COALESCE_FROM_VIEWERS`` viewers (all processes) also gathers the messages of each
  ``LIVE_CHAT_COALESCE_MS`` window that way: half the socket writes at 20 messages/s, for at most one
  window's delay.

Every ``TICK_SECONDS`` the room's ticker refreshes this process's viewers in a Redis sorted set shared by all
processes (members ``u:<user id>`` or ``s:<session>``, so one person is one viewer), flushes the hearts
counted here into a shared counter and the broadcast's persisted total, offers the viewer count as the
report's sample (kept once per ``services.VIEWER_SAMPLE_SECONDS`` across processes), compares the
broadcast's status and pinned product's stock with what it last sent, and pushes what changed to its own
viewers only (every process reads the same shared numbers, so nothing is sent between processes for them). It also sends each viewer its STOMP heart-beats.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
import time
from collections import deque
from typing import Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps.core.metrics import LIVE_VIEWERS
from apps.live import services, stomp
from apps.live.room import publish as chat
from apps.live.room import selectors as chat_selectors
from apps.live.selectors import viewer_count_key

logger = logging.getLogger(__name__)

TICK_SECONDS = 2.0
PULSE_SECONDS = 1.0
PRESENCE_TTL_SECONDS = 10
GROUP_REFRESH_SECONDS = 600
# The room's Redis subscription, when it breaks (Redis restarted, a network cut), is made again after a
# backoff doubling from the first to the last of these seconds.
RESUBSCRIBE_FIRST_SECONDS = 0.25
RESUBSCRIBE_MAX_SECONDS = 5.0
# Messages committed this long before the subscription broke are looked for again once it is back: their
# PUBLISH may have failed (or found no subscriber) while the server still acknowledged them.
CATCH_UP_MARGIN_SECONDS = 5.0
# How many of the last chat messages the room remembers having fanned out (a catch-up never repeats them).
RECENT_MESSAGE_IDS = 1000
# How long stop() waits for the room's tasks to finish after cancelling them.
STOP_GRACE_SECONDS = 2.0
CONTENT_TYPE = "application/json"


class Viewer(Protocol):
    """What the room needs of a connection (``apps.live.consumers.LiveRoomConsumer``)."""

    presence_key: str
    # Topic → the ids of the viewer's subscriptions to it: the fan-out keys the frames it builds by these tuples.
    by_topic: dict[str, tuple[str, ...]]

    def deliver(self, text: str, wire: bytes | None = None) -> None: ...

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
        self.subscriber = None
        self.broken_since: float | None = None
        self.last_chat_id = 0
        self.recent_chat_ids: set[int] = set()
        self._recent_order: deque[int] = deque()
        self.counters = _RedisCounters() if settings.REDIS_URL else _LocalCounters()
        self.likes_pending = 0
        self.sent_viewers: tuple[int, int] | None = None
        self.sampled_slot: int | None = None
        self.snapshot: dict | None = None
        self._tasks: list[asyncio.Task] = []
        self._batch: list[tuple[str, str, str]] = []
        self._batch_timer: asyncio.Handle | None = None
        self._destinations = {
            "chat": chat.chat_destination(broadcast_id),
            "events": chat.events_destination(broadcast_id),
        }

    async def start(self) -> None:
        if settings.REDIS_URL:
            try:
                await self._subscribe()
            except Exception:
                # Redis is down: the room still opens (viewers read the history); _listen subscribes later.
                logger.warning("room %s: Redis subscription failed; retrying", self.broadcast_id)
                self.broken_since = time.time()
            self._tasks.append(asyncio.create_task(self._listen()))
        elif self.layer is not None:
            self.channel = await self.layer.new_channel(prefix="live-room")
            await self.layer.group_add(chat.room_group(self.broadcast_id), self.channel)
            self._tasks.append(asyncio.create_task(self._read()))
        self._tasks.append(asyncio.create_task(self._tick()))
        self._tasks.append(asyncio.create_task(self._pulse()))

    async def stop(self) -> None:
        if self._batch_timer is not None:
            self._batch_timer.cancel()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded, and without swallowing a cancellation of stop() itself: a task caught mid-reconnect
            # must not keep the process (or a test's event loop) from shutting down.
            await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
        await self._unsubscribe()
        if self.layer is not None and self.channel:
            with contextlib.suppress(Exception):
                await self.layer.group_discard(chat.room_group(self.broadcast_id), self.channel)
        await self.counters.close()

    # ---- Fan-out ------------------------------------------------------------------------------------------

    def dispatch(self, *, topic: str, body: str, message_id: str) -> None:
        """Queue the MESSAGE for every local viewer subscribed to ``topic``: it goes out on the loop's next
        turn with whatever else is waiting by then, or after the window when the room is large enough to
        coalesce (``LIVE_CHAT_COALESCE_FROM_VIEWERS``)."""
        head, tail = stomp.message_parts(
            destination=self._destinations[topic], message_id=message_id, body=body, content_type=CONTENT_TYPE
        )
        # Once a batch is open every message joins it, so a room shrinking mid-window keeps the order.
        self._batch.append((topic, head, tail))
        if self._batch_timer is None:
            window = settings.LIVE_CHAT_COALESCE_MS / 1000
            loop = asyncio.get_running_loop()
            if window > 0 and self.room_size() >= settings.LIVE_CHAT_COALESCE_FROM_VIEWERS:
                self._batch_timer = loop.call_later(window, self._flush_batch)
            else:
                # No window, but not at once either: the messages already read behind this one (a backlog
                # after a stall) join it, and the room catches up in one write per viewer, not one each.
                self._batch_timer = loop.call_soon(self._flush_batch)

    def room_size(self) -> int:
        """Viewers of the whole room (every process, as of the last tick), or this process's if more: the
        machine's cores are shared by the room's processes, so the room's size decides, not one process's."""
        return max(len(self.viewers), self.sent_viewers[0] if self.sent_viewers else 0)

    def _flush_batch(self) -> None:
        batch, self._batch, self._batch_timer = self._batch, [], None
        if batch:
            self._fan_out(batch)

    def _fan_out(self, messages: list[tuple[str, str, str]]) -> None:
        """Write ``messages`` (topic, head, tail) to every local viewer as one WebSocket message each.

        The text is built and encoded into a WebSocket frame once per set of subscription ids (most viewers
        share one). This loop runs for every viewer of every message: it does nothing it need not."""
        topics = tuple(dict.fromkeys(topic for topic, _, _ in messages))
        frames: dict[tuple, tuple[str, bytes]] = {}
        single = topics[0] if len(topics) == 1 else None
        for viewer in list(self.viewers):
            if single is not None:
                key = viewer.by_topic[single]
            else:
                key = tuple(viewer.by_topic[topic] for topic in topics)
            frame = frames.get(key)
            if frame is None:
                subscribed = {single: key} if single is not None else dict(zip(topics, key, strict=True))
                text = "".join(
                    head + stomp.escape(sub_id) + tail
                    for topic, head, tail in messages
                    for sub_id in subscribed[topic]
                )
                frame = frames[key] = (text, websocket_text_frame(text))
            if frame[0]:
                viewer.deliver(*frame)

    def dispatch_local(self, *, topic: str, payload: dict) -> None:
        """A message only this process's viewers need (numbers every process reads from Redis itself)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self.dispatch(topic=topic, body=body, message_id=f"{payload['type']}-{time.monotonic_ns()}")

    async def _subscribe(self) -> None:
        """A fresh subscription on a connection of its own that never retries by itself: a broken
        subscription must surface here, so the messages it missed are caught up (``_catch_up``)."""
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        await self._unsubscribe()
        self.subscriber = redis.asyncio.Redis.from_url(settings.REDIS_URL, retry=Retry(NoBackoff(), 0))
        self.pubsub = self.subscriber.pubsub(ignore_subscribe_messages=True)
        await self.pubsub.subscribe(chat.room_channel(self.broadcast_id))

    async def _unsubscribe(self) -> None:
        pubsub, subscriber, self.pubsub, self.subscriber = self.pubsub, self.subscriber, None, None
        # Closing a connection Redis already dropped may fail in any way; there is nothing left to release.
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        if subscriber is not None:
            with contextlib.suppress(Exception):
                await subscriber.aclose()

    async def _listen(self) -> None:
        """The process's one Redis subscription to the room: every message, fanned out locally.

        When the subscription breaks (Redis restarted), it is made again with a backoff, then the chat
        messages committed since shortly before the break are read from the database and fanned out, except
        those already delivered: a message the server acknowledged is never missing from an open room.
        """
        delay = RESUBSCRIBE_FIRST_SECONDS
        while True:
            try:
                if self.broken_since is not None:
                    await self._subscribe()
                    caught_up = await self._catch_up(since=self.broken_since - CATCH_UP_MARGIN_SECONDS)
                    logger.warning(
                        "room %s: Redis subscription back; %d messages caught up",
                        self.broadcast_id,
                        caught_up,
                    )
                    self.broken_since, delay = None, RESUBSCRIBE_FIRST_SECONDS
                async for message in self.pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    event = json.loads(message["data"])
                    if event.get("topic") in self._destinations:
                        self._on_event(event)
                raise ConnectionError("the Redis subscription ended")
            except asyncio.CancelledError:
                raise
            except Exception:
                if self.broken_since is None:
                    self.broken_since = time.time()
                    logger.exception(
                        "room %s: Redis subscription broke; subscribing again", self.broadcast_id
                    )
                else:
                    logger.warning(
                        "room %s: Redis still unreachable; next try in %.2fs", self.broadcast_id, delay
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RESUBSCRIBE_MAX_SECONDS)

    def _on_event(self, event: dict) -> bool:
        """Fan out one room event; a chat message already fanned out (a catch-up raced it) is skipped."""
        message_id = event["message_id"]
        if message_id.startswith("chat-") and event["topic"] == "chat":
            chat_id = int(message_id[5:])
            if chat_id in self.recent_chat_ids:
                return False
            self._remember(chat_id)
        self.dispatch(topic=event["topic"], body=event["body"], message_id=message_id)
        return True

    def _remember(self, chat_id: int) -> None:
        self.recent_chat_ids.add(chat_id)
        self._recent_order.append(chat_id)
        self.last_chat_id = max(self.last_chat_id, chat_id)
        while len(self._recent_order) > RECENT_MESSAGE_IDS:
            self.recent_chat_ids.discard(self._recent_order.popleft())

    async def _catch_up(self, *, since: float) -> int:
        """Fan out the chat messages committed after ``since`` (unix time) or after the last one seen."""
        payloads = await database_sync_to_async(chat_selectors.chat_messages_since)(
            broadcast_id=self.broadcast_id, after_id=self.last_chat_id, since=since
        )
        sent = 0
        for payload in payloads:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            sent += self._on_event({"topic": "chat", "body": body, "message_id": f"chat-{payload['id']}"})
        return sent

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
        if likes:
            await database_sync_to_async(services.broadcast_likes_add)(
                broadcast_id=self.broadcast_id, count=likes
            )
        await self._sample(count)
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

    async def _sample(self, count: int) -> None:
        """Offer the viewer count once per sampling slot; one process's offer is kept (the service's lock)."""
        slot = services.viewer_sample_slot(at=timezone.now())
        if slot != self.sampled_slot:
            self.sampled_slot = slot
            await database_sync_to_async(services.broadcast_viewers_sample)(
                broadcast_id=self.broadcast_id, viewers=count
            )

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
