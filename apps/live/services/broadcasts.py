"""A broadcast's life: scheduled, edited, its stream key, on air through the media server's publish gate,
its encoder dropping and reconnecting, ended (when the reconnect grace runs out, or by hand) and put back on
the schedule.

The media server decides nothing: ``broadcast_publish_start`` is the only gate through which a stream
goes on air (or back on air), and ``broadcast_publish_stop`` only tells that the encoder dropped.

Reconnect grace: a drop leaves the broadcast live with ``publisher_dropped_at`` set for
``LIVE_RECONNECT_GRACE_SECONDS`` (admin → 운영 설정); an ``on_publish`` with the same key inside the window is a
resume. The window is closed by ``broadcast_grace_check`` (a Celery task due when it runs out) and, should
that task be lost, by ``broadcasts_grace_sweep`` (beat, every few seconds).
"""

import hmac
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.selectors import member_ban_active
from apps.core.events import publish
from apps.live.models import Broadcast, BroadcastPart
from apps.live.room.publish import room_publish
from apps.live.services.cards import cards_changed
from apps.live.services.replay import replay_schedule_if_ready, replays_schedule_overdue
from apps.sellers.selectors import seller_for_user, seller_may_sell

STREAM_KEY_BYTES = 24
PUBLIC_NAME_BYTES = 8
BROADCAST_STARTED = "live.broadcast_started"
BROADCAST_ENDED = "live.broadcast_ended"
BROADCAST_STOPPED = "live.broadcast_stopped_by_staff"
STOP_REASON_MAX_CHARS = 500
RECONNECT_GRACE_DEFAULT_SECONDS = 60

logger = logging.getLogger(__name__)


class PublishRefused(Exception):
    """The media server must drop this publisher (answered with 403)."""


def reconnect_grace_seconds() -> int:
    """How long a dropped encoder may take to come back (admin → 운영 설정); 0 ends the show at the drop."""
    import redis
    from constance import config

    try:
        return max(0, int(config.LIVE_RECONNECT_GRACE_SECONDS))
    except (redis.exceptions.ConnectionError, AttributeError, TypeError, ValueError):
        # Unreadable for a moment: the documented default, never a failed callback.
        return RECONNECT_GRACE_DEFAULT_SECONDS


def _grace_over(broadcast: Broadcast, now: datetime) -> bool:
    dropped = broadcast.publisher_dropped_at
    return dropped is not None and now >= dropped + timedelta(seconds=reconnect_grace_seconds())


def _stream_key_new() -> str:
    return secrets.token_urlsafe(STREAM_KEY_BYTES)


def _public_name_new() -> str:
    return f"b{secrets.token_hex(PUBLIC_NAME_BYTES)}"


def may_broadcast(user) -> bool:
    """Staff, or a member whose shop may sell (asked of sellers, the one place that decides): a shop in
    review, rejected or suspended is refused here, and so at the publish gate too."""
    if not (user and user.is_active):
        return False
    return user.is_staff or seller_may_sell(seller_for_user(user=user))


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
    """Save what staff or the seller edited (title, category, schedule, cover); keys and status stay.

    A new or removed cover forgets the old one's renditions: the caller asks for the new ones after the commit
    (``apps.live.tasks.broadcast_cover_renditions_schedule``)."""
    stored_cover = Broadcast.objects.filter(pk=broadcast.pk).values_list("cover", flat=True).first() or ""
    if broadcast.cover.name != stored_cover:
        broadcast.cover_renditions = {}
    if not broadcast.stream_key:
        broadcast.stream_key = _stream_key_new()
        broadcast.stream_key_changed_at = timezone.now()
    if not broadcast.public_name:
        broadcast.public_name = _public_name_new()
    if not may_broadcast(broadcast.seller):
        raise ValidationError({"seller": "셀러만 라이브 방송을 열 수 있어요."})
    broadcast.full_clean()
    broadcast.save()
    cards_changed(broadcast.pk)
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


def broadcast_publish_start(*, public_name: str, key: str, client_id: str = "") -> Broadcast:
    """The media server's ``on_publish``: let the stream on air, or raise ``PublishRefused``.

    Accepted: the right key of a broadcast that is scheduled, or live (an encoder reconnecting inside the
    grace window, or before the media server reported its old connection closed). Refused: an unknown name,
    a wrong or replaced key, an ended broadcast (its key is never good again), a broadcast whose grace ran
    out (it ends now, at its drop), a seller who may no longer broadcast or is under a platform ban. Each accepted publish is a
    ``BroadcastPart``.
    """
    with transaction.atomic():
        broadcast, refusal = _publish_start(public_name=public_name, key=key, client_id=client_id)
    # Raised after the commit: a broadcast ended here for a late reconnect stays ended.
    if refusal:
        raise PublishRefused(refusal)
    return broadcast


def _publish_start(*, public_name: str, key: str, client_id: str) -> tuple[Broadcast | None, str]:
    broadcast = (
        Broadcast.objects.select_for_update().select_related("seller").filter(public_name=public_name).first()
    )
    if not _key_matches(broadcast, key):
        return broadcast, "wrong stream key"
    if broadcast.status == Broadcast.Status.ENDED:
        return broadcast, "broadcast ended"
    if not may_broadcast(broadcast.seller):
        return broadcast, "seller may not broadcast"
    if member_ban_active(broadcast.seller) is not None:
        return broadcast, "seller banned"
    now = timezone.now()
    if _grace_over(broadcast, now):
        _end(broadcast, at=broadcast.publisher_dropped_at)
        return broadcast, "reconnect grace over"
    resumed = broadcast.publisher_dropped_at is not None
    broadcast.publisher_client_id = client_id
    broadcast.publisher_dropped_at = None
    if broadcast.status == Broadcast.Status.SCHEDULED:
        broadcast.status = Broadcast.Status.LIVE
        broadcast.started_at = now
        broadcast.save(update_fields=["status", "started_at", "publisher_client_id", "publisher_dropped_at"])
        # The subscribers' alarms are mailed by this event's handler (``apps.live.events``).
        publish(BROADCAST_STARTED, {"broadcast_id": broadcast.pk})
        cards_changed(broadcast.pk)
    else:
        broadcast.save(update_fields=["publisher_client_id", "publisher_dropped_at"])
    BroadcastPart.objects.create(broadcast=broadcast, client_id=client_id, started_at=now)
    if resumed:
        logger.info("broadcast %s resumed by connection %s", broadcast.pk, client_id)
    return broadcast, ""


def _end(broadcast: Broadcast, *, at: datetime | None = None) -> None:
    """End a locked, live or scheduled broadcast (``at``: when the show really stopped, the drop for one
    whose grace ran out); the replay follows once the recordings are known."""
    broadcast.status = Broadcast.Status.ENDED
    broadcast.ended_at = at or timezone.now()
    broadcast.publisher_dropped_at = None
    broadcast.save(update_fields=["status", "ended_at", "publisher_dropped_at"])
    broadcast.items.filter(is_pinned=True).update(is_pinned=False)
    publish(BROADCAST_ENDED, {"broadcast_id": broadcast.pk})
    cards_changed(broadcast.pk)
    replay_schedule_if_ready(broadcast)


@transaction.atomic
def broadcast_publish_stop(*, public_name: str, client_id: str = "") -> Broadcast | None:
    """The media server's ``on_publish_done``: a connection stopped publishing.

    Its part is closed. When it was the broadcast's publisher, the broadcast waits for a reconnect (live,
    ``publisher_dropped_at`` set; the caller schedules ``apps.live.tasks.broadcast_grace_check``), or ends at
    once when the grace is 0. The end of a connection that is no longer the publisher (an encoder that
    reconnected before its old connection was reported closed) changes nothing else; when the stopped
    publisher was a newer connection nginx refused because the old one still held the stream ("already
    publishing"), the old one is the publisher again.
    """
    broadcast = Broadcast.objects.select_for_update().filter(public_name=public_name).first()
    if broadcast is None:
        return None
    now = timezone.now()
    broadcast.parts.filter(client_id=client_id, stopped_at__isnull=True).update(stopped_at=now)
    if broadcast.status != Broadcast.Status.LIVE or broadcast.publisher_dropped_at is not None:
        return broadcast
    if client_id and broadcast.publisher_client_id and client_id != broadcast.publisher_client_id:
        return broadcast
    still_open = broadcast.parts.filter(stopped_at__isnull=True).exclude(client_id=client_id).last()
    if still_open is not None:
        broadcast.publisher_client_id = still_open.client_id
        broadcast.save(update_fields=["publisher_client_id"])
        return broadcast
    grace = reconnect_grace_seconds()
    if not grace:
        _end(broadcast, at=now)
        return broadcast
    broadcast.publisher_dropped_at = now
    broadcast.save(update_fields=["publisher_dropped_at"])
    logger.info("broadcast %s: encoder dropped, waiting %ss for it to reconnect", broadcast.pk, grace)
    return broadcast


def grace_left_seconds(broadcast: Broadcast) -> float | None:
    """Seconds until the reconnect window of a dropped broadcast closes (None when it is not waiting)."""
    if not broadcast.is_reconnecting:
        return None
    closes = broadcast.publisher_dropped_at + timedelta(seconds=reconnect_grace_seconds())
    return max(0.0, (closes - timezone.now()).total_seconds())


@transaction.atomic
def broadcast_grace_check(*, broadcast_id: int) -> Broadcast | None:
    """End the broadcast if its encoder dropped and the grace window ran out without a reconnect.

    Safe to run at any time and any number of times: a broadcast that resumed, dropped again later (its
    own check is due later) or ended already is left as it is.
    """
    broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status != Broadcast.Status.LIVE:
        return broadcast
    if _grace_over(broadcast, timezone.now()):
        logger.info("broadcast %s: no reconnect within the grace window, ending it", broadcast.pk)
        _end(broadcast, at=broadcast.publisher_dropped_at)
    return broadcast


def broadcasts_grace_sweep() -> int:
    """The safety net behind the scheduled checks (beat): end every broadcast whose grace ran out; also
    make the replay of broadcasts whose last recording was never reported. Returns how many ended."""
    ended = 0
    dropped = Broadcast.objects.filter(status=Broadcast.Status.LIVE, publisher_dropped_at__isnull=False)
    for broadcast_id in dropped.values_list("pk", flat=True):
        checked = broadcast_grace_check(broadcast_id=broadcast_id)
        ended += bool(checked is not None and checked.is_ended)
    replays_schedule_overdue()
    return ended


@transaction.atomic
def broadcast_end(*, broadcast: Broadcast) -> Broadcast:
    """End a broadcast by hand (seller or staff): a scheduled one is called off, a live one stops airing (one
    waiting for its encoder to reconnect ended when it dropped)."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.status != Broadcast.Status.ENDED:
        _end(broadcast, at=broadcast.publisher_dropped_at)
    return broadcast


@transaction.atomic
def broadcast_stop(*, broadcast: Broadcast, actor, reason: str) -> Broadcast:
    """Staff take a show off the air (the live monitor's 방송 중지), with a reason the seller is told.

    The reason is kept on the broadcast (the studio shows it), the room hears ``status: ended`` after the
    commit (every viewer's page closes the chat and reloads to the ended page), and ``BROADCAST_STOPPED``'s
    subscriber mails the seller. Raises ``PermissionDenied`` for anyone but active staff and
    ``ValidationError`` (Korean) for an empty or too long reason or a broadcast not on air.
    """
    if not (actor and actor.is_active and actor.is_staff):
        raise PermissionDenied("운영자만 방송을 중지할 수 있어요.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "중지 사유를 적어 주세요. 셀러에게 그대로 전달돼요."})
    if len(reason) > STOP_REASON_MAX_CHARS:
        raise ValidationError({"reason": f"중지 사유는 {STOP_REASON_MAX_CHARS}자까지 적을 수 있어요."})
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if broadcast.status != Broadcast.Status.LIVE:
        raise ValidationError("방송 중인 방송만 중지할 수 있어요.")
    broadcast.stop_reason = reason
    broadcast.stopped_by = actor
    broadcast.save(update_fields=["stop_reason", "stopped_by"])
    _end(broadcast, at=broadcast.publisher_dropped_at)
    # The ticker would tell the room within its next tick; staff stopping a show want it gone now.
    room_publish(broadcast_id=broadcast.pk, topic="events", payload={"type": "status", "status": "ended"})
    publish(BROADCAST_STOPPED, {"broadcast_id": broadcast.pk})
    logger.info("broadcast %s stopped by staff member %s", broadcast.pk, actor.pk)
    return broadcast


def broadcast_stop_notify(*, broadcast_id: int) -> bool:
    """Mail the seller why staff stopped their broadcast (``BROADCAST_STOPPED``'s subscriber); False when the
    seller has no email. A retried handler may mail twice: a repeated notice beats a lost one."""
    broadcast = Broadcast.objects.select_related("seller").get(pk=broadcast_id)
    seller = broadcast.seller
    if not broadcast.stop_reason or not seller.email:
        return False
    context = {
        "broadcast": broadcast,
        "seller": seller,
        "studio_url": settings.SITE_URL.rstrip("/") + reverse("live:studio", kwargs={"pk": broadcast.pk}),
        "stopped_at": timezone.localtime(broadcast.ended_at),
    }
    send_mail(
        subject=render_to_string("live/email/broadcast_stopped_subject.txt", context).strip(),
        message=render_to_string("live/email/broadcast_stopped.txt", context),
        from_email=None,
        recipient_list=[seller.email],
    )
    return True


@transaction.atomic
def broadcast_reopen(*, broadcast: Broadcast, scheduled_at: datetime | None = None) -> Broadcast:
    """Put an ended broadcast back on the schedule with its key (staff's tool; the demo's always-live one).

    Pins, recording and replay of the earlier airing are dropped: the next airing makes its own.
    """
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    broadcast.status = Broadcast.Status.SCHEDULED
    broadcast.scheduled_at = scheduled_at or timezone.now()
    broadcast.started_at = broadcast.ended_at = broadcast.publisher_dropped_at = None
    broadcast.recording_path = broadcast.replay_path = ""
    broadcast.replay_status = Broadcast.ReplayStatus.NONE
    broadcast.stop_reason, broadcast.stopped_by = "", None
    broadcast.full_clean()
    broadcast.save()
    broadcast.pins.all().delete()
    broadcast.parts.all().delete()
    broadcast.items.update(is_pinned=False)
    broadcast.alarms.update(notified_at=None)
    cards_changed(broadcast.pk)
    return broadcast
