"""The replay: the recording the media server closed becomes a VOD HLS once the broadcast has ended.

The end and the closed recording arrive in any order; whichever comes second asks for the replay
(``live.replay_requested``, handled in ``apps.live.events``), so it is made once, outside the request.
"""

import logging
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.core.events import publish
from apps.live.models import Broadcast
from apps.live.services.cards import cards_changed

logger = logging.getLogger(__name__)

REPLAY_DIR = "replays"
# The replay's segments: long enough for few files, short enough to seek to a chapter quickly.
REPLAY_SEGMENT_SECONDS = 4
FFMPEG_REPLAY_TIMEOUT = 30 * 60
REPLAY_REQUESTED = "live.replay_requested"


def replay_schedule_if_ready(broadcast: Broadcast) -> None:
    """Ask for the replay when both the end and the closed recording are known (call with the row locked)."""
    if (
        broadcast.status == Broadcast.Status.ENDED
        and broadcast.recording_path
        and broadcast.replay_status == Broadcast.ReplayStatus.NONE
    ):
        broadcast.replay_status = Broadcast.ReplayStatus.PROCESSING
        broadcast.save(update_fields=["replay_status"])
        publish(REPLAY_REQUESTED, {"broadcast_id": broadcast.pk})


@transaction.atomic
def broadcast_recording_done(*, public_name: str, path: str) -> Broadcast | None:
    """The media server's ``on_record_done``: the recording file is closed and may become the replay."""
    broadcast = Broadcast.objects.select_for_update().filter(public_name=public_name).first()
    if broadcast is None or not path.endswith(".flv"):
        return None
    if broadcast.started_at is None:
        return broadcast
    # A reconnect makes a second file; the first one, from the start of the broadcast, keeps the pins' times.
    if not broadcast.recording_path:
        broadcast.recording_path = path
        broadcast.save(update_fields=["recording_path"])
    replay_schedule_if_ready(broadcast)
    return broadcast


def _replay_status_set(*, broadcast_id: int, status: str, path: str = "") -> None:
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
        broadcast.replay_status = status
        broadcast.replay_path = path
        broadcast.save(update_fields=["replay_status", "replay_path"])
        cards_changed(broadcast.pk)


def broadcast_replay_make(*, broadcast_id: int) -> Broadcast:
    """Turn the recording (FLV) into a VOD HLS under MEDIA_ROOT/replays/<id>/ and mark the replay ready.

    Runs ffmpeg outside any transaction (it copies the streams, no re-encoding: seconds for an hour).
    Idempotent: a second run rewrites the same files.
    """
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    source = Path(broadcast.recording_path)
    relative_dir = f"{REPLAY_DIR}/{broadcast.pk}"
    target = Path(settings.MEDIA_ROOT) / relative_dir
    if not source.is_file():
        logger.error("replay of broadcast %s: recording %s is missing", broadcast.pk, source)
        _replay_status_set(broadcast_id=broadcast.pk, status=Broadcast.ReplayStatus.FAILED)
        return Broadcast.objects.get(pk=broadcast_id)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    command = [
        settings.FFMPEG_BINARY,
        *("-hide_banner", "-loglevel", "error", "-y", "-i", str(source)),
        *("-c", "copy", "-f", "hls", "-hls_time", str(REPLAY_SEGMENT_SECONDS)),
        *("-hls_playlist_type", "vod", "-hls_segment_filename", str(target / "seg%04d.ts")),
        str(target / "index.m3u8"),
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=FFMPEG_REPLAY_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.error("replay of broadcast %s: ffmpeg did not finish: %s", broadcast.pk, exc)
        _replay_status_set(broadcast_id=broadcast.pk, status=Broadcast.ReplayStatus.FAILED)
        return Broadcast.objects.get(pk=broadcast_id)
    if result.returncode != 0 or not (target / "index.m3u8").is_file():
        logger.error("replay of broadcast %s: ffmpeg failed: %s", broadcast.pk, result.stderr[-2000:])
        _replay_status_set(broadcast_id=broadcast.pk, status=Broadcast.ReplayStatus.FAILED)
    else:
        _replay_status_set(
            broadcast_id=broadcast.pk,
            status=Broadcast.ReplayStatus.READY,
            path=f"{relative_dir}/index.m3u8",
        )
    return Broadcast.objects.get(pk=broadcast_id)
