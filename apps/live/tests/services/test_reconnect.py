"""Reconnect grace: a dropped encoder leaves the broadcast live for a window; the same key resumes it."""

import datetime

import pytest
from constance.test.pytest import override_config
from django.urls import reverse
from django.utils import timezone

from apps.core.models import EventDelivery
from apps.live import services, tasks
from apps.live.models import Broadcast, BroadcastPart
from apps.live.services import broadcasts
from apps.live.services.replay import Stretch, onair_seconds, replay_offset
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory

pytestmark = pytest.mark.django_db


def _start(broadcast, client_id: str) -> Broadcast:
    return services.broadcast_publish_start(
        public_name=broadcast.public_name, key=broadcast.stream_key, client_id=client_id
    )


def _stop(broadcast, client_id: str) -> Broadcast:
    return services.broadcast_publish_stop(public_name=broadcast.public_name, client_id=client_id)


def _dropped_seconds_ago(broadcast, seconds: float) -> None:
    Broadcast.objects.filter(pk=broadcast.pk).update(
        publisher_dropped_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_a_drop_waits_and_the_same_key_resumes_the_same_broadcast(client):
    """The encoder drops: still live, the status says reconnecting; it publishes again: same broadcast, on air."""
    broadcast = BroadcastFactory()
    live = _start(broadcast, "1")
    started = EventDelivery.objects.filter(event=broadcasts.BROADCAST_STARTED).count()

    dropped = _stop(broadcast, "1")
    assert dropped.is_live
    assert dropped.is_reconnecting
    state = client.get(reverse("live:status", args=[broadcast.pk])).json()
    assert (state["status"], state["reconnecting"]) == ("live", True)
    assert state["hls_url"] == broadcast.hls_url

    resumed = _start(broadcast, "2")
    assert resumed.is_live
    assert not resumed.is_reconnecting
    assert resumed.started_at == live.started_at
    assert resumed.publisher_client_id == "2"
    assert client.get(reverse("live:status", args=[broadcast.pk])).json()["reconnecting"] is False
    # One airing: the go-live mail is not sent again.
    assert EventDelivery.objects.filter(event=broadcasts.BROADCAST_STARTED).count() == started
    assert [(p.client_id, p.stopped_at is not None) for p in broadcast.parts.all()] == [
        ("1", True),
        ("2", False),
    ]


@override_config(LIVE_RECONNECT_GRACE_SECONDS=30)
def test_the_grace_check_ends_the_broadcast_only_after_the_window():
    """Before the window runs out the check changes nothing; after it the show ends at the drop."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _stop(broadcast, "1")
    assert services.broadcast_grace_check(broadcast_id=broadcast.pk).is_reconnecting

    _dropped_seconds_ago(broadcast, 31)
    ended = services.broadcast_grace_check(broadcast_id=broadcast.pk)
    assert ended.is_ended
    assert ended.ended_at < timezone.now() - datetime.timedelta(seconds=30)
    assert ended.publisher_dropped_at is None
    with pytest.raises(services.PublishRefused):
        _start(broadcast, "2")


@override_config(LIVE_RECONNECT_GRACE_SECONDS=30)
def test_a_reconnect_after_the_window_is_refused_and_ends_the_show_even_before_the_check():
    """The check may be late; the publish gate itself refuses a reconnect past the window, and the end stays."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _stop(broadcast, "1")
    _dropped_seconds_ago(broadcast, 40)
    with pytest.raises(services.PublishRefused):
        _start(broadcast, "2")
    broadcast.refresh_from_db()
    assert broadcast.is_ended
    assert broadcast.parts.count() == 1


@override_config(LIVE_RECONNECT_GRACE_SECONDS=30)
def test_the_sweep_ends_only_broadcasts_past_their_window():
    """Beat's sweep is the safety net: past the window ends, inside it and uninterrupted ones stay live."""
    over, waiting, airing = BroadcastFactory(), BroadcastFactory(), BroadcastFactory()
    for broadcast in (over, waiting, airing):
        _start(broadcast, "1")
    for broadcast in (over, waiting):
        _stop(broadcast, "1")
    _dropped_seconds_ago(over, 45)
    assert tasks.broadcasts_grace_sweep() == 1
    assert [Broadcast.objects.get(pk=b.pk).status for b in (over, waiting, airing)] == [
        "ended",
        "live",
        "live",
    ]


@override_config(LIVE_RECONNECT_GRACE_SECONDS=0)
def test_no_grace_ends_at_the_drop():
    """Staff may set the window to 0: the show ends when the encoder stops, as before."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    assert _stop(broadcast, "1").is_ended


def test_ending_by_hand_while_reconnecting_ends_at_the_drop():
    """방송 종료 during the wait ends the show at once, dated when the encoder dropped."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _stop(broadcast, "1")
    _dropped_seconds_ago(broadcast, 12)
    dropped_at = Broadcast.objects.get(pk=broadcast.pk).publisher_dropped_at
    ended = services.broadcast_end(broadcast=broadcast)
    assert ended.is_ended
    assert ended.ended_at == dropped_at


def test_a_refused_second_connection_hands_the_stream_back_to_the_first():
    """OBS reconnects while its old connection still holds the name: nginx refuses the new one ("already
    publishing") after Django accepted it; its end must not start a grace for a stream still on air."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _start(broadcast, "2")
    after = _stop(broadcast, "2")
    assert after.is_live
    assert not after.is_reconnecting
    assert after.publisher_client_id == "1"
    # Then the old one really drops: now the broadcast waits for a reconnect.
    assert _stop(broadcast, "1").is_reconnecting


def test_an_old_connections_late_end_after_a_resume_changes_nothing():
    """The resumed connection is the publisher; the old one's end, reported late, is ignored."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _start(broadcast, "2")
    late = _stop(broadcast, "1")
    assert late.is_live
    assert not late.is_reconnecting
    assert late.publisher_client_id == "2"


def test_replay_offset_leaves_the_drops_out():
    """A moment is its time in the joined parts; a moment inside a drop is where the next part begins."""
    t0 = timezone.now()
    stretches = [Stretch(t0, 10.0), Stretch(t0 + datetime.timedelta(seconds=25), 5.0)]
    at = lambda seconds: t0 + datetime.timedelta(seconds=seconds)  # noqa: E731
    assert replay_offset(at=at(4), stretches=stretches) == 4
    assert replay_offset(at=at(15), stretches=stretches) == 10
    assert replay_offset(at=at(27), stretches=stretches) == 12
    assert replay_offset(at=at(60), stretches=stretches) == 15
    assert replay_offset(at=at(-1), stretches=stretches) == 0


def test_a_pin_after_a_reconnect_counts_only_the_time_on_air():
    """Pinned after a 20 s drop, the chapter does not count the 20 s the replay will not have."""
    item = BroadcastProductFactory()
    broadcast = item.broadcast
    _start(broadcast, "1")
    t0 = timezone.now() - datetime.timedelta(seconds=40)
    Broadcast.objects.filter(pk=broadcast.pk).update(started_at=t0)
    BroadcastPart.objects.filter(broadcast=broadcast).update(
        started_at=t0, stopped_at=t0 + datetime.timedelta(seconds=10)
    )
    BroadcastPart.objects.create(
        broadcast=broadcast, client_id="2", started_at=t0 + datetime.timedelta(seconds=30)
    )
    broadcast.refresh_from_db()
    assert onair_seconds(broadcast=broadcast, at=t0 + datetime.timedelta(seconds=20)) == 10
    pin = services.broadcast_product_pin(item=item)
    assert pin.offset_seconds == pytest.approx(20, abs=1)


def test_the_replay_waits_for_every_parts_recording(django_capture_on_commit_callbacks, tmp_path):
    """Two parts: the replay is asked for once the broadcast ended and both recordings are closed."""
    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _stop(broadcast, "1")
    _start(broadcast, "2")
    services.broadcast_recording_done(
        public_name=broadcast.public_name, path=str(tmp_path / "a.flv"), client_id="1"
    )
    services.broadcast_end(broadcast=broadcast)
    assert Broadcast.objects.get(pk=broadcast.pk).replay_status == Broadcast.ReplayStatus.NONE
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_recording_done(
            public_name=broadcast.public_name, path=str(tmp_path / "b.flv"), client_id="2"
        )
    assert list(broadcast.parts.values_list("recording_path", flat=True)) == [
        str(tmp_path / "a.flv"),
        str(tmp_path / "b.flv"),
    ]
    # Both files are missing here: the replay is asked for and fails cleanly.
    assert Broadcast.objects.get(pk=broadcast.pk).replay_status == Broadcast.ReplayStatus.FAILED


def test_a_refused_second_connections_scrap_of_recording_stays_out_of_the_replay(tmp_path):
    """The replay joins the first connection's file and the resume's, not the file of a connection nginx
    refused while the first still published."""
    from apps.live.services.replay import _recordings

    broadcast = BroadcastFactory()
    _start(broadcast, "1")
    _start(broadcast, "2")
    _stop(broadcast, "2")  # refused by nginx ("already publishing"): the stream is the first one's again
    _stop(broadcast, "1")
    _start(broadcast, "3")
    for client_id in ("1", "2", "3"):
        services.broadcast_recording_done(
            public_name=broadcast.public_name, path=str(tmp_path / f"{client_id}.flv"), client_id=client_id
        )
    assert [path.name for _at, path in _recordings(broadcast)] == ["1.flv", "3.flv"]
