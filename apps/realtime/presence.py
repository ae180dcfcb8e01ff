"""Who is in a room, across processes, and the room's shared tallies (counts any viewer adds to, e.g. hearts).

With Redis, presence is a sorted set shared by every process, scored by when each member was last seen
(members not refreshed for ``PRESENCE_TTL_SECONDS`` fall out); a tally is a counter beside it. One pipeline a
tick refreshes this process's members, adds what it counted and reads the totals back. Without Redis (the
embedded mode) both are this process's own.
"""

from __future__ import annotations

import dataclasses
import time

PRESENCE_TTL_SECONDS = 10
PRESENCE_KEEP_SECONDS = 3600
TALLY_KEEP_SECONDS = 7 * 24 * 3600


@dataclasses.dataclass(frozen=True)
class Presence:
    """One tick's numbers: ``viewers`` in the whole room (every process), each tally's ``totals`` after this
    process added its ``added``."""

    viewers: int
    totals: dict[str, int]
    added: dict[str, int]


class LocalPresence:
    """This process only (no Redis): the viewers are its own, the tallies its own sums."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}

    async def refresh(self, room_id: int, members: set[str], added: dict[str, int], tallies) -> Presence:
        for name in tallies:
            self.totals[name] = self.totals.get(name, 0) + added.get(name, 0)
        return Presence(len(members), {name: self.totals[name] for name in tallies}, added)

    async def leave(self, room_id: int, member: str) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisPresence:
    """Shared by every process: ``<prefix>:presence:<room>`` (sorted set) and ``<prefix>:<tally>:<room>``."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis.asyncio

        self.redis = redis.asyncio.Redis.from_url(url)
        self.prefix = prefix

    async def refresh(self, room_id: int, members: set[str], added: dict[str, int], tallies) -> Presence:
        now = time.time()
        presence = f"{self.prefix}:presence:{room_id}"
        async with self.redis.pipeline(transaction=False) as pipe:
            if members:
                pipe.zadd(presence, dict.fromkeys(members, now))
            pipe.zremrangebyscore(presence, "-inf", now - PRESENCE_TTL_SECONDS)
            pipe.zcard(presence)
            pipe.expire(presence, PRESENCE_KEEP_SECONDS)
            for name in tallies:
                key = f"{self.prefix}:{name}:{room_id}"
                if added.get(name):
                    pipe.incrby(key, added[name])
                pipe.get(key)
                pipe.expire(key, TALLY_KEEP_SECONDS)
            results = await pipe.execute()
        count = results[2 if members else 1]
        totals, index = {}, 4 if members else 3
        for name in tallies:
            index += 1 if added.get(name) else 0
            totals[name] = int(results[index] or 0)
            index += 2
        return Presence(int(count), totals, added)

    async def leave(self, room_id: int, member: str) -> None:
        await self.redis.zrem(f"{self.prefix}:presence:{room_id}", member)

    async def close(self) -> None:
        await self.redis.aclose()


def presence_for(url: str, prefix: str) -> LocalPresence | RedisPresence:
    """A room's presence store: shared through Redis at ``url``, or this process's own for ``""``."""
    return RedisPresence(url, prefix) if url else LocalPresence()
