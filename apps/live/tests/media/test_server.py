"""The publish flow end to end: real nginx-rtmp, real ffmpeg publishers, Django answering the callbacks."""

import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core import mail

from apps.live import services
from apps.live.models import Broadcast, BroadcastAlarm
from apps.live.tests.conftest import playlist, segments, stop, wait_until
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED_WITHIN = 15.0


def _refreshed(broadcast: Broadcast) -> Broadcast:
    broadcast.refresh_from_db()
    return broadcast


def _go_live(broadcast: Broadcast, publisher, live_media):
    process = publisher(broadcast.public_name, broadcast.stream_key)
    wait_until(lambda: _refreshed(broadcast).is_live, what="the broadcast to go live")
    wait_until(lambda: segments(playlist(live_media, broadcast.public_name)), what="HLS segments")
    return process


def _assert_refused(process) -> None:
    try:
        code = process.wait(timeout=REFUSED_WITHIN)
    except subprocess.TimeoutExpired:
        pytest.fail("ffmpeg kept publishing: the media server did not refuse it")
    assert code != 0
    assert "Input/output error" in process.stderr.read()


def test_valid_key_goes_live_and_serves_a_playlist(publisher, live_media):
    """Publishing with the broadcast's key makes it live, with a start time and an HLS playlist of segments."""
    broadcast = BroadcastFactory()
    _go_live(broadcast, publisher, live_media)

    broadcast.refresh_from_db()
    assert broadcast.started_at is not None
    text = playlist(live_media, broadcast.public_name)
    assert text.startswith("#EXTM3U")
    assert broadcast.stream_key not in text
    first = segments(text)[0]
    response = requests.get(f"{live_media.hls_base_url}/{broadcast.public_name}/{first}", timeout=2)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    listing = requests.get(broadcast.hls_url, timeout=2)
    assert "no-cache" in listing.headers["Cache-Control"]
    assert listing.headers["Access-Control-Allow-Origin"] == "*"


def test_short_fragments_match_the_keyframe_interval(publisher, live_media):
    """Fragments last about the encoder's 0.5 s keyframe interval (not nginx-rtmp's slow 5 s default)."""
    broadcast = BroadcastFactory()
    _go_live(broadcast, publisher, live_media)
    time.sleep(3)
    durations = [
        float(line.split(":")[1].rstrip(","))
        for line in playlist(live_media, broadcast.public_name).splitlines()
        if line.startswith("#EXTINF")
    ]
    assert len(durations) >= 4
    assert max(durations) <= 1.1


def test_wrong_key_is_refused(publisher, live_media):
    """A publisher with a wrong key, or none, is dropped and the broadcast stays scheduled."""
    broadcast = BroadcastFactory()
    _assert_refused(publisher(broadcast.public_name, "not-the-key"))
    _assert_refused(publisher(broadcast.public_name, ""))
    _assert_refused(publisher("unknown-stream", broadcast.stream_key))
    assert _refreshed(broadcast).status == Broadcast.Status.SCHEDULED
    assert not playlist(live_media, broadcast.public_name)


def test_a_name_added_to_the_publish_url_is_refused(publisher, live_media):
    """``rtmp://…/live/<another stream>?key=<own key>&name=<own name>``: nginx names the stream by the path,
    the appended ``name`` would have matched the key; the publisher is dropped and nothing goes on air."""
    own, aimed_at = BroadcastFactory(), BroadcastFactory()
    _assert_refused(publisher(aimed_at.public_name, f"{own.stream_key}&name={own.public_name}"))
    assert _refreshed(own).status == Broadcast.Status.SCHEDULED
    assert _refreshed(aimed_at).status == Broadcast.Status.SCHEDULED
    assert not playlist(live_media, aimed_at.public_name)


def test_replaced_key_is_refused(publisher, live_media):
    """After the seller regenerates the key, the old key no longer goes live; the new one does."""
    broadcast = BroadcastFactory()
    old_key = broadcast.stream_key
    broadcast = services.broadcast_stream_key_regenerate(broadcast=broadcast)

    _assert_refused(publisher(broadcast.public_name, old_key))
    assert _refreshed(broadcast).status == Broadcast.Status.SCHEDULED
    _go_live(broadcast, publisher, live_media)


def test_stopping_the_stream_ends_the_broadcast_and_its_key_is_not_reused(
    publisher, live_media, reconnect_grace
):
    """When the encoder stops the broadcast ends; publishing again with the same key is refused."""
    reconnect_grace(0)  # without a grace (admin may set 0) the encoder's stop is the end
    broadcast = BroadcastFactory()
    process = _go_live(broadcast, publisher, live_media)

    stop(process)
    wait_until(lambda: _refreshed(broadcast).is_ended, what="the broadcast to end")
    assert broadcast.ended_at > broadcast.started_at

    _assert_refused(publisher(broadcast.public_name, broadcast.stream_key))
    assert _refreshed(broadcast).is_ended


def test_key_of_a_broadcast_ended_by_hand_is_refused(publisher, live_media):
    """A broadcast the seller called off never goes live, even with its right key."""
    broadcast = services.broadcast_end(broadcast=BroadcastFactory())
    _assert_refused(publisher(broadcast.public_name, broadcast.stream_key))


def test_replay_is_made_and_its_chapters_point_at_the_pin_times(publisher, live_media, reconnect_grace):
    """The recording becomes a VOD HLS under MEDIA_ROOT; each pin's offset is its time into the replay."""
    reconnect_grace(0)  # without a grace (admin may set 0) the encoder's stop is the end
    item = BroadcastProductFactory()
    other = BroadcastProductFactory(broadcast=item.broadcast)
    broadcast = item.broadcast
    process = _go_live(broadcast, publisher, live_media)

    time.sleep(2)
    first_pin = services.broadcast_product_pin(item=item)
    time.sleep(3)
    second_pin = services.broadcast_product_pin(item=other)
    time.sleep(2)
    stop(process)

    wait_until(lambda: _refreshed(broadcast).has_replay, timeout=30, what="the replay")
    replay = Path(settings.MEDIA_ROOT) / broadcast.replay_path
    text = replay.read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in text
    assert "#EXT-X-ENDLIST" in text
    replay_seconds = sum(
        float(line[8:].rstrip(",")) for line in text.splitlines() if line.startswith("#EXTINF:")
    )
    aired_seconds = (broadcast.ended_at - broadcast.started_at).total_seconds()
    # The replay is the whole airing (give or take the last fragment), so an offset is a playback time.
    assert abs(replay_seconds - aired_seconds) < 1.5
    assert first_pin.offset_seconds == pytest.approx(
        (first_pin.pinned_at - broadcast.started_at).total_seconds(), abs=0.01
    )
    assert 1.5 <= first_pin.offset_seconds <= 3.5
    assert second_pin.offset_seconds - first_pin.offset_seconds == pytest.approx(3, abs=0.6)
    assert second_pin.offset_seconds < replay_seconds
    assert list(broadcast.pins.values_list("product_id", flat=True)) == [item.product_id, other.product_id]


def test_go_live_mail_goes_to_each_subscriber_once(publisher, live_media, reconnect_grace):
    """Subscribers get one mail when the broadcast goes live, and none again when it goes live again."""
    reconnect_grace(0)  # without a grace (admin may set 0) the encoder's stop is the end
    broadcast = BroadcastFactory()
    fans = [UserFactory(), UserFactory()]
    for fan in fans:
        services.broadcast_alarm_set(broadcast=broadcast, user=fan, on=True)
    mail.outbox.clear()

    process = _go_live(broadcast, publisher, live_media)
    wait_until(lambda: len(mail.outbox) >= 2, what="the go-live mails")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(fan.email for fan in fans)
    assert all(broadcast.title in message.subject for message in mail.outbox)
    assert BroadcastAlarm.objects.filter(broadcast=broadcast, notified_at__isnull=True).count() == 0

    # The encoder drops and reconnects while the broadcast is still live: no second mail.
    stop(process)
    wait_until(lambda: _refreshed(broadcast).is_ended, what="the end")
    services.broadcast_alarms_notify(broadcast_id=broadcast.pk)
    assert len(mail.outbox) == 2


def test_callbacks_need_the_media_servers_secret(client):
    """Nobody but the media server (which knows the secret in its callback URLs) may call them."""
    broadcast = BroadcastFactory()
    data = {"call": "publish", "app": "live", "name": broadcast.public_name, "key": broadcast.stream_key}
    response = client.post("/live/media-server/guess/publish/", data)
    assert response.status_code == 403
    assert _refreshed(broadcast).status == Broadcast.Status.SCHEDULED
