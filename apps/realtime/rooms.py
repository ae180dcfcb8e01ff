"""Rooms inside one ASGI process: fan-out to this process's viewers, presence, tallies, ticker and pulse.

A domain declares a kind of room with a ``RoomSpec`` (its topics and their STOMP destinations, its bus
channel, what to catch up after a break, what its ticker computes) and registers it; connections join rooms
of that kind.
Nothing here knows what a room is about.

Fan-out:
- a process holds **one** bus subscription per room it has viewers of (``apps.realtime.bus``), not one per
  viewer, so an event costs the bus one delivery per process;
- each message is encoded once: the MESSAGE frame is cut around its ``subscription`` header and only the
  viewer's subscription id is spliced in (viewers with the same ids share the encoded frame);
- it is written to each viewer at once, never awaited per viewer (under uvicorn straight to the viewer's
  socket); a viewer whose socket or outgoing queue is too far behind is dropped and reconnects, so a slow
  viewer never holds up the rest;
- messages already waiting when the room fans out (read together from the bus, a backlog after a stall) go
  out together, as one WebSocket message per viewer (STOMP frames are NUL-terminated, so several travel in
  one message): catching up costs one write per viewer, not one per message, and waits for nothing;
- an event addressed ``to`` one presence key (a reply meant for one person) is written at once to that
  person's connections in each process, found by their key, and to nobody else;
- a room of at least the spec's coalescing size (all processes) also gathers the messages of each coalescing
  window that way: fewer socket writes, for at most one window's delay.

When the subscription breaks (Redis restarted) it is made again with a backoff, then the spec's ``catch_up``
gives the events committed since shortly before the break, and those not delivered yet are fanned out.

Every ``TICK_SECONDS`` the ticker refreshes this process's viewers in the room's presence (shared by every
process), adds the tallies counted here, and hands the numbers to the spec's ticker, which pushes what changed
to this process's viewers only (every process reads the same shared numbers). Every ``PULSE_SECONDS`` the
pulse lets each viewer send its heart-beats and notice a silent client.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from apps.realtime import stomp
from apps.realtime.bus import Bus
from apps.realtime.presence import LocalPresence, Presence, RedisPresence
from apps.realtime.websocket import websocket_text_frame

logger = logging.getLogger(__name__)

TICK_SECONDS = 2.0
PULSE_SECONDS = 1.0
# The room's bus subscription, when it breaks (Redis restarted, a network cut), is made again after a
# backoff doubling from the first to the last of these seconds.
RESUBSCRIBE_FIRST_SECONDS = 0.25
RESUBSCRIBE_MAX_SECONDS = 5.0
# Events committed this long before the subscription broke are looked for again once it is back: their
# PUBLISH may have failed (or found no subscriber) while the server still acknowledged them.
CATCH_UP_MARGIN_SECONDS = 5.0
# Every SWEEP_SECONDS the room reads the replayable events committed in the last SWEEP_WINDOW_SECONDS and fans
# out those it has not: an event whose PUBLISH failed after its commit (a broken pooled connection, Redis
# briefly away) reaches every open room all the same, though its subscription never broke.
SWEEP_SECONDS = 5.0
SWEEP_WINDOW_SECONDS = 20.0
# How many of the last replayable events the room remembers having fanned out (a catch-up never repeats them).
RECENT_EVENTS = 1000
# How long stop() waits for the room's tasks to finish after cancelling them.
STOP_GRACE_SECONDS = 2.0
CONTENT_TYPE = "application/json"


class Viewer(Protocol):
    """What the room needs of a connection (``apps.realtime.connection.StompConnection``)."""

    presence_key: str
    # Topic → the ids of the viewer's subscriptions to it: the fan-out keys the frames it builds by them.
    by_topic: dict[str, tuple[str, ...]]

    def deliver(self, text: str, wire: bytes | None = None) -> None: ...

    def pulse(self, now: float) -> None: ...


class Ticker(Protocol):
    """The domain's per-room work every tick: what the shared numbers mean, what changed, what to push."""

    async def tick(self, presence: Presence) -> None: ...


@dataclasses.dataclass(frozen=True)
class RoomSpec:
    """A kind of room, declared by the domain that owns it. Callables are read when used, never at import:
    settings (the bus's URL, the coalescing window) come through them."""

    name: str
    # Topics a viewer may subscribe to, e.g. ("chat", "events").
    topics: tuple[str, ...]
    # (room id, topic) → the STOMP destination MESSAGE frames carry.
    destination: Callable[[int, str], str]
    # room id → the room's channel on the bus.
    channel: Callable[[int], str]
    # The bus events of this kind travel on (the same one publishers use).
    bus: Callable[[], Bus]
    # A fresh presence store for one room.
    presence: Callable[[], LocalPresence | RedisPresence]
    # (window in seconds, from how many viewers of the whole room) for coalescing; a window of 0 turns it off.
    coalesce: Callable[[], tuple[float, int]] = lambda: (0.0, 0)
    # Shared counters viewers add to (``Room.count``), summed across processes every tick.
    tallies: tuple[str, ...] = ()
    # Room → its ticker (``Ticker``), made once per room in each process.
    ticker: Callable[[Room], Ticker] | None = None
    # (room id, since unix time, after seq) → the replayable events a broken subscription may have missed.
    catch_up: Callable[..., Awaitable[list[dict]]] | None = None
    # (room id, since unix time) → the replayable events committed since then (the room's sweep).
    recent: Callable[..., Awaitable[list[dict]]] | None = None
    # Called with the room id when a viewer joins or leaves this process's room (metrics).
    joined: Callable[[int], None] | None = None
    left: Callable[[int], None] | None = None


_specs: dict[str, RoomSpec] = {}


def register(spec: RoomSpec) -> RoomSpec:
    """Declare a kind of room (once per process, at import of the domain's glue); returns it."""
    _specs[spec.name] = spec
    return spec


def spec_get(name: str) -> RoomSpec:
    return _specs[name]


def message_body(payload: dict) -> str:
    """A MESSAGE frame's JSON body, compact and UTF-8 as written."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


class Room:
    """This process's part of one room."""

    def __init__(self, spec: RoomSpec, room_id: int) -> None:
        self.spec = spec
        self.room_id = room_id
        self.viewers: set[Viewer] = set()
        # How many of this process's connections each presence key (a person) has: a leave asks the counter,
        # not every remaining viewer, so a mass disconnect costs one step per viewer.
        self.presence_counts: Counter[str] = Counter()
        # This process's connections of each presence key: a message for one person finds their tabs at once.
        self.by_presence: dict[str, set[Viewer]] = {}
        self.subscription = None
        self.broken_since: float | None = None
        self.started_at = 0.0
        self.last_seq = 0
        self.recent_seqs: set[int] = set()
        self._recent_order: deque[int] = deque()
        self.presence = spec.presence()
        # Viewers of the whole room (every process) as of the last tick.
        self.audience = 0
        self._tallies: dict[str, int] = {}
        self.ticker = spec.ticker(self) if spec.ticker is not None else None
        self._tasks: list[asyncio.Task] = []
        self._batch: list[tuple[str, str, str]] = []
        self._batch_timer: asyncio.Handle | None = None
        self._destinations = {topic: spec.destination(room_id, topic) for topic in spec.topics}

    async def start(self) -> None:
        self.started_at = time.time()
        try:
            await self._subscribe()
        except Exception:
            # The bus is down: the room still opens (viewers read what the domain sends on subscribe);
            # _listen subscribes later.
            logger.warning("room %s: bus subscription failed; retrying", self.room_id)
            self.broken_since = time.time()
        self._tasks.append(asyncio.create_task(self._listen()))
        self._tasks.append(
            asyncio.create_task(self._every(TICK_SECONDS, self.tick, "tick", wait_first=False))
        )
        self._tasks.append(asyncio.create_task(self._pulse()))
        if self.spec.recent is not None:
            sweeping = self._every(SWEEP_SECONDS, self.sweep, "sweep", wait_first=True)
            self._tasks.append(asyncio.create_task(sweeping))

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
        await self.presence.close()

    def count(self, tally: str, n: int = 1) -> None:
        """Add to one of the spec's tallies; summed into the shared total at the next tick."""
        self._tallies[tally] = self._tallies.get(tally, 0) + n

    # ---- Fan-out ------------------------------------------------------------------------------------------

    def dispatch(self, *, topic: str, body: str, message_id: str) -> None:
        """Queue the MESSAGE for every local viewer subscribed to ``topic``: it goes out on the loop's next
        turn with whatever else is waiting by then, or after the window when the room is large enough to
        coalesce (the spec's ``coalesce``)."""
        head, tail = stomp.message_parts(
            destination=self._destinations[topic], message_id=message_id, body=body, content_type=CONTENT_TYPE
        )
        # Once a batch is open every message joins it, so a room shrinking mid-window keeps the order.
        self._batch.append((topic, head, tail))
        if self._batch_timer is None:
            window, from_viewers = self.spec.coalesce()
            loop = asyncio.get_running_loop()
            if window > 0 and self.room_size() >= from_viewers:
                self._batch_timer = loop.call_later(window, self._flush_batch)
            else:
                # No window, but not at once either: the messages already read behind this one (a backlog
                # after a stall) join it, and the room catches up in one write per viewer, not one each.
                self._batch_timer = loop.call_soon(self._flush_batch)

    def room_size(self) -> int:
        """Viewers of the whole room (every process, as of the last tick), or this process's if more: the
        machine's cores are shared by the room's processes, so the room's size decides, not one process's."""
        return max(len(self.viewers), self.audience)

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

    def deliver_to(self, *, to: str, topic: str, body: str, message_id: str) -> int:
        """Write one MESSAGE now to this process's connections of presence key ``to`` only (a reply meant
        for one person); returns how many got it. Not batched: it is one frame for one or two sockets."""
        viewers = self.by_presence.get(to)
        if not viewers:
            return 0
        head, tail = stomp.message_parts(
            destination=self._destinations[topic], message_id=message_id, body=body, content_type=CONTENT_TYPE
        )
        delivered = 0
        for viewer in list(viewers):
            text = "".join(head + stomp.escape(sub_id) + tail for sub_id in viewer.by_topic[topic])
            if text:
                viewer.deliver(text)
                delivered += 1
        return delivered

    def dispatch_local(self, *, topic: str, payload: dict) -> None:
        """A message only this process's viewers need (numbers every process reads from the shared store)."""
        self.dispatch(
            topic=topic, body=message_body(payload), message_id=f"{payload['type']}-{time.monotonic_ns()}"
        )

    # ---- The bus subscription -----------------------------------------------------------------------------

    async def _subscribe(self) -> None:
        await self._unsubscribe()
        self.subscription = self.spec.bus().subscription(self.spec.channel(self.room_id))
        await self.subscription.open()

    async def _unsubscribe(self) -> None:
        subscription, self.subscription = self.subscription, None
        if subscription is not None:
            await subscription.close()

    async def _listen(self) -> None:
        """The process's one subscription to the room: every event, fanned out locally.

        When the subscription breaks, it is made again with a backoff, then the spec's ``catch_up`` reads the
        events committed since shortly before the break and those not delivered yet are fanned out: an event
        the server acknowledged is never missing from an open room.
        """
        delay = RESUBSCRIBE_FIRST_SECONDS
        while True:
            try:
                if self.broken_since is not None:
                    await self._subscribe()
                    caught_up = await self._catch_up(since=self.broken_since - CATCH_UP_MARGIN_SECONDS)
                    logger.warning(
                        "room %s: bus subscription back; %d messages caught up", self.room_id, caught_up
                    )
                    self.broken_since, delay = None, RESUBSCRIBE_FIRST_SECONDS
                async for event in self.subscription.events():
                    if event.get("topic") in self._destinations:
                        self._on_event(event)
                raise ConnectionError("the bus subscription ended")
            except asyncio.CancelledError:
                raise
            except Exception:
                if self.broken_since is None:
                    self.broken_since = time.time()
                    logger.exception("room %s: bus subscription broke; subscribing again", self.room_id)
                else:
                    logger.warning("room %s: bus still unreachable; next try in %.2fs", self.room_id, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RESUBSCRIBE_MAX_SECONDS)

    def _on_event(self, event: dict) -> bool:
        """Fan out one event; a replayable one already fanned out (a catch-up raced it) is skipped. An event
        with ``to`` (a presence key) goes to that person's connections only."""
        if event.get("to"):
            self.deliver_to(
                to=event["to"], topic=event["topic"], body=event["body"], message_id=event["message_id"]
            )
            return True
        seq = event.get("seq")
        if seq is not None:
            if seq in self.recent_seqs:
                return False
            self._remember(seq)
        self.dispatch(topic=event["topic"], body=event["body"], message_id=event["message_id"])
        return True

    def _remember(self, seq: int) -> None:
        self.recent_seqs.add(seq)
        self._recent_order.append(seq)
        self.last_seq = max(self.last_seq, seq)
        while len(self._recent_order) > RECENT_EVENTS:
            self.recent_seqs.discard(self._recent_order.popleft())

    async def _catch_up(self, *, since: float) -> int:
        """Fan out the replayable events committed after ``since`` (unix time) or after the last one seen."""
        if self.spec.catch_up is None:
            return 0
        events = await self.spec.catch_up(self.room_id, since=since, after_seq=self.last_seq)
        return sum(self._on_event(event) for event in events)

    async def sweep(self) -> int:
        """Fan out the replayable events of the last SWEEP_WINDOW_SECONDS this room has not; how many."""
        # What was committed before the room opened, its viewers read on subscribing.
        since = max(time.time() - SWEEP_WINDOW_SECONDS, self.started_at)
        events = [event for event in await self.spec.recent(self.room_id, since=since) if "seq" in event]
        if len(self._recent_order) >= RECENT_EVENTS and self.recent_seqs:
            # Older than what the room remembers: it cannot tell whether they went out, and they almost surely did.
            oldest = min(self.recent_seqs)
            events = [event for event in events if event["seq"] > oldest]
        swept = sum(self._on_event(event) for event in events)
        if swept:
            logger.warning(
                "room %s: %d kept events had not arrived on the bus; swept in", self.room_id, swept
            )
        return swept

    # ---- Ticker and pulse ---------------------------------------------------------------------------------

    async def _pulse(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(PULSE_SECONDS)
            now = loop.time()
            for viewer in list(self.viewers):
                viewer.pulse(now)

    async def _every(
        self, seconds: float, step: Callable[[], Awaitable], what: str, *, wait_first: bool
    ) -> None:
        """Run ``step`` every ``seconds`` for the room's life; a failed step is logged and the next one runs."""
        if wait_first:
            await asyncio.sleep(seconds)
        while True:
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room %s: %s failed", self.room_id, what)
            await asyncio.sleep(seconds)

    async def tick(self) -> None:
        """Refresh presence and tallies in the shared store, then let the spec's ticker act on them."""
        added, self._tallies = self._tallies, {}
        members = {viewer.presence_key for viewer in self.viewers}
        presence = await self.presence.refresh(self.room_id, members, added, self.spec.tallies)
        self.audience = presence.viewers
        if self.ticker is not None:
            await self.ticker.tick(presence)


# ---- The process's rooms -----------------------------------------------------------------------------------

_rooms: dict[tuple[str, int], Room] = {}
_lock: asyncio.Lock | None = None


def _rooms_lock() -> asyncio.Lock:
    global _lock
    if _lock is None:
        _lock = asyncio.Lock()
    return _lock


async def room_join(spec: RoomSpec, room_id: int, viewer: Viewer) -> Room:
    """Add a viewer to this process's room, starting the room (its one subscription) for the first."""
    async with _rooms_lock():
        room = _rooms.get((spec.name, room_id))
        if room is None:
            room = Room(spec, room_id)
            await room.start()
            _rooms[(spec.name, room_id)] = room
        if viewer not in room.viewers:
            room.viewers.add(viewer)
            room.presence_counts[viewer.presence_key] += 1
            room.by_presence.setdefault(viewer.presence_key, set()).add(viewer)
    if spec.joined is not None:
        spec.joined(room_id)
    return room


async def room_leave(spec: RoomSpec, room_id: int, viewer: Viewer) -> None:
    """Remove a viewer; the last one out stops this process's room."""
    async with _rooms_lock():
        room = _rooms.get((spec.name, room_id))
        if room is None or viewer not in room.viewers:
            return
        room.viewers.discard(viewer)
        if spec.left is not None:
            spec.left(room_id)
        room.presence_counts[viewer.presence_key] -= 1
        same = room.by_presence.get(viewer.presence_key)
        if same is not None:
            same.discard(viewer)
            if not same:
                del room.by_presence[viewer.presence_key]
        if room.presence_counts[viewer.presence_key] <= 0:
            del room.presence_counts[viewer.presence_key]
            with contextlib.suppress(Exception):
                await room.presence.leave(room_id, viewer.presence_key)
        if not room.viewers:
            del _rooms[(spec.name, room_id)]
            await room.stop()


def rooms_reset() -> None:
    """Forget every room (a test's event loop is gone; its tasks went with it)."""
    global _lock
    _rooms.clear()
    _lock = None
