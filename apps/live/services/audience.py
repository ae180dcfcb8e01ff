"""Audience: viewer samples and likes, the per-broadcast report's figures (the room's tickers call these)."""

from datetime import UTC, datetime

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from apps.live.keys import VIEWER_SAMPLE_SECONDS
from apps.live.models import Broadcast, BroadcastViewerSample


def viewer_sample_slot(*, at: datetime) -> int:
    """The sampling slot of a moment: slots are ``VIEWER_SAMPLE_SECONDS`` long, aligned on the clock."""
    return int(at.timestamp() // VIEWER_SAMPLE_SECONDS)


def broadcast_viewers_sample(
    *, broadcast_id: int, viewers: int, at: datetime | None = None
) -> BroadcastViewerSample | None:
    """Keep ``viewers`` as the broadcast's sample for the slot of ``at`` (now), once for all processes.

    Every process with viewers of the room calls this from its ticker; the first to take the slot's lock
    (a Redis ``SET NX`` through the cache, held two slots long) writes the row, the others return None. The
    row's uniqueness on (broadcast, slot start) holds even if the lock was lost. Only a live broadcast is
    sampled.
    """
    at = at or timezone.now()
    slot = viewer_sample_slot(at=at)
    if not cache.add(f"live:viewer-sample:{broadcast_id}:{slot}", 1, timeout=2 * VIEWER_SAMPLE_SECONDS):
        return None
    if not Broadcast.objects.filter(pk=broadcast_id, status=Broadcast.Status.LIVE).exists():
        return None
    sample, created = BroadcastViewerSample.objects.get_or_create(
        broadcast_id=broadcast_id,
        at=datetime.fromtimestamp(slot * VIEWER_SAMPLE_SECONDS, tz=UTC),
        defaults={"viewers": max(viewers, 0)},
    )
    return sample if created else None


def broadcast_likes_add(*, broadcast_id: int, count: int) -> None:
    """Add the hearts one process counted since its last tick to the broadcast's total (never counted twice:
    each process adds only its own)."""
    if count > 0:
        Broadcast.objects.filter(pk=broadcast_id).update(likes=F("likes") + count)
