"""The replay: the recordings the media server closed become one VOD HLS once the broadcast has ended.

Each publish of the encoder (the first, then one per reconnect) is a ``BroadcastPart`` recorded into its own
file (nginx-rtmp ``record_unique``). The end and the closed recordings arrive in any order; whichever comes
last asks for the replay (``live.replay_requested``, handled in ``apps.live.events``), so it is made once,
outside the request. The replay joins the parts in order (ffmpeg's concat demuxer, no re-encoding), so a drop
leaves no gap in it, and each pin's chapter is moved to its place in the joined replay.
"""

import dataclasses
import logging
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.events import publish
from apps.live.models import Broadcast, BroadcastPart, BroadcastPin
from apps.live.services.cards import cards_changed

logger = logging.getLogger(__name__)

REPLAY_DIR = "replays"
# The replay's segments: long enough for few files, short enough to seek to a chapter quickly.
REPLAY_SEGMENT_SECONDS = 4
FFMPEG_REPLAY_TIMEOUT = 30 * 60
FFPROBE_TIMEOUT = 60
REPLAY_REQUESTED = "live.replay_requested"
# A recording the media server never reported (it crashed, or its callback was lost) stops holding the
# replay back this long after the end; the replay is made from the recordings that were reported.
RECORDING_WAIT = timedelta(minutes=2)
OVERDUE_LOOKBACK = timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class Stretch:
    """A part of the replay: when it started on the wall clock, and how many seconds of it there are."""

    started_at: datetime
    seconds: float


def replay_offset(*, at: datetime, stretches: list[Stretch]) -> float:
    """Seconds into the joined replay of the wall-clock moment ``at``: the time spent in earlier stretches
    plus the time into its own. A moment in a drop (between stretches) is the start of the next stretch."""
    offset = 0.0
    for stretch in stretches:
        if at < stretch.started_at:
            break
        into = (at - stretch.started_at).total_seconds()
        if into < stretch.seconds:
            return offset + into
        offset += stretch.seconds
    return offset


def onair_seconds(*, broadcast: Broadcast, at: datetime) -> float:
    """Time on air from the start to ``at`` without the drops, from the parts' clock times (the pin's
    offset while live; the replay sets it again from the recordings' own lengths)."""
    parts = list(broadcast.parts.filter(started_at__lte=at))
    if not parts:
        return max(0.0, (at - broadcast.started_at).total_seconds()) if broadcast.started_at else 0.0
    stretches = [
        Stretch(part.started_at, max(0.0, ((part.stopped_at or at) - part.started_at).total_seconds()))
        for part in parts
    ]
    return replay_offset(at=at, stretches=stretches)


def replay_schedule_if_ready(broadcast: Broadcast, *, overdue: bool = False) -> None:
    """Ask for the replay when the broadcast has ended and every part's recording is closed (call with the
    row locked). ``overdue``: the recordings still unreported are given up on."""
    if broadcast.status != Broadcast.Status.ENDED or broadcast.replay_status != Broadcast.ReplayStatus.NONE:
        return
    paths = list(broadcast.parts.values_list("recording_path", flat=True))
    if paths:
        if not any(paths) or (not all(paths) and not overdue):
            return
    elif not broadcast.recording_path:
        return
    broadcast.replay_status = Broadcast.ReplayStatus.PROCESSING
    broadcast.save(update_fields=["replay_status"])
    publish(REPLAY_REQUESTED, {"broadcast_id": broadcast.pk})


def replays_schedule_overdue() -> int:
    """Make the replays still waiting for a recording the media server should have reported long ago."""
    now = timezone.now()
    waiting = Broadcast.objects.filter(
        status=Broadcast.Status.ENDED,
        replay_status=Broadcast.ReplayStatus.NONE,
        ended_at__range=(now - OVERDUE_LOOKBACK, now - RECORDING_WAIT),
        parts__recording_path__gt="",
    ).distinct()
    scheduled = 0
    for broadcast_id in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
            replay_schedule_if_ready(broadcast, overdue=True)
            scheduled += broadcast.replay_status == Broadcast.ReplayStatus.PROCESSING
    return scheduled


@transaction.atomic
def broadcast_recording_done(*, public_name: str, path: str, client_id: str = "") -> Broadcast | None:
    """The media server's ``on_record_done``: the recording of one publish (the connection ``client_id``)
    is closed and may become (part of) the replay."""
    broadcast = Broadcast.objects.select_for_update().filter(public_name=public_name).first()
    if broadcast is None or not path.endswith(".flv"):
        return None
    if broadcast.started_at is None:
        return broadcast
    part = (
        broadcast.parts.filter(client_id=client_id, recording_path="").order_by("-started_at", "-id").first()
    )
    if part is not None:
        part.recording_path = path
        part.save(update_fields=["recording_path"])
    # The first recording, for staff's admin; the replay is made from every part's.
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


def recording_seconds(path: Path) -> float:
    """The length of a recording (0 when unreadable). nginx-rtmp's FLVs carry no duration; ffprobe reads the
    last tag's timestamp instead."""
    command = [settings.FFPROBE_BINARY, "-v", "error", "-show_entries", "format=duration"]
    command += ["-of", "default=noprint_wrappers=1:nokey=1", str(path)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=FFPROBE_TIMEOUT)
        return max(0.0, float(result.stdout.strip()))
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return 0.0


def _overlapped(part: BroadcastPart, earlier: list[BroadcastPart]) -> bool:
    """A part that began and ended while an earlier one was still publishing: a second connection nginx
    refused ("already publishing") while the first held the stream. Its scrap of a file is not the show."""
    if part.stopped_at is None:
        return False
    return any(
        other.stopped_at is not None
        and other.started_at <= part.started_at
        and part.stopped_at <= other.stopped_at
        for other in earlier
    )


def _recordings(broadcast: Broadcast) -> list[tuple[datetime, Path]]:
    parts = list(BroadcastPart.objects.filter(broadcast=broadcast).exclude(recording_path=""))
    if parts:
        return [
            (part.started_at, Path(part.recording_path))
            for index, part in enumerate(parts)
            if not _overlapped(part, parts[:index])
        ]
    if broadcast.recording_path and broadcast.started_at:
        return [(broadcast.started_at, Path(broadcast.recording_path))]
    return []


def _concat_list(paths: list[Path]) -> str:
    # The concat demuxer's quoting: inside single quotes, a quote is written '\''.
    return "".join("file '" + str(path).replace("'", "'\\''") + "'\n" for path in paths)


def _pins_place(*, broadcast_id: int, stretches: list[Stretch]) -> None:
    """Set each pin's chapter to its time in the joined replay."""
    with transaction.atomic():
        for pin in BroadcastPin.objects.select_for_update().filter(broadcast_id=broadcast_id):
            pin.offset_seconds = round(replay_offset(at=pin.pinned_at, stretches=stretches), 2)
            pin.save(update_fields=["offset_seconds"])


def broadcast_replay_make(*, broadcast_id: int) -> Broadcast:
    """Join the parts' recordings (FLV) into a VOD HLS under MEDIA_ROOT/replays/<id>/, place the chapters
    and mark the replay ready.

    Runs ffmpeg outside any transaction (it copies the streams, no re-encoding: seconds for an hour). A
    recording that is missing or empty is left out (logged); with none left the replay fails. Idempotent: a
    second run rewrites the same files.
    """
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    relative_dir = f"{REPLAY_DIR}/{broadcast.pk}"
    target = Path(settings.MEDIA_ROOT) / relative_dir
    stretches, sources = [], []
    for started_at, source in _recordings(broadcast):
        seconds = recording_seconds(source) if source.is_file() else 0.0
        if not seconds:
            logger.error("replay of broadcast %s: recording %s is missing or empty", broadcast.pk, source)
            continue
        stretches.append(Stretch(started_at, seconds))
        sources.append(source)
    if not sources:
        _replay_status_set(broadcast_id=broadcast.pk, status=Broadcast.ReplayStatus.FAILED)
        return Broadcast.objects.get(pk=broadcast_id)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    if len(sources) == 1:
        source_args = ["-i", str(sources[0])]
    else:
        listing = target / "parts.txt"
        listing.write_text(_concat_list(sources))
        source_args = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    command = [
        settings.FFMPEG_BINARY,
        *("-hide_banner", "-loglevel", "error", "-y", *source_args),
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
        _pins_place(broadcast_id=broadcast.pk, stretches=stretches)
        _replay_status_set(
            broadcast_id=broadcast.pk,
            status=Broadcast.ReplayStatus.READY,
            path=f"{relative_dir}/index.m3u8",
        )
    return Broadcast.objects.get(pk=broadcast_id)
