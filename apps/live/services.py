"""Every write of the live module: broadcasts, stream keys, the media server's publish callbacks, products
on air and their pins, alarms and the replay.

The media server decides nothing: ``broadcast_publish_start`` is the only gate through which a stream
goes on air, and ``broadcast_publish_stop`` the only way the media server ends one.
"""

import hmac
import logging
import secrets
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone

from apps.catalog import services as catalog_services
from apps.core.events import publish
from apps.live import chat
from apps.live.models import (
    Broadcast,
    BroadcastAlarm,
    BroadcastPin,
    BroadcastProduct,
    BroadcastViewerSample,
)

logger = logging.getLogger(__name__)

STREAM_KEY_BYTES = 24
PUBLIC_NAME_BYTES = 8
REPLAY_DIR = "replays"
# The replay's segments: long enough for few files, short enough to seek to a chapter quickly.
REPLAY_SEGMENT_SECONDS = 4
FFMPEG_REPLAY_TIMEOUT = 30 * 60
# A live broadcast's viewer count is kept once per this many seconds (the report's peak and average).
VIEWER_SAMPLE_SECONDS = 30


class PublishRefused(Exception):
    """The media server must drop this publisher (answered with 403)."""


def _stream_key_new() -> str:
    return secrets.token_urlsafe(STREAM_KEY_BYTES)


def _public_name_new() -> str:
    return f"b{secrets.token_hex(PUBLIC_NAME_BYTES)}"


def _cards_changed(broadcast_id: int, *, product_ids: tuple[int, ...] = ()) -> None:
    """After commit, make the catalog's "지금 라이브" and product-page cards be read again, and have the
    catalog drop the shared pages that show this broadcast's card (its products' pages, the main page)."""
    from apps.live.selectors import CARDS_VERSION_KEY

    transaction.on_commit(lambda: cache.set(CARDS_VERSION_KEY, time.time_ns(), None), robust=True)
    on_air = BroadcastProduct.objects.filter(broadcast_id=broadcast_id).values_list("product_id", flat=True)
    catalog_services.product_pages_changed(product_ids={*on_air, *product_ids})


def may_broadcast(user) -> bool:
    return bool(user and user.is_active and (getattr(user, "is_seller", False) or user.is_staff))


# ---- Broadcasts ------------------------------------------------------------------------------------------


@transaction.atomic
def broadcast_create(
    *,
    seller,
    title: str,
    category,
    scheduled_at: datetime,
    description: str = "",
    cover=None,
) -> Broadcast:
    """A scheduled broadcast of a seller (or staff member), with a fresh stream key and public name."""
    if not may_broadcast(seller):
        raise ValidationError({"seller": "셀러만 라이브 방송을 열 수 있어요."})
    broadcast = Broadcast(
        seller=seller,
        title=title,
        category=category,
        scheduled_at=scheduled_at,
        description=description,
        stream_key=_stream_key_new(),
        stream_key_changed_at=timezone.now(),
        public_name=_public_name_new(),
    )
    if cover:
        broadcast.cover = cover
    broadcast.full_clean()
    broadcast.save()
    return broadcast


@transaction.atomic
def broadcast_save(*, broadcast: Broadcast) -> Broadcast:
    """Save what staff or the seller edited (title, category, schedule, cover); keys and status stay."""
    if not broadcast.stream_key:
        broadcast.stream_key = _stream_key_new()
        broadcast.stream_key_changed_at = timezone.now()
    if not broadcast.public_name:
        broadcast.public_name = _public_name_new()
    if not may_broadcast(broadcast.seller):
        raise ValidationError({"seller": "셀러만 라이브 방송을 열 수 있어요."})
    broadcast.full_clean()
    broadcast.save()
    _cards_changed(broadcast.pk)
    return broadcast


@transaction.atomic
def broadcast_stream_key_regenerate(*, broadcast: Broadcast) -> Broadcast:
    """Issue a new stream key; the old one is refused from now on (a stream already on air keeps going)."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    broadcast.stream_key = _stream_key_new()
    broadcast.stream_key_changed_at = timezone.now()
    broadcast.full_clean()
    broadcast.save(update_fields=["stream_key", "stream_key_changed_at"])
    return broadcast


def _key_matches(broadcast: Broadcast | None, key: str) -> bool:
    """Constant-time comparison; an unknown stream is compared against a dummy so timing tells nothing."""
    expected = broadcast.stream_key if broadcast else secrets.token_urlsafe(STREAM_KEY_BYTES)
    return bool(key) and hmac.compare_digest(expected.encode(), key.encode())


@transaction.atomic
def broadcast_publish_start(*, public_name: str, key: str, client_id: str = "") -> Broadcast:
    """The media server's ``on_publish``: let the stream on air, or raise ``PublishRefused``.

    Accepted: the right key of a broadcast that is scheduled, or already live (an encoder reconnecting
    before the media server reported the end). Refused: an unknown name, a wrong or replaced key, an
    ended broadcast (its key is never good again), a seller who may no longer broadcast.
    """
    broadcast = (
        Broadcast.objects.select_for_update().select_related("seller").filter(public_name=public_name).first()
    )
    if not _key_matches(broadcast, key):
        raise PublishRefused("wrong stream key")
    if broadcast.status == Broadcast.Status.ENDED:
        raise PublishRefused("broadcast ended")
    if not may_broadcast(broadcast.seller):
        raise PublishRefused("seller may not broadcast")
    broadcast.publisher_client_id = client_id
    if broadcast.status == Broadcast.Status.SCHEDULED:
        broadcast.status = Broadcast.Status.LIVE
        broadcast.started_at = timezone.now()
        broadcast.save(update_fields=["status", "started_at", "publisher_client_id"])
        publish("live.broadcast_started", {"broadcast_id": broadcast.pk})
        _cards_changed(broadcast.pk)
        transaction.on_commit(lambda: _alarms_notify_later(broadcast.pk), robust=True)
    else:
        broadcast.save(update_fields=["publisher_client_id"])
    return broadcast


def _alarms_notify_later(broadcast_id: int) -> None:
    from apps.live.tasks import broadcast_alarms_notify

    broadcast_alarms_notify.delay(broadcast_id=broadcast_id)


def _replay_make_later(broadcast_id: int) -> None:
    from apps.live.tasks import broadcast_replay_make

    broadcast_replay_make.delay(broadcast_id=broadcast_id)


def _end(broadcast: Broadcast) -> None:
    """End a locked, live or scheduled broadcast; the replay follows once the recording is known."""
    broadcast.status = Broadcast.Status.ENDED
    broadcast.ended_at = timezone.now()
    broadcast.save(update_fields=["status", "ended_at"])
    broadcast.items.filter(is_pinned=True).update(is_pinned=False)
    publish("live.broadcast_ended", {"broadcast_id": broadcast.pk})
    _cards_changed(broadcast.pk)
    _replay_schedule_if_ready(broadcast)


def _replay_schedule_if_ready(broadcast: Broadcast) -> None:
    """The replay is made when both the end and the closed recording are known (they arrive in any order)."""
    if (
        broadcast.status == Broadcast.Status.ENDED
        and broadcast.recording_path
        and broadcast.replay_status == Broadcast.ReplayStatus.NONE
    ):
        broadcast.replay_status = Broadcast.ReplayStatus.PROCESSING
        broadcast.save(update_fields=["replay_status"])
        transaction.on_commit(lambda: _replay_make_later(broadcast.pk), robust=True)


@transaction.atomic
def broadcast_publish_stop(*, public_name: str, client_id: str = "") -> Broadcast | None:
    """The media server's ``on_publish_done``: the stream stopped, so the broadcast ends.

    The end of a connection that is no longer the broadcast's publisher (an encoder that reconnected
    before its old connection was reported closed) is ignored.
    """
    broadcast = Broadcast.objects.select_for_update().filter(public_name=public_name).first()
    if broadcast is None or broadcast.status != Broadcast.Status.LIVE:
        return broadcast
    if client_id and broadcast.publisher_client_id and client_id != broadcast.publisher_client_id:
        return broadcast
    _end(broadcast)
    return broadcast


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
    _replay_schedule_if_ready(broadcast)
    return broadcast


@transaction.atomic
def broadcast_end(*, broadcast: Broadcast) -> Broadcast:
    """End a broadcast by hand (seller or staff): a scheduled one is called off, a live one stops airing."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.status != Broadcast.Status.ENDED:
        _end(broadcast)
    return broadcast


@transaction.atomic
def broadcast_reopen(*, broadcast: Broadcast, scheduled_at: datetime | None = None) -> Broadcast:
    """Put an ended broadcast back on the schedule with its key (staff's tool; the demo's always-live one).

    Pins, recording and replay of the earlier airing are dropped: the next airing makes its own.
    """
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    broadcast.status = Broadcast.Status.SCHEDULED
    broadcast.scheduled_at = scheduled_at or timezone.now()
    broadcast.started_at = broadcast.ended_at = None
    broadcast.recording_path = broadcast.replay_path = ""
    broadcast.replay_status = Broadcast.ReplayStatus.NONE
    broadcast.full_clean()
    broadcast.save()
    broadcast.pins.all().delete()
    broadcast.items.update(is_pinned=False)
    broadcast.alarms.update(notified_at=None)
    _cards_changed(broadcast.pk)
    return broadcast


# ---- Replay ----------------------------------------------------------------------------------------------


def _replay_status_set(*, broadcast_id: int, status: str, path: str = "") -> None:
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
        broadcast.replay_status = status
        broadcast.replay_path = path
        broadcast.save(update_fields=["replay_status", "replay_path"])
        _cards_changed(broadcast.pk)


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


# ---- Products on air -------------------------------------------------------------------------------------


@transaction.atomic
def broadcast_product_add(
    *, broadcast: Broadcast, product, live_price: int | None = None
) -> BroadcastProduct:
    """Put a product on sale in the broadcast, last in the list (adding it again updates its price)."""
    item = BroadcastProduct.objects.filter(broadcast=broadcast, product=product).first()
    if item is None:
        last = broadcast.items.aggregate(last=Max("position"))["last"]
        item = BroadcastProduct(
            broadcast=broadcast, product=product, position=0 if last is None else last + 1
        )
    if live_price is not None and live_price > product.sale_price:
        raise ValidationError({"live_price": "라이브 특가는 판매가보다 높을 수 없어요."})
    item.live_price = live_price
    item.full_clean()
    item.save()
    _cards_changed(broadcast.pk)
    return item


@transaction.atomic
def broadcast_product_remove(*, item: BroadcastProduct) -> None:
    """Take a product off the broadcast; its pins stay (the replay's chapters keep the moment)."""
    broadcast_id, product_id = item.broadcast_id, item.product_id
    item.delete()
    _cards_changed(broadcast_id, product_ids=(product_id,))


@transaction.atomic
def broadcast_product_sold_out_set(*, item: BroadcastProduct, sold_out: bool) -> BroadcastProduct:
    item.is_sold_out = sold_out
    item.save(update_fields=["is_sold_out"])
    chat.stock_announce(broadcast_id=item.broadcast_id, item=item)
    return item


@transaction.atomic
def broadcast_product_pin(*, item: BroadcastProduct) -> BroadcastPin | None:
    """Present a product now: it becomes the only pinned one, and on air the moment becomes a chapter.

    Before the broadcast starts the pin only marks the product to show first (no moment to keep).
    """
    broadcast = Broadcast.objects.select_for_update().get(pk=item.broadcast_id)
    broadcast.items.exclude(pk=item.pk).filter(is_pinned=True).update(is_pinned=False)
    item.is_pinned = True
    item.save(update_fields=["is_pinned"])
    # Every viewer's page shows the card within a second (through the room, after commit).
    chat.pin_announce(item=item)
    if broadcast.status != Broadcast.Status.LIVE or broadcast.started_at is None:
        return None
    now = timezone.now()
    pin = BroadcastPin(
        broadcast=broadcast,
        product_id=item.product_id,
        pinned_at=now,
        offset_seconds=round(max(0.0, (now - broadcast.started_at).total_seconds()), 2),
    )
    pin.full_clean()
    pin.save()
    publish("live.product_pinned", {"broadcast_id": broadcast.pk, "product_id": item.product_id})
    return pin


@transaction.atomic
def broadcast_product_unpin(*, item: BroadcastProduct) -> BroadcastProduct:
    item.is_pinned = False
    item.save(update_fields=["is_pinned"])
    chat.unpin_announce(item=item)
    return item


# ---- Alarms ----------------------------------------------------------------------------------------------


@transaction.atomic
def broadcast_alarm_set(*, broadcast: Broadcast, user, on: bool) -> bool:
    """Subscribe ("알림 받기") or unsubscribe a user; only a broadcast that has not started takes alarms."""
    if on:
        if broadcast.status != Broadcast.Status.SCHEDULED:
            raise ValidationError("이미 시작했거나 끝난 방송이에요.")
        BroadcastAlarm.objects.get_or_create(broadcast=broadcast, user=user)
    else:
        BroadcastAlarm.objects.filter(broadcast=broadcast, user=user).delete()
    return on


def broadcast_alarms_notify(*, broadcast_id: int) -> int:
    """Mail every subscriber of a broadcast that went live, once each; returns how many were sent.

    Each alarm is locked, mailed and marked in its own transaction, so a retried task skips those done.
    """
    broadcast = Broadcast.objects.select_related("seller").get(pk=broadcast_id)
    url = settings.SITE_URL.rstrip("/") + broadcast.get_absolute_url()
    sent = 0
    for alarm_id in broadcast.alarms.filter(notified_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            alarm = (
                BroadcastAlarm.objects.select_for_update()
                .select_related("user")
                .filter(pk=alarm_id, notified_at__isnull=True)
                .first()
            )
            if alarm is None or not alarm.user.email or not alarm.user.is_active:
                continue
            context = {"broadcast": broadcast, "user": alarm.user, "url": url}
            send_mail(
                subject=render_to_string("live/email/live_started_subject.txt", context).strip(),
                message=render_to_string("live/email/live_started.txt", context),
                from_email=None,
                recipient_list=[alarm.user.email],
            )
            alarm.notified_at = timezone.now()
            alarm.save(update_fields=["notified_at"])
            sent += 1
    return sent


# ---- Audience: viewer samples and likes (the per-broadcast report's figures) -----------------------------


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
