"""Writes of the reports module: running jobs and recording each run, and the aggregates jobs compute."""

import logging
import traceback

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import mail_admins, send_mail
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.metrics import JOB_RUNS
from apps.reports import selectors
from apps.reports.models import JobRun, UserStatisticsDay
from apps.reports.registry import Period, job_get

logger = logging.getLogger(__name__)

JOB_LOCK_SECONDS = 60 * 60
ERROR_TEXT_LIMIT = 8000


class JobAlreadyRunning(RuntimeError):
    """Another process holds this job's lock for the same period."""


def _lock_key(*, job: str, period: Period, subject: str) -> str:
    return f"reports:job-lock:{job}:{period.start}:{period.end}:{subject}"


def job_run(
    *,
    job: str,
    period: Period,
    subject: str = "",
    attempt: int = 1,
    notify_on_failure: bool = True,
    triggered_by: str = "",
) -> JobRun:
    """Run ``job`` for ``period`` and record the run; re-raise the job's error after recording it.

    The job's own writes happen in one transaction, so a failed run leaves none of them behind. A job that
    is not idempotent and already succeeded for this period is not run again: that earlier run is returned.
    When ``notify_on_failure`` (the last attempt), a failure is mailed to staff. Two processes never run the
    same job for the same period at once (``JobAlreadyRunning``).
    """
    spec = job_get(job)
    if not spec.idempotent:
        done = JobRun.objects.filter(
            job=job,
            period_start=period.start,
            period_end=period.end,
            subject=subject,
            status=JobRun.Status.SUCCEEDED,
        ).first()
        if done:
            return done

    lock = _lock_key(job=job, period=period, subject=subject)
    if not cache.add(lock, timezone.now().isoformat(), timeout=JOB_LOCK_SECONDS):
        raise JobAlreadyRunning(f"{job} {period} is already running")
    try:
        run = JobRun.objects.create(
            job=job,
            period_start=period.start,
            period_end=period.end,
            subject=subject,
            attempt=attempt,
            started_at=timezone.now(),
            triggered_by=triggered_by,
        )
        try:
            with transaction.atomic():
                kwargs = {"period": period, "subject": subject} if subject else {"period": period}
                rows = spec.function(**kwargs)
        except Exception as exc:
            run.status = JobRun.Status.FAILED
            run.error = traceback.format_exc()[-ERROR_TEXT_LIMIT:]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            JOB_RUNS.labels(job=job, status=run.status).inc()
            logger.warning("job %s %s failed on attempt %s: %s", job, period, attempt, exc)
            if notify_on_failure:
                transaction.on_commit(lambda: job_failure_notify(run=run), robust=True)
            raise
        run.status = JobRun.Status.SUCCEEDED
        run.rows = rows or 0
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "rows", "finished_at"])
        JOB_RUNS.labels(job=job, status=run.status).inc()
        return run
    finally:
        cache.delete(lock)


def job_failure_notify(*, run: JobRun) -> None:
    """Mail a run's final failure to ``ADMINS`` and to every active staff member with an email."""
    subject = f"[TriMarket] 배치 작업 실패: {run.job} ({run.period_start})"
    body = (
        f"작업: {run.job}\n"
        f"기간: {run.period_start} ~ {run.period_end} (끝 미포함)\n"
        f"대상: {run.subject or '-'}\n"
        f"시도: {run.attempt}회째 (마지막)\n"
        f"시작: {timezone.localtime(run.started_at):%Y-%m-%d %H:%M:%S}\n\n"
        f"다시 실행: python manage.py job_rerun {run.job} --from {run.period_start} --to {run.period_start}\n"
        f"대시보드: {settings.SITE_URL}/staff/dashboard/\n\n"
        f"{run.error}"
    )
    if settings.ADMINS:
        mail_admins(subject.removeprefix("[TriMarket] "), body, fail_silently=True)
    staff = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .order_by("email")
    )
    if staff:
        send_mail(subject, body, None, staff, fail_silently=True)


def user_statistics_day_write(*, period: Period) -> int:
    """Replace the ``UserStatisticsDay`` rows of every day in ``period``; one row per day and join channel."""
    rows = []
    day = period.start
    while day < period.end:
        one = Period.day(day)
        signups = selectors.signups_by_channel(period=one)
        active = selectors.active_users_by_channel(period=one)
        buyers = selectors.buyers_by_channel(period=one)
        rows += [
            UserStatisticsDay(
                day=day,
                join_channel=channel,
                signups=signups.get(channel, 0),
                active_users=active.get(channel, 0),
                buyers=buyers.get(channel, 0),
            )
            for channel in User.JoinChannel.values
        ]
        day = one.end
    UserStatisticsDay.objects.filter(day__gte=period.start, day__lt=period.end).delete()
    UserStatisticsDay.objects.bulk_create(rows)
    return len(rows)
