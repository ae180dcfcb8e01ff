"""The outbox behind ``apps.core.events``: who subscribes, and the life of each ``EventDelivery`` row.

A row is open (대기, 재시도 중) until its handler has run without an error. ``next_attempt_at`` is when an open
row is sent again: set when the row is written (the first send is the on-commit one) and pushed back by
each send, with capped exponential backoff. A handler that works again after failing pulls its other failing
rows forward, and the relay probes a failing handler with one of its rows every ``PROBE_SECONDS`` even before
its time, so a subscriber whose other side comes back (the PG after an outage) catches up within a pass or
two whatever its rows' backoff.

Sending (the broker) is ``apps.core.tasks``' part; this module only reads and writes rows.
"""

import json
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.core.mail import staff_mail
from apps.core.models import EventDelivery

logger = logging.getLogger(__name__)

# The first send is the on-commit one; the relay sends an open row again after this, then after twice as
# long each time, never waiting longer than the cap.
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 10 * 60
RELAY_BATCH = 200
# A handler with failing rows but none due is tried on one of them once nothing was sent to it for this long.
PROBE_SECONDS = FIRST_RETRY_SECONDS
# Delivered rows are kept this long for staff to look back, then deleted by the relay.
KEEP_DONE_DAYS = 7
PURGE_BATCH = 1000
ERROR_CHARS = 4000
PAYLOAD_CHARS = 300
OPEN_STATES = (EventDelivery.State.PENDING, EventDelivery.State.FAILING)


@dataclass(frozen=True)
class OverdueAlert:
    """Staff are mailed once about a delivery of a handler still open ``minutes()`` after its publication."""

    minutes: Callable[[], int]  # read at each relay pass: runtime settings may change it
    label: str


_subscribers: dict[str, list[str]] = defaultdict(list)
_alerts: dict[str, OverdueAlert] = {}


def subscriber_add(*, event: str, path: str, alert: OverdueAlert | None = None) -> None:
    if path not in _subscribers[event]:
        _subscribers[event].append(path)
    if alert is not None:
        _alerts[path] = alert


def subscribers_of(event: str) -> list[str]:
    return list(_subscribers.get(event, []))


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th send an open row is sent again."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def deliveries_create(*, event: str, payload: dict, publication) -> list[int]:
    """Write one open row per subscriber of ``event`` (in the caller's transaction); returns their ids."""
    handlers = subscribers_of(event)
    if not handlers:
        return []
    now = timezone.now()
    rows = EventDelivery.objects.bulk_create(
        EventDelivery(
            publication=publication,
            event=event,
            handler=handler,
            payload=payload,
            attempts=1,
            sent_at=now,
            next_attempt_at=now + retry_delay(1),
        )
        for handler in handlers
    )
    ids = [row.pk for row in rows]
    if None in ids:  # a database that cannot return the new keys from a bulk insert
        ids = list(
            EventDelivery.objects.filter(publication=publication).order_by("pk").values_list("pk", flat=True)
        )
    return ids


def delivery_adopt(*, publication, event: str, handler: str, payload: dict) -> int:
    """The row of a message that carries the handler itself (queued before the outbox): made once per message."""
    row, _created = EventDelivery.objects.get_or_create(
        publication=publication,
        handler=handler,
        defaults={
            "event": event,
            "payload": payload,
            "attempts": 1,
            "sent_at": timezone.now(),
            "next_attempt_at": timezone.now() + retry_delay(1),
        },
    )
    return row.pk


def delivery_run(*, delivery_id: int) -> Exception | None:
    """Run the handler of an open row and record the outcome; returns the handler's error, if any.

    A row already done (or gone) is not run again. The handler runs outside any transaction of ours: it
    keeps its own, and a crash before its success is recorded leaves the row open, to be run again.
    """
    row = EventDelivery.objects.filter(pk=delivery_id).first()
    if row is None or not row.is_open:
        return None
    try:
        import_string(row.handler)(event=row.event, payload=row.payload)
    except Exception as error:  # any subscriber error: recorded on the row, which stays open for the relay
        logger.warning("event %s: %s failed (%s)", row.event, row.handler, error)
        EventDelivery.objects.filter(pk=row.pk).exclude(state=EventDelivery.State.DONE).update(
            state=EventDelivery.State.FAILING,
            failures=F("failures") + 1,
            last_error="".join(traceback.format_exception(error))[-ERROR_CHARS:],
        )
        return error
    now = timezone.now()
    EventDelivery.objects.filter(pk=row.pk).update(state=EventDelivery.State.DONE, done_at=now)
    if row.state == EventDelivery.State.FAILING:
        # It works again: the handler's other failing rows need not wait out their backoff.
        EventDelivery.objects.filter(
            handler=row.handler, state=EventDelivery.State.FAILING, next_attempt_at__gt=now
        ).update(next_attempt_at=now)
    return None


def _claim(row_id: int, attempts: int, now: datetime) -> bool:
    """Count one more send of an open row and push its next send back; False when another relay was first."""
    return bool(
        EventDelivery.objects.filter(pk=row_id, attempts=attempts, state__in=OPEN_STATES).update(
            attempts=attempts + 1, sent_at=now, next_attempt_at=now + retry_delay(attempts + 1)
        )
    )


def deliveries_claim_due(*, now: datetime | None = None, limit: int = RELAY_BATCH) -> list[int]:
    """The open rows to send in this relay pass, each counted as sent.

    Those whose time has come, and a probe: for each handler with failing rows, none due and nothing sent
    for ``PROBE_SECONDS``, its oldest failing row, to learn whether it works again.
    """
    now = now or timezone.now()
    due = list(
        EventDelivery.objects.filter(state__in=OPEN_STATES, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "attempts", "handler")[:limit]
    )
    probed = (
        EventDelivery.objects.filter(state__in=OPEN_STATES)
        .exclude(handler__in={handler for _pk, _attempts, handler in due})
        .values("handler")
        .annotate(
            oldest_failing=Min("pk", filter=Q(state=EventDelivery.State.FAILING)), last_sent=Max("sent_at")
        )
        .filter(oldest_failing__isnull=False, last_sent__lt=now - timedelta(seconds=PROBE_SECONDS))
        .values_list("oldest_failing", flat=True)
    )
    probes = list(EventDelivery.objects.filter(pk__in=list(probed)).values_list("pk", "attempts", "handler"))
    return [pk for pk, attempts, _handler in due + probes if _claim(pk, attempts, now)]


def deliveries_send_again(*, ids: list[int]) -> list[int]:
    """Staff's "다시 보내기": the open rows among ``ids``, each counted as sent (done ones are never rerun)."""
    now = timezone.now()
    rows = EventDelivery.objects.filter(pk__in=ids, state__in=OPEN_STATES).values_list("pk", "attempts")
    return [pk for pk, attempts in rows if _claim(pk, attempts, now)]


def deliveries_unsent(*, ids: list[int], now: datetime | None = None) -> None:
    """Rows claimed for a send the broker refused: due again at the next pass, the send not counted."""
    EventDelivery.objects.filter(pk__in=ids, state__in=OPEN_STATES).update(
        attempts=F("attempts") - 1, next_attempt_at=now or timezone.now()
    )


def deliveries_overdue_alert(*, now: datetime | None = None) -> int:
    """Mail staff once about each delivery still open past its handler's alert time; returns how many."""
    now = now or timezone.now()
    told = 0
    for handler, alert in _alerts.items():
        cutoff = now - timedelta(minutes=alert.minutes())
        with transaction.atomic():
            rows = list(
                EventDelivery.objects.select_for_update(skip_locked=True)
                .filter(
                    handler=handler, state__in=OPEN_STATES, alerted_at__isnull=True, created_at__lte=cutoff
                )
                .order_by("pk")[:RELAY_BATCH]
            )
            EventDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(alerted_at=now)
        if rows:
            _staff_mail(alert=alert, rows=rows, minutes=alert.minutes())
            told += len(rows)
    return told


def _staff_mail(*, alert: OverdueAlert, rows: list[EventDelivery], minutes: int) -> None:
    """Mail ``ADMINS`` and every active staff member with an email (as the reports job failures are)."""
    subject = f"[TriMarket] {alert.label} {len(rows)}건이 {minutes}분 넘게 처리되지 않았어요"
    lines = [
        f"#{row.pk} {row.event} {json.dumps(row.payload, ensure_ascii=False)[:PAYLOAD_CHARS]}\n    "
        f"발행 {timezone.localtime(row.created_at):%Y-%m-%d %H:%M:%S} · 보낸 횟수 {row.attempts} · "
        f"실패 {row.failures}회\n    {(row.last_error.strip().splitlines() or ['-'])[-1]}"
        for row in rows
    ]
    body = (
        f"{alert.label}: 아래 이벤트가 {minutes}분 넘게 처리되지 않았어요. 시스템이 계속 다시 보내고 있어요.\n\n"
        + "\n".join(lines)
        + f"\n\n관리자 → 이벤트 전달에서 확인하고 '다시 보내기'를 할 수 있어요: "
        f"{settings.SITE_URL}/admin/core/eventdelivery/?state__exact=failing\n"
    )
    staff_mail(subject=subject, body=body)


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete a batch of rows delivered more than ``KEEP_DONE_DAYS`` ago; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DONE_DAYS)
    ids = list(
        EventDelivery.objects.filter(state=EventDelivery.State.DONE, done_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:PURGE_BATCH]
    )
    if not ids:
        return 0
    deleted, _by_model = EventDelivery.objects.filter(pk__in=ids).delete()
    return deleted
