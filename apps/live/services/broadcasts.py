"""A broadcast's life: scheduled, edited, its stream key, on air through the media server's publish gate,
ended (by the media server or by hand) and put back on the schedule.

The media server decides nothing: ``broadcast_publish_start`` is the only gate through which a stream
goes on air, and ``broadcast_publish_stop`` the only way the media server ends one.
"""

import hmac
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.events import publish
from apps.live.models import Broadcast
from apps.live.services.cards import cards_changed
from apps.live.services.replay import replay_schedule_if_ready
from apps.sellers.selectors import seller_for_user, seller_may_sell

STREAM_KEY_BYTES = 24
PUBLIC_NAME_BYTES = 8
BROADCAST_STARTED = "live.broadcast_started"
BROADCAST_ENDED = "live.broadcast_ended"


class PublishRefused(Exception):
    """The media server must drop this publisher (answered with 403)."""


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
        # The subscribers' alarms are mailed by this event's handler (``apps.live.events``).
        publish(BROADCAST_STARTED, {"broadcast_id": broadcast.pk})
        cards_changed(broadcast.pk)
    else:
        broadcast.save(update_fields=["publisher_client_id"])
    return broadcast


def _end(broadcast: Broadcast) -> None:
    """End a locked, live or scheduled broadcast; the replay follows once the recording is known."""
    broadcast.status = Broadcast.Status.ENDED
    broadcast.ended_at = timezone.now()
    broadcast.save(update_fields=["status", "ended_at"])
    broadcast.items.filter(is_pinned=True).update(is_pinned=False)
    publish(BROADCAST_ENDED, {"broadcast_id": broadcast.pk})
    cards_changed(broadcast.pk)
    replay_schedule_if_ready(broadcast)


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
    cards_changed(broadcast.pk)
    return broadcast
