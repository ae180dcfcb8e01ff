"""A broadcast's audience for its report: viewer samples (once per slot across processes), likes, messages."""

import datetime

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.utils import timezone

from apps.catalog.tests.factories import UserFactory
from apps.live import selectors, services
from apps.live.models import Broadcast, BroadcastViewerSample, ChatMessage
from apps.live.room.hub import LIVE_ROOM
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory
from apps.realtime.rooms import Room

SLOT = datetime.timedelta(seconds=services.VIEWER_SAMPLE_SECONDS)


@pytest.fixture(autouse=True)
def _sample_locks_free():
    """The slot locks live in Redis, outside transactions; a broadcast id may come back in a later test."""
    cache.delete_pattern("live:viewer-sample:*")


def _slot_start(at: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(
        services.viewer_sample_slot(at=at) * services.VIEWER_SAMPLE_SECONDS, tz=datetime.UTC
    )


@pytest.mark.django_db
def test_a_slot_is_sampled_once_however_many_processes_offer_it():
    """Two room tickers offer a count in the same slot: the first is kept; the next slot gets its own row."""
    broadcast = make_live(BroadcastFactory())
    at = _slot_start(timezone.now()) + datetime.timedelta(seconds=3)

    first = services.broadcast_viewers_sample(broadcast_id=broadcast.pk, viewers=12, at=at)
    second = services.broadcast_viewers_sample(broadcast_id=broadcast.pk, viewers=13, at=at + SLOT / 2)
    cache.delete(f"live:viewer-sample:{broadcast.pk}:{services.viewer_sample_slot(at=at)}")
    lock_lost = services.broadcast_viewers_sample(broadcast_id=broadcast.pk, viewers=14, at=at)
    next_slot = services.broadcast_viewers_sample(broadcast_id=broadcast.pk, viewers=20, at=at + SLOT)

    assert first is not None
    assert (second, lock_lost) == (None, None)
    assert next_slot is not None
    assert list(BroadcastViewerSample.objects.values_list("at", "viewers")) == [
        (_slot_start(at), 12),
        (_slot_start(at) + SLOT, 20),
    ]


@pytest.mark.django_db
def test_a_broadcast_not_on_air_is_not_sampled():
    """Before it starts and after it ends, a broadcast gets no viewer samples."""
    broadcast = BroadcastFactory()

    assert services.broadcast_viewers_sample(broadcast_id=broadcast.pk, viewers=5) is None
    assert not BroadcastViewerSample.objects.exists()


@pytest.mark.django_db
def test_audience_stats_on_a_scripted_broadcast():
    """Ten minutes on air, three samples (10, 40, 25): peak 40, average over the 20 slots 3.75 → 4;
    two messages kept (one deleted is not counted); likes added by two tickers, 5 + 7."""
    started = _slot_start(timezone.now()) - 20 * SLOT
    broadcast = make_live(BroadcastFactory())
    Broadcast.objects.filter(pk=broadcast.pk).update(started_at=started)
    for offset, viewers in ((1, 10), (2, 40), (5, 25)):
        services.broadcast_viewers_sample(
            broadcast_id=broadcast.pk, viewers=viewers, at=started + offset * SLOT
        )
    Broadcast.objects.filter(pk=broadcast.pk).update(
        status=Broadcast.Status.ENDED, ended_at=started + 20 * SLOT
    )
    viewer = UserFactory()
    for text in ("안녕하세요", "니트 색상 더 있나요?", "광고"):
        ChatMessage.objects.create(broadcast=broadcast, user=viewer, display_name="시청자", text=text)
    ChatMessage.objects.filter(text="광고").update(deleted_at=timezone.now())
    services.broadcast_likes_add(broadcast_id=broadcast.pk, count=5)
    services.broadcast_likes_add(broadcast_id=broadcast.pk, count=7)

    stats = selectors.broadcast_audience_stats(broadcast_id=broadcast.pk)

    assert stats == {"peak_viewers": 40, "average_viewers": 4, "messages": 2, "likes": 12}


@pytest.mark.django_db
def test_audience_stats_of_a_broadcast_without_samples_are_zeros():
    """A broadcast nobody watched (or an unknown id) reports zeros, not guesses."""
    broadcast = make_live(BroadcastFactory())

    assert selectors.broadcast_audience_stats(broadcast_id=broadcast.pk) == {
        "peak_viewers": 0,
        "average_viewers": 0,
        "messages": 0,
        "likes": 0,
    }
    assert selectors.broadcast_audience_stats(broadcast_id=0)["peak_viewers"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_room_ticker_samples_viewers_and_keeps_likes():
    """A room's tick offers the viewer count for the slot and adds the hearts counted here to the total."""
    broadcast = make_live(BroadcastFactory())
    room = Room(LIVE_ROOM, broadcast.pk)
    room.count("likes", 3)

    async def tick_twice() -> None:
        try:
            await room.tick()
            room.count("likes", 2)
            await room.tick()
        finally:
            await room.presence.close()

    async_to_sync(tick_twice)()

    broadcast.refresh_from_db()
    assert broadcast.likes == 5
    assert BroadcastViewerSample.objects.filter(broadcast=broadcast).count() == 1
