"""The bus: the one way an event reaches every process holding viewers of a room.

A publisher (a service, after its transaction commits, in whatever thread it runs) calls
``bus_get(url).publish(channel, event)``; every process with viewers of the room holds **one** subscription to
the room's channel on the same bus (``apps.realtime.rooms.Room``) and fans each event out to its own viewers.
Two implementations stand behind that one interface:

- ``RedisBus`` (``url`` is a Redis URL): ``PUBLISH`` on the room's channel, a fraction of a millisecond that
  never waits for an event loop; each process ``SUBSCRIBE``s on a connection of its own that never retries
  silently, so a break surfaces in the room, which subscribes again and catches up what it missed;
- ``LocalBus`` (``url`` is empty: the embedded mode, one process, no Redis): the event is handed to the
  subscribing rooms' event loops in this process; it never breaks.

An event is a JSON-serialisable dict: ``topic``, ``body`` (the MESSAGE frame's body, already encoded),
``message_id`` and, for events a catch-up may repeat, ``seq`` (their position in the room's history).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator
from typing import Protocol

# A subscription's connection: how long Redis may take to accept it and to confirm the SUBSCRIBE.
CONNECT_TIMEOUT_SECONDS = 5.0
CONFIRM_TIMEOUT_SECONDS = 5.0
# An idle subscription PINGs this often, so a link that died silently surfaces as a break.
HEALTH_CHECK_SECONDS = 15
READ_TIMEOUT_SECONDS = 5.0
PUBLISH_TIMEOUT_SECONDS = 2.0
PUBLISH_RETRIES = 2
# Reads that came back empty within one second beyond which the connection is taken for broken.
EMPTY_READS_PER_SECOND = 50


class Subscription(Protocol):
    async def open(self) -> None: ...

    def events(self) -> AsyncIterator[dict]:
        """Every event on the channel, as it comes; raises when the subscription breaks."""
        ...

    async def close(self) -> None: ...


class Bus(Protocol):
    def publish(self, channel: str, event: dict) -> None: ...

    def subscription(self, channel: str) -> Subscription: ...


class RedisBus:
    """Redis pub/sub, shared by every process on the same Redis."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = None

    @property
    def client(self):
        """The process's synchronous client, for publishers running in threads."""
        if self._client is None:
            import redis
            from redis.backoff import ExponentialBackoff
            from redis.retry import Retry

            # A pooled connection a network cut left dead (no FIN: the pool takes it for healthy) fails its next
            # command after the message committed: that one is tried again on a fresh connection, briefly, since
            # the publisher's thread waits meanwhile.
            self._client = redis.Redis.from_url(
                self.url,
                socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                socket_timeout=PUBLISH_TIMEOUT_SECONDS,
                health_check_interval=HEALTH_CHECK_SECONDS,
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), PUBLISH_RETRIES),
                retry_on_error=[redis.ConnectionError, redis.TimeoutError],
            )
        return self._client

    def publish(self, channel: str, event: dict) -> None:
        self.client.publish(channel, json.dumps(event, ensure_ascii=False))

    def subscription(self, channel: str) -> RedisSubscription:
        return RedisSubscription(self.url, channel)


class RedisSubscription:
    """A subscription on a connection of its own that never retries by itself: a broken subscription must
    surface in the room, so the events it missed are caught up.

    ``open`` returns once Redis has confirmed the SUBSCRIBE: every PUBLISH after that reaches it, so a viewer's
    history read after the room opened cannot miss a message published in between. ``events`` reads with a
    timeout rather than blocking forever, and treats a connection that keeps answering nothing without waiting
    (seen after a network cut healed: the client's reader spun and grew by the second) as broken.
    """

    def __init__(self, url: str, channel: str) -> None:
        self.url = url
        self.channel = channel
        self.connection = None
        self.pubsub = None

    async def open(self) -> None:
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        self.connection = redis.asyncio.Redis.from_url(
            self.url,
            retry=Retry(NoBackoff(), 0),
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            socket_keepalive=True,
            health_check_interval=HEALTH_CHECK_SECONDS,
        )
        self.pubsub = self.connection.pubsub()
        await self.pubsub.subscribe(self.channel)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CONFIRM_TIMEOUT_SECONDS
        while (left := deadline - loop.time()) > 0:
            message = await self.pubsub.get_message(timeout=left)
            if message is not None and message.get("type") == "subscribe":
                return
        raise ConnectionError("Redis did not confirm the subscription")

    async def events(self) -> AsyncIterator[dict]:
        loop = asyncio.get_running_loop()
        window_started, empty = loop.time(), 0
        while True:
            message = await self.pubsub.get_message(timeout=READ_TIMEOUT_SECONDS)
            if message is not None and message.get("type") == "message":
                yield json.loads(message["data"])
                continue
            # Nothing (a read that timed out, a health check's answer): normal now and then, never in a burst.
            now = loop.time()
            if now - window_started >= 1.0:
                window_started, empty = now, 0
            empty += 1
            if empty > EMPTY_READS_PER_SECOND:
                raise ConnectionError("the Redis subscription answers nothing without waiting")

    async def close(self) -> None:
        pubsub, connection, self.pubsub, self.connection = self.pubsub, self.connection, None, None
        # Closing a connection Redis already dropped may fail in any way; there is nothing left to release.
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.aclose()


class LocalBus:
    """This process only: the embedded mode (no Redis), where one process holds every viewer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[LocalSubscription]] = {}

    def publish(self, channel: str, event: dict) -> None:
        with self._lock:
            subscribers = tuple(self._subscribers.get(channel, ()))
        for subscriber in subscribers:
            subscriber.put(event)

    def subscription(self, channel: str) -> LocalSubscription:
        return LocalSubscription(self, channel)

    def _add(self, subscriber: LocalSubscription) -> None:
        with self._lock:
            self._subscribers.setdefault(subscriber.channel, set()).add(subscriber)

    def _discard(self, subscriber: LocalSubscription) -> None:
        with self._lock:
            subscribers = self._subscribers.get(subscriber.channel)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._subscribers[subscriber.channel]


class LocalSubscription:
    def __init__(self, bus: LocalBus, channel: str) -> None:
        self.bus = bus
        self.channel = channel
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[dict] = asyncio.Queue()

    async def open(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.bus._add(self)

    def put(self, event: dict) -> None:
        # The publisher runs in any thread (a service in a worker thread); the queue is the room loop's.
        with contextlib.suppress(RuntimeError):  # that loop is closed: the room is gone with it
            self.loop.call_soon_threadsafe(self.queue.put_nowait, event)

    async def events(self) -> AsyncIterator[dict]:
        while True:
            yield await self.queue.get()

    async def close(self) -> None:
        self.bus._discard(self)


_buses: dict[str, Bus] = {}
_buses_lock = threading.Lock()


def bus_get(url: str) -> Bus:
    """The process's bus for ``url``: Redis pub/sub for a Redis URL, the in-process bus for ``""``."""
    bus = _buses.get(url)
    if bus is None:
        with _buses_lock:
            bus = _buses.get(url)
            if bus is None:
                bus = _buses[url] = RedisBus(url) if url else LocalBus()
    return bus
