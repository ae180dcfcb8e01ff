"""Alarms: members ask to be mailed ("알림 받기") when a scheduled broadcast goes live, and are mailed once.

The mailing follows ``live.broadcast_started`` (``apps.live.events``), never the request that started it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.live.models import Broadcast, BroadcastAlarm


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
