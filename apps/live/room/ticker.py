"""What a broadcast's room computes every tick, in each process holding viewers of it.

The realtime room hands over the shared numbers (viewers in the whole room, hearts after this process's were
added); from them this ticker adds the hearts counted here to ``Broadcast.likes``, offers the viewer count as
the report's sample (kept once per ``services.VIEWER_SAMPLE_SECONDS`` across processes), puts the count where
pages read it (``selectors.viewer_count_key``), and compares the broadcast's status and pinned product's stock
with what it last sent. It pushes what changed to this process's viewers only: every process reads the same
shared numbers, so nothing about them crosses processes.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.core.cache import cache
from django.utils import timezone

from apps.live import selectors, services
from apps.live.room import selectors as room_selectors
from apps.realtime.presence import Presence
from apps.realtime.rooms import Room

LIKES = "likes"
VIEWER_COUNT_SECONDS = 60


class LiveTicker:
    def __init__(self, room: Room) -> None:
        self.room = room
        self.broadcast_id = room.room_id
        self.sent_viewers: tuple[int, int] | None = None
        self.sampled_slot: int | None = None
        self.snapshot: dict | None = None

    async def tick(self, presence: Presence) -> None:
        """Viewers and hearts, status and the pinned product's stock: push to local viewers what changed."""
        likes = presence.added.get(LIKES, 0)
        count, total_likes = presence.viewers, presence.totals[LIKES]
        if likes:
            await database_sync_to_async(services.broadcast_likes_add)(
                broadcast_id=self.broadcast_id, count=likes
            )
        await self._sample(count)
        numbers = (count, total_likes)
        if numbers != self.sent_viewers:
            hearts = total_likes - self.sent_viewers[1] if self.sent_viewers else 0
            self.room.dispatch_local(
                topic="events",
                payload={"type": "viewers", "count": count, "likes": total_likes, "hearts": max(hearts, 0)},
            )
            if not self.sent_viewers or count != self.sent_viewers[0]:
                await database_sync_to_async(cache.set)(
                    selectors.viewer_count_key(self.broadcast_id), count, VIEWER_COUNT_SECONDS
                )
            self.sent_viewers = numbers
        snapshot = await database_sync_to_async(room_selectors.room_snapshot)(broadcast_id=self.broadcast_id)
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
        dispatch = self.room.dispatch_local
        if snapshot["status"] != before["status"]:
            dispatch(topic="events", payload={"type": "status", "status": snapshot["status"]})
        pin, old = snapshot["pin"], before["pin"]
        if pin is None and old is not None:
            dispatch(topic="events", payload={"type": "unpin", "item_id": old["item_id"]})
        elif pin is not None and (old is None or pin["item_id"] != old["item_id"]):
            dispatch(topic="events", payload={"type": "pin", **pin})
        elif pin is not None and (pin["stock"], pin["sold_out"]) != (old["stock"], old["sold_out"]):
            dispatch(
                topic="events",
                payload={
                    "type": "stock",
                    "item_id": pin["item_id"],
                    "product_id": pin["product_id"],
                    "stock": pin["stock"],
                    "sold_out": pin["sold_out"],
                },
            )
