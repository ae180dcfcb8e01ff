import logging
import random
from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.reports.registry import Period, job_get
from apps.reports.services import JobAlreadyRunning, job_run

logger = logging.getLogger(__name__)


def retry_countdown(retries: int) -> int:
    """Exponential backoff with full jitter: up to BACKOFF·2^retries seconds, capped."""
    ceiling = min(settings.REPORTS_JOB_RETRY_BACKOFF * 2**retries, settings.REPORTS_JOB_RETRY_BACKOFF_MAX)
    return random.randint(ceiling // 2, ceiling)


@shared_task(bind=True, acks_late=True, max_retries=None)
def job_execute(
    self, *, job: str, start: str | None = None, end: str | None = None, subject: str = ""
) -> int:
    """Run a registered job (beat sends only ``job``: the period is then the job's default, e.g. yesterday).

    A failed attempt is retried up to REPORTS_JOB_MAX_RETRIES times with exponential backoff; only the last
    failure is mailed to staff. Returns the rows the job wrote.
    """
    spec = job_get(job)
    if start and end:
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
    elif start:
        period = Period.of(spec.period, date.fromisoformat(start))
    else:
        period = spec.default_period(timezone.localdate())
    retries = self.request.retries
    last = retries >= settings.REPORTS_JOB_MAX_RETRIES
    try:
        run = job_run(
            job=job,
            period=period,
            subject=subject,
            attempt=retries + 1,
            notify_on_failure=last,
            triggered_by="celery",
        )
    except JobAlreadyRunning:
        logger.info("%s %s is already running elsewhere; this delivery does nothing", job, period)
        return 0
    except Exception as exc:
        if last:
            raise
        raise self.retry(exc=exc, countdown=retry_countdown(retries)) from exc
    return run.rows
