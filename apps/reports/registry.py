"""Scheduled jobs are declared in code, in ``apps/reports/jobs.py``::

    @job("orders.settlement_daily", schedule=crontab(hour=2, minute=0), period=PeriodKind.DAY)
    def settlement_daily(*, period: Period) -> int:
        ...  # replace the period's rows; return how many were written

A job function receives the ``Period`` to compute and returns the number of rows it wrote. An idempotent
job (the default) replaces everything it wrote for the period, so running it twice leaves the same rows;
``apps.reports.services.job_run`` runs a non-idempotent one at most once successfully per period.
Every registered job gets a django-celery-beat schedule at migrate (``apps.reports.schedules``).
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from celery.schedules import crontab


class PeriodKind(StrEnum):
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` (inclusive) to ``end`` (exclusive), in Asia/Seoul."""

    start: date
    end: date

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day + timedelta(days=1))

    @classmethod
    def month(cls, day: date) -> "Period":
        first = day.replace(day=1)
        return cls(first, first + timedelta(days=calendar.monthrange(first.year, first.month)[1]))

    @classmethod
    def of(cls, kind: PeriodKind, day: date) -> "Period":
        return cls.month(day) if kind == PeriodKind.MONTH else cls.day(day)

    def __str__(self) -> str:
        if self.end - self.start == timedelta(days=1):
            return self.start.isoformat()
        return f"{self.start.isoformat()}~{(self.end - timedelta(days=1)).isoformat()}"


JobFunction = Callable[..., int]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    schedule: crontab
    period: PeriodKind = PeriodKind.DAY
    idempotent: bool = True
    atomic: bool = True
    description: str = ""
    extra: dict = field(default_factory=dict)

    def default_period(self, today: date) -> Period:
        """What a scheduled run computes: the day before ``today``, or the month before for monthly jobs."""
        if self.period == PeriodKind.MONTH:
            return Period.month(today.replace(day=1) - timedelta(days=1))
        return Period.day(today - timedelta(days=1))

    def periods_between(self, first: date, last: date) -> list[Period]:
        """Every period of this job's kind that touches ``first``..``last`` (both inclusive)."""
        periods: list[Period] = []
        cursor = first
        while cursor <= last:
            period = Period.of(self.period, cursor)
            periods.append(period)
            cursor = period.end
        return periods


_jobs: dict[str, Job] = {}


class UnknownJob(KeyError):
    pass


def job(
    name: str,
    *,
    schedule: crontab,
    period: PeriodKind = PeriodKind.DAY,
    idempotent: bool = True,
    atomic: bool = True,
    description: str = "",
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the job ``name`` (``<module>.<what>_<how often>``).

    ``atomic=False`` runs the function outside one wrapping transaction: for a job that commits in small
    chunks itself (archiving), so it never holds locks for the whole run.
    """

    def register(function: JobFunction) -> JobFunction:
        _jobs[name] = Job(
            name=name,
            function=function,
            schedule=schedule,
            period=period,
            idempotent=idempotent,
            atomic=atomic,
            description=description or next(iter((function.__doc__ or "").strip().splitlines()), ""),
        )
        return function

    return register


def job_get(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise UnknownJob(name) from None


def job_list() -> list[Job]:
    return sorted(_jobs.values(), key=lambda spec: spec.name)
