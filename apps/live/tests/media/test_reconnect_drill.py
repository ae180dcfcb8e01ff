"""The reconnect drill: real nginx-rtmp, real ffmpeg publishers that get killed, a viewer in Chromium.

The encoder is killed and comes back after 10 s: the same broadcast stays live, the viewer sees
"잠시 연결이 끊겼어요" and their player plays again by itself, and the replay holds both parts in order (the
second part is darker, so each chapter's frame tells which part it landed in) with the drop cut out.
Killed for longer than the window, the broadcast ends.
"""

import re
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from apps.conftest import SCREENSHOT_DIR, VIEWPORTS
from apps.live import services
from apps.live.models import Broadcast
from apps.live.tests.conftest import playlist, segments, stop, wait_until
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.live.tests.media.test_server import _assert_refused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESTART_AFTER = 10.0
# The second part's picture at a third of the first's brightness: testsrc averages about 125.
DARKER = "lutyuv=y=val/3"
PLAYING = "() => { const p = window.trimarketPlayer; return p && !p.video.paused ? p.video.currentTime : 0; }"


def _broadcast(pk: int) -> Broadcast:
    return Broadcast.objects.get(pk=pk)


def _sequence(text: str) -> int:
    """The playlist's last fragment number (nginx-rtmp keeps counting across a republish)."""
    match = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text)
    return int(match.group(1)) + len(segments(text)) if match else -1


def _luma_at(replay: Path, seconds: float) -> float:
    """The average brightness (Y, 0–255) of the replay's frame at ``seconds``."""
    command = [settings.FFMPEG_BINARY, "-hide_banner", "-loglevel", "error", "-ss", f"{seconds:.2f}"]
    command += ["-i", str(replay), "-frames:v", "1"]
    command += ["-vf", "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-", "-f", "null", "-"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=30).stdout
    return float(re.search(r"YAVG=([\d.]+)", out).group(1))


def _replay_seconds(replay: Path) -> float:
    return sum(
        float(line[8:].rstrip(",")) for line in replay.read_text().splitlines() if line.startswith("#EXTINF:")
    )


def _shoot(page, name: str) -> None:
    """Phone and desktop shots of a page that never goes network-idle (the player polls its playlist)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(400)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["phone"])


def test_killed_encoder_back_after_10_s_resumes_the_same_broadcast_and_the_replay_joins_both_parts(
    page, publisher, live_media, reconnect_grace
):
    """Killed, back 10 s later with the same key: still live, the viewer's player resumes, the replay is
    part 1 then part 2 without the gap, and each chapter opens on its own part."""
    reconnect_grace(60)  # the shipped default
    first_item = BroadcastProductFactory()
    broadcast = first_item.broadcast
    second_item = BroadcastProductFactory(broadcast=broadcast)
    encoder = publisher(broadcast.public_name, broadcast.stream_key)
    started_at = wait_until(lambda: _broadcast(broadcast.pk).started_at, what="the broadcast to go live")
    wait_until(lambda: len(segments(playlist(live_media, broadcast.public_name))) >= 3, what="segments")

    page.goto(broadcast.get_absolute_url())
    page.wait_for_function(PLAYING, timeout=20_000)
    first_pin = services.broadcast_product_pin(item=first_item)
    time.sleep(2)

    # The encoder dies (a crash or a pulled cable: no goodbye to the server).
    encoder.kill()
    encoder.wait(timeout=10)
    killed_at = time.monotonic()
    wait_until(lambda: _broadcast(broadcast.pk).is_reconnecting, what="the grace to start")
    sequence_at_drop = _sequence(playlist(live_media, broadcast.public_name))
    reconnecting = page.get_by_test_id("player-reconnecting")
    reconnecting.wait_for(state="visible", timeout=8_000)
    assert "잠시 연결이 끊겼어요" in reconnecting.inner_text()
    assert page.get_by_test_id("broadcast-status").inner_text() == "라이브"
    _shoot(page, "live-broadcast-reconnecting")
    assert time.monotonic() - killed_at < RESTART_AFTER, "the drill must restart the encoder at 10 s"
    time.sleep(RESTART_AFTER - (time.monotonic() - killed_at))

    encoder = publisher(broadcast.public_name, broadcast.stream_key, extra_video_filter=DARKER)
    resumed = wait_until(
        lambda: (b := _broadcast(broadcast.pk)).is_live and not b.is_reconnecting and b, what="the resume"
    )
    assert resumed.started_at == started_at
    wait_until(
        lambda: _sequence(playlist(live_media, broadcast.public_name)) > sequence_at_drop + 2,
        what="the playlist to advance again",
    )
    # The viewer did nothing: the overlay goes and the video plays on.
    reconnecting.wait_for(state="hidden", timeout=10_000)
    before = page.wait_for_function(PLAYING, timeout=15_000).json_value()
    page.wait_for_timeout(2500)
    assert page.evaluate(PLAYING) > before + 1.0

    second_pin = services.broadcast_product_pin(item=second_item)
    time.sleep(3)
    stop(encoder)
    wait_until(lambda: _broadcast(broadcast.pk).is_reconnecting, what="the second drop")
    services.broadcast_end(broadcast=broadcast)
    wait_until(lambda: _broadcast(broadcast.pk).has_replay, timeout=40, what="the replay")

    broadcast = _broadcast(broadcast.pk)
    parts = list(broadcast.parts.all())
    assert len(parts) == 2
    assert all(part.recording_path for part in parts)
    assert parts[0].recording_path != parts[1].recording_path
    replay = Path(settings.MEDIA_ROOT) / broadcast.replay_path
    on_air = sum((part.stopped_at - part.started_at).total_seconds() for part in parts)
    replay_seconds = _replay_seconds(replay)
    # The replay is the time on air, not the wall time: the 10 s drop is not in it.
    assert abs(replay_seconds - on_air) < 1.5
    assert (broadcast.ended_at - broadcast.started_at).total_seconds() > replay_seconds + RESTART_AFTER - 1.5

    first_pin.refresh_from_db()
    second_pin.refresh_from_db()
    part_one = (parts[0].stopped_at - parts[0].started_at).total_seconds()
    assert first_pin.offset_seconds == pytest.approx(
        (first_pin.pinned_at - parts[0].started_at).total_seconds(), abs=0.7
    )
    assert second_pin.offset_seconds == pytest.approx(
        part_one + (second_pin.pinned_at - parts[1].started_at).total_seconds(), abs=1.0
    )
    # Each chapter opens on its own part: the first part's bright picture, then the second's dark one.
    assert _luma_at(replay, first_pin.offset_seconds + 0.5) > 100
    assert _luma_at(replay, second_pin.offset_seconds + 0.5) < 60


def test_killed_for_longer_than_the_window_the_broadcast_ends(
    client, publisher, live_media, beat, reconnect_grace
):
    """No reconnect within the window (4 s here): the show ends at the drop, its key is refused, and the
    replay is made from what aired."""
    reconnect_grace(4)
    broadcast = BroadcastFactory()
    encoder = publisher(broadcast.public_name, broadcast.stream_key)
    wait_until(lambda: _broadcast(broadcast.pk).is_live, what="the broadcast to go live")
    wait_until(lambda: len(segments(playlist(live_media, broadcast.public_name))) >= 3, what="segments")
    time.sleep(1)

    encoder.kill()
    encoder.wait(timeout=10)
    dropped = wait_until(lambda: _broadcast(broadcast.pk).publisher_dropped_at, what="the grace to start")
    assert client.get(f"/live/{broadcast.pk}/status/").json()["reconnecting"] is True
    time.sleep(2)
    assert _broadcast(broadcast.pk).is_live

    ended = wait_until(lambda: (b := _broadcast(broadcast.pk)).is_ended and b, timeout=10, what="the end")
    assert ended.ended_at == dropped
    assert client.get(f"/live/{broadcast.pk}/status/").json()["status"] == "ended"
    _assert_refused(publisher(broadcast.public_name, broadcast.stream_key))
    wait_until(lambda: _broadcast(broadcast.pk).has_replay, timeout=30, what="the replay")
