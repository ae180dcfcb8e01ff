"""The django-celery-beat rows of the registered jobs: created at migrate, then owned by staff in admin.

A schedule that already exists is left as staff edited it (time, enabled); only a missing one is created,
so a deploy never undoes a change made in admin.
"""

import json

from django.conf import settings

from apps.reports.registry import job_list

JOB_TASK = "apps.reports.tasks.job_execute"


def schedules_ensure(**kwargs) -> None:
    """Create the CrontabSchedule and PeriodicTask of every registered job that has none (post_migrate)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    using = kwargs.get("using", "default")
    for spec in job_list():
        if PeriodicTask.objects.using(using).filter(name=spec.name).exists():
            continue
        cron = spec.schedule
        schedule, _ = CrontabSchedule.objects.using(using).get_or_create(
            minute=cron._orig_minute,
            hour=cron._orig_hour,
            day_of_week=cron._orig_day_of_week,
            day_of_month=cron._orig_day_of_month,
            month_of_year=cron._orig_month_of_year,
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.using(using).create(
            name=spec.name,
            task=JOB_TASK,
            crontab=schedule,
            kwargs=json.dumps({"job": spec.name}),
            description=spec.description,
            enabled=True,
        )
