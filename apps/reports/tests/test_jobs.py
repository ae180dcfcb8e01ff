"""The job framework: beat schedules from migrate, recorded runs, retries, failure mail, backfill."""

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import User
from apps.reports.models import JobRun, UserStatisticsDay
from apps.reports.registry import Period, PeriodKind, job_get, job_list
from apps.reports.services import job_run
from apps.reports.tasks import job_execute
from apps.reports.tests.factories import StaffFactory, UserFactory, seoul

STATS_JOB = "accounts.user_statistics_daily"
DAY = date(2026, 11, 2)


@pytest.mark.django_db
def test_beat_schedules_are_present_after_migrate():
    """Migrate leaves one enabled beat schedule per registered job, at its time in Asia/Seoul."""
    PeriodicTask.objects.filter(name=STATS_JOB).delete()

    call_command("migrate", verbosity=0)

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {spec.name for spec in job_list()} <= names
    task = PeriodicTask.objects.select_related("crontab").get(name=STATS_JOB)
    assert task.enabled
    assert task.task == "apps.reports.tasks.job_execute"
    assert json.loads(task.kwargs) == {"job": STATS_JOB}
    assert (task.crontab.hour, task.crontab.minute) == ("1", "30")
    assert str(task.crontab.timezone) == "Asia/Seoul"


@pytest.mark.django_db
def test_a_schedule_edited_in_admin_survives_the_next_migrate():
    """Staff's change to a schedule (here: disabling it) is not undone by a deploy's migrate."""
    call_command("migrate", verbosity=0)
    PeriodicTask.objects.filter(name=STATS_JOB).update(enabled=False)

    call_command("migrate", verbosity=0)

    assert PeriodicTask.objects.filter(name=STATS_JOB).count() == 1
    assert not PeriodicTask.objects.get(name=STATS_JOB).enabled


@pytest.mark.django_db
def test_user_statistics_count_signups_activity_by_join_channel():
    """A day's row per join channel counts that day's signups and logins; other days are left out."""
    UserFactory(date_joined=seoul(DAY, 0), join_channel=User.JoinChannel.PASSWORD, last_login=seoul(DAY))
    UserFactory(date_joined=seoul(DAY, 23), join_channel=User.JoinChannel.KAKAO)
    UserFactory(date_joined=seoul(DAY), join_channel=User.JoinChannel.KAKAO, last_login=seoul(DAY, 9))
    UserFactory(date_joined=seoul(DAY - timedelta(days=1), 23), last_login=seoul(DAY, 1))
    UserFactory(date_joined=seoul(DAY + timedelta(days=1), 0))

    run = job_run(job=STATS_JOB, period=Period.day(DAY))

    assert run.status == JobRun.Status.SUCCEEDED
    assert run.rows == 3
    stats = {row.join_channel: row for row in UserStatisticsDay.objects.filter(day=DAY)}
    assert (stats["password"].signups, stats["kakao"].signups, stats["naver"].signups) == (1, 2, 0)
    assert (stats["password"].active_users, stats["kakao"].active_users) == (2, 1)
    assert all(row.buyers == 0 for row in stats.values())


@pytest.mark.django_db
def test_a_scheduled_run_computes_yesterday():
    """Beat sends only the job's name; the run covers the day before today (Asia/Seoul)."""
    job_execute.delay(job=STATS_JOB)

    run = JobRun.objects.get(job=STATS_JOB)
    yesterday = timezone.localdate() - timedelta(days=1)
    assert (run.period_start, run.period_end) == (yesterday, yesterday + timedelta(days=1))
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.triggered_by == "celery"


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_retried_and_its_final_failure_mailed_to_staff(settings, register_job):
    """Each attempt is recorded; only after the last retry is staff mailed, once."""
    settings.REPORTS_JOB_MAX_RETRIES = 2
    settings.ADMINS = []
    StaffFactory()
    UserFactory(email="shopper@example.com")

    def always_fails(*, period: Period) -> int:
        raise ConnectionError("the warehouse is unreachable")

    register_job("test.always_fails", always_fails)

    job_execute.delay(job="test.always_fails", start="2026-11-02")

    runs = list(JobRun.objects.filter(job="test.always_fails").order_by("attempt"))
    assert [run.attempt for run in runs] == [1, 2, 3]
    assert {run.status for run in runs} == {JobRun.Status.FAILED}
    assert "the warehouse is unreachable" in runs[-1].error
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@trimarket.example"]
    assert "test.always_fails" in mail.outbox[0].subject
    assert "job_rerun test.always_fails --from 2026-11-02" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_job_that_recovers_on_retry_mails_nobody(settings, register_job):
    """A failure followed by a successful retry leaves one failed and one succeeded run, and no mail."""
    settings.REPORTS_JOB_MAX_RETRIES = 3
    StaffFactory()
    calls = []

    def flaky(*, period: Period) -> int:
        calls.append(period)
        if len(calls) == 1:
            raise TimeoutError("slow replica")
        return 4

    register_job("test.flaky", flaky)

    job_execute.delay(job="test.flaky", start="2026-11-02")

    statuses = list(JobRun.objects.filter(job="test.flaky").order_by("attempt").values_list("status", "rows"))
    assert statuses == [(JobRun.Status.FAILED, 0), (JobRun.Status.SUCCEEDED, 4)]
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_run_rolls_back_what_the_job_wrote(register_job):
    """The job's writes share one transaction: a failure halfway leaves no partial rows."""

    def half_then_fail(*, period: Period) -> int:
        UserStatisticsDay.objects.create(day=period.start, join_channel="password", signups=9)
        raise ValueError("bad data")

    register_job("test.half", half_then_fail)

    with pytest.raises(ValueError, match="bad data"):
        job_run(job="test.half", period=Period.day(DAY), notify_on_failure=False)

    assert not UserStatisticsDay.objects.exists()
    assert JobRun.objects.get(job="test.half").status == JobRun.Status.FAILED


@pytest.mark.django_db
def test_a_job_that_is_not_idempotent_runs_once_per_period(register_job):
    """A second run for a period that already succeeded returns the earlier run without calling the job."""
    calls = []
    register_job("test.once", lambda *, period: calls.append(period) or 1, idempotent=False)

    first = job_run(job="test.once", period=Period.day(DAY))
    second = job_run(job="test.once", period=Period.day(DAY))

    assert second.pk == first.pk
    assert len(calls) == 1


@pytest.mark.django_db
def test_rerun_covers_a_date_range_and_running_it_twice_gives_the_same_rows(capsys):
    """job_rerun backfills each day of the range; a second rerun replaces the rows with equal ones."""
    for offset, channel in enumerate(["password", "kakao", "naver", "kakao"]):
        UserFactory(date_joined=seoul(DAY + timedelta(days=offset % 3)), join_channel=channel)

    def snapshot():
        return list(
            UserStatisticsDay.objects.order_by("day", "join_channel").values_list(
                "day", "join_channel", "signups", "active_users", "buyers"
            )
        )

    call_command("job_rerun", STATS_JOB, "--from", "2026-11-02", "--to", "2026-11-04")
    first = snapshot()
    call_command("job_rerun", STATS_JOB, "--from", "2026-11-02", "--to", "2026-11-04")

    assert snapshot() == first
    assert len(first) == 3 * 3
    signups = {(day, channel): n for day, channel, n, *_ in first}
    assert signups[(DAY, "password")] == 1
    assert signups[(DAY, "kakao")] == 1
    assert signups[(DAY + timedelta(days=1), "kakao")] == 1
    assert signups[(DAY + timedelta(days=2), "naver")] == 1
    runs = JobRun.objects.filter(job=STATS_JOB)
    assert runs.count() == 6
    assert set(runs.values_list("status", flat=True)) == {JobRun.Status.SUCCEEDED}
    output = capsys.readouterr()
    assert "3 periods, 9 rows" in output.out
    assert "3/3" in output.err


@pytest.mark.django_db
def test_rerun_names_the_registered_jobs_when_given_an_unknown_one():
    """A typo in the job name is an error that lists what exists."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=STATS_JOB):
        call_command("job_rerun", "accounts.user_statistics", "--from", "2026-11-02")


def test_monthly_jobs_cover_whole_months():
    """A monthly job's default period is last month; a range is split into calendar months."""
    spec = job_get(STATS_JOB)
    monthly = type(spec)(name="m", function=spec.function, schedule=spec.schedule, period=PeriodKind.MONTH)

    assert monthly.default_period(date(2026, 3, 1)) == Period(date(2026, 2, 1), date(2026, 3, 1))
    assert [str(p) for p in monthly.periods_between(date(2026, 1, 15), date(2026, 2, 3))] == [
        "2026-01-01~2026-01-31",
        "2026-02-01~2026-02-28",
    ]
