"""Reads of reports and the moderation log: the staff queue, and the figures the staff live monitor shows."""

import logging
from dataclasses import dataclass
from datetime import timedelta

import redis
from django.db import DatabaseError
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.live.models import ModerationAction, ViewerReport

logger = logging.getLogger(__name__)

QUEUE_SIZE = 100
LOG_SIZE = 50
SPIKE_DEFAULT_COUNT = 5
SPIKE_DEFAULT_MINUTES = 5


def _reports() -> QuerySet[ViewerReport]:
    return ViewerReport.objects.select_related(
        "broadcast", "broadcast__seller", "message", "reporter", "reported_user", "handled_by"
    )


@dataclass(frozen=True)
class QueueRow:
    report: ViewerReport
    same_target: int  # waiting reports on the same message (or the same broadcast), this one included


def _target_key(report: ViewerReport) -> tuple:
    return (
        report.target,
        report.message_id if report.target == ViewerReport.Target.MESSAGE else report.broadcast_id,
    )


def report_queue(*, status: str = ViewerReport.Status.WAITING, limit: int = QUEUE_SIZE) -> list[QueueRow]:
    """Reports of one status: waiting ones oldest first (the queue), handled ones latest first; each with how
    many waiting reports name the same target (one action handles them all)."""
    reports = _reports().filter(status=status)
    reports = (
        reports.order_by("created_at", "id")
        if status == ViewerReport.Status.WAITING
        else reports.order_by("-handled_at", "-id")
    )
    rows = list(reports[:limit])
    counts: dict[tuple, int] = {}
    if status == ViewerReport.Status.WAITING:
        for report in rows:
            counts[_target_key(report)] = counts.get(_target_key(report), 0) + 1
    return [QueueRow(report=report, same_target=counts.get(_target_key(report), 1)) for report in rows]


def report_counts() -> dict[str, int]:
    """How many reports of each status (the queue's tabs)."""
    counts = dict(ViewerReport.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in ViewerReport.Status.values}


def report_get_for_staff(*, pk: int) -> ViewerReport:
    report = _reports().filter(pk=pk).first()
    if report is None:
        raise Http404("신고를 찾을 수 없어요.")
    return report


def moderation_log(*, limit: int = LOG_SIZE) -> list[ModerationAction]:
    """The latest moderation acts, latest first."""
    return list(
        ModerationAction.objects.select_related("actor", "target_user", "broadcast", "report").order_by(
            "-created_at", "-id"
        )[:limit]
    )


def reports_waiting_by_broadcast(broadcast_ids) -> dict[int, int]:
    """Waiting reports per broadcast (on the broadcast itself and on its chat messages), one query; a broadcast
    with none is absent from the answer."""
    ids = list(broadcast_ids)
    if not ids:
        return {}
    rows = (
        ViewerReport.objects.filter(status=ViewerReport.Status.WAITING, broadcast_id__in=ids)
        .values_list("broadcast_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def spike_threshold() -> tuple[int, int]:
    """(reports, minutes) from admin → 운영 설정 (``LIVE_REPORTS_SPIKE_COUNT`` / ``_MINUTES``)."""
    from constance import config

    try:
        count, minutes = int(config.LIVE_REPORTS_SPIKE_COUNT), int(config.LIVE_REPORTS_SPIKE_MINUTES)
    except (redis.exceptions.RedisError, DatabaseError, AttributeError, TypeError, ValueError):
        logger.warning("report spike settings unreadable, using the defaults")
        count, minutes = SPIKE_DEFAULT_COUNT, SPIKE_DEFAULT_MINUTES
    return max(count, 1), max(minutes, 1)


def reports_spiking_by_broadcast(broadcast_ids) -> set[int]:
    """The broadcasts with at least N reports (any status: handling them does not undo the spike) in the last
    M minutes, N and M from ``spike_threshold``; one query."""
    ids = list(broadcast_ids)
    if not ids:
        return set()
    count, minutes = spike_threshold()
    since = timezone.now() - timedelta(minutes=minutes)
    rows = (
        ViewerReport.objects.filter(broadcast_id__in=ids, created_at__gte=since)
        .values_list("broadcast_id")
        .annotate(n=Count("id"))
        .filter(n__gte=count)
        .order_by()
    )
    return {broadcast_id for broadcast_id, _n in rows}


def reports_spiking(broadcast_id: int) -> bool:
    """Whether the broadcast's reports spiked (see ``reports_spiking_by_broadcast``)."""
    return broadcast_id in reports_spiking_by_broadcast([broadcast_id])
