"""The Redis bus against the real Redis: a subscription is live once opened, and a broken one surfaces."""

import asyncio
import secrets

import pytest
import redis
from django.conf import settings

from apps.realtime import bus

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis bus needs REDIS_URL")


def test_a_message_published_right_after_open_reaches_the_subscription():
    """open() returns once Redis confirmed the SUBSCRIBE: a publish the next instant is not lost (a viewer's
    history read right after the room opened relies on it)."""
    channel = f"test:bus:{secrets.token_hex(4)}"
    redis_bus = bus.RedisBus(settings.REDIS_URL)

    async def scenario() -> list[dict]:
        received = []
        for n in range(20):
            subscription = redis_bus.subscription(channel)
            await subscription.open()
            redis_bus.publish(channel, {"topic": "chat", "n": n})
            events = subscription.events()
            received.append(await asyncio.wait_for(anext(events), 5))
            await events.aclose()
            await subscription.close()
        return received

    assert [event["n"] for event in asyncio.run(scenario())] == list(range(20))


def test_a_subscription_that_answers_nothing_without_waiting_is_broken():
    """A connection whose reads keep coming back empty at once (a client left spinning after a network cut)
    raises, so the room subscribes again and catches up, instead of holding the event loop."""
    redis_bus = bus.RedisBus(settings.REDIS_URL)

    async def scenario() -> int:
        subscription = redis_bus.subscription(f"test:bus:{secrets.token_hex(4)}")
        await subscription.open()
        reads = 0

        async def empty(**_) -> None:
            nonlocal reads
            reads += 1

        subscription.pubsub.get_message = empty
        try:
            with pytest.raises(ConnectionError):
                await asyncio.wait_for(anext(subscription.events()), 5)
        finally:
            await subscription.close()
        return reads

    assert asyncio.run(scenario()) <= bus.EMPTY_READS_PER_SECOND + 1


def test_an_idle_subscription_keeps_waiting_and_then_delivers(monkeypatch):
    """Reads that time out on a quiet channel are not a break: the event after the quiet spell arrives."""
    monkeypatch.setattr(bus, "READ_TIMEOUT_SECONDS", 0.05)
    channel = f"test:bus:{secrets.token_hex(4)}"
    redis_bus = bus.RedisBus(settings.REDIS_URL)

    async def scenario() -> dict:
        subscription = redis_bus.subscription(channel)
        await subscription.open()
        try:
            events = subscription.events()
            asyncio.get_running_loop().call_later(
                1.5, redis_bus.publish, channel, {"topic": "chat", "text": "after the quiet"}
            )
            event = await asyncio.wait_for(anext(events), 5)
            await events.aclose()
            return event
        finally:
            await subscription.close()

    assert asyncio.run(scenario())["text"] == "after the quiet"


def test_an_unreachable_redis_fails_open_quickly():
    """A Redis that does not answer makes open() raise (the room retries with a backoff), not hang."""
    subscription = bus.RedisBus("redis://127.0.0.1:9/0").subscription("test:bus:nowhere")

    async def scenario() -> None:
        with pytest.raises(redis.exceptions.ConnectionError):
            await asyncio.wait_for(subscription.open(), bus.CONNECT_TIMEOUT_SECONDS + 1)
        await subscription.close()

    asyncio.run(scenario())


def test_a_publish_on_a_pooled_connection_a_cut_left_dead_still_arrives():
    """The publisher's pooled connection died without Redis saying so (a network cut: no FIN, so the pool takes
    it for healthy): the publish fails on it and goes out on a fresh one instead of being lost after its
    transaction committed."""
    channel = f"test:bus:{secrets.token_hex(4)}"
    redis_bus = bus.RedisBus(settings.REDIS_URL)

    async def scenario() -> dict:
        subscription = redis_bus.subscription(channel)
        await subscription.open()
        try:
            redis_bus.publish(channel, {"topic": "chat", "n": 1})
            events = subscription.events()
            assert (await asyncio.wait_for(anext(events), 5))["n"] == 1
            pool = redis_bus.client.connection_pool
            pooled = pool.get_connection()
            sent = pooled.send_packed_command

            def broken_pipe(*args, **kwargs):
                # What the stack's web host logged on its first publish after the cut healed.
                pooled.send_packed_command = sent
                raise redis.ConnectionError("Error 32 while writing to socket. Broken pipe.")

            pooled.send_packed_command = broken_pipe
            pool.release(pooled)
            redis_bus.publish(channel, {"topic": "chat", "n": 2})
            return await asyncio.wait_for(anext(events), 5)
        finally:
            await subscription.close()

    assert asyncio.run(scenario())["n"] == 2
