"""Archiving: old operational rows go to gzip JSON lines and leave their tables; recent ones stay."""

import errno
import gzip
import json
import os
import stat
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.accounts import archiving as accounts_archiving
from apps.accounts.models import EmailVerification
from apps.accounts.services import email_verification_send
from apps.orders import services as order_services
from apps.orders.models import Order, StockReservation
from apps.orders.tests.factories import UserFactory, order_make
from apps.reports import archive
from apps.reports.archive import archive_path
from apps.reports.models import JobRun
from apps.reports.registry import Period, job_get
from apps.reports.services import job_run

pytestmark = pytest.mark.django_db

OLD = timedelta(days=40)


@pytest.fixture
def archive_settings(settings, tmp_path):
    settings.REPORTS_ARCHIVE_DIR = tmp_path / "archive"
    settings.REPORTS_ARCHIVE_AFTER_DAYS = 30
    settings.REPORTS_ARCHIVE_CHUNK_SIZE = 2
    return settings


def _codes(*, old: int, recent: int) -> list[EmailVerification]:
    codes = []
    for n in range(old + recent):
        code = email_verification_send(user=UserFactory(email=f"member{n}@trimarket.example"))
        if n < old:
            EmailVerification.objects.filter(pk=code.pk).update(expires_at=timezone.now() - OLD)
        codes.append(code)
    return codes


def _released_reservation(*, age: timedelta, order_status: str | None = None) -> StockReservation:
    order = order_make()
    order_services.order_cancel(order=order, actor="shopper")
    reservation = StockReservation.objects.get(order=order)
    StockReservation.objects.filter(pk=reservation.pk).update(created_at=timezone.now() - age)
    if order_status:
        Order.objects.filter(pk=order.pk).update(status=order_status)
    return reservation


def _read(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        return [json.loads(line) for line in archive]


def test_old_rows_are_archived_and_deleted_recent_ones_stay(archive_settings):
    """Spent codes and settled reservations older than 30 days move to var/archive/<table>/<day>.jsonl.gz."""
    codes = _codes(old=3, recent=1)
    old_released = [_released_reservation(age=OLD) for _ in range(3)]
    recent_released = _released_reservation(age=timedelta(days=2))
    needing_check = _released_reservation(age=OLD, order_status=Order.Status.NEEDS_CHECK)
    still_held = StockReservation.objects.get(order=order_make())
    StockReservation.objects.filter(pk=still_held.pk).update(created_at=timezone.now() - OLD)
    today = timezone.localdate()

    run = job_run(job="reports.archive_daily", period=Period.day(today))

    assert (run.status, run.rows) == (JobRun.Status.SUCCEEDED, 6)
    assert list(EmailVerification.objects.values_list("pk", flat=True)) == [codes[-1].pk]
    assert set(StockReservation.objects.values_list("pk", flat=True)) == {
        recent_released.pk,
        needing_check.pk,
        still_held.pk,
    }
    archived_codes = _read(archive_path(table="accounts_emailverification", day=today))
    assert sorted(row["id"] for row in archived_codes) == sorted(code.pk for code in codes[:3])
    assert {"user_id", "email", "code_hash", "sent_at", "expires_at"} <= set(archived_codes[0])
    archived_holds = _read(archive_path(table="orders_stockreservation", day=today))
    assert sorted(row["id"] for row in archived_holds) == sorted(r.pk for r in old_released)
    assert {row["state"] for row in archived_holds} == {"released"}


def test_a_second_run_appends_without_losing_the_first(archive_settings):
    """Another run the same day adds its rows to the same file; both runs' rows read back."""
    _codes(old=1, recent=0)
    today = timezone.localdate()
    job_run(job="reports.archive_daily", period=Period.day(today))
    _codes(old=1, recent=0)

    job_run(job="reports.archive_daily", period=Period.day(today))

    assert len(_read(archive_path(table="accounts_emailverification", day=today))) == 2
    assert not EmailVerification.objects.exists()


def _fsyncs_recorded(monkeypatch, events: list[str], *, fail: bool = False) -> None:
    """Record each fsync as "file" or "folder" (or fail the file's, as a full disk would)."""
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file"
        if fail and kind == "file":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(descriptor)
        events.append(kind)

    monkeypatch.setattr(archive.os, "fsync", fsync)


def test_rows_are_deleted_only_after_their_file_and_folders_are_synced(archive_settings, monkeypatch):
    """Each chunk's file, its new folders and their parents reach the disk before the chunk's rows are deleted."""
    _codes(old=3, recent=0)
    events: list[str] = []
    _fsyncs_recorded(monkeypatch, events)
    real_delete = accounts_archiving.email_verifications_archived_delete

    def delete(**kwargs) -> int:
        events.append("delete")
        return real_delete(**kwargs)

    monkeypatch.setattr(accounts_archiving, "email_verifications_archived_delete", delete)

    archive.archive_all(day=timezone.localdate())

    # Chunk 1 makes <archive>/<table>/: the file, its folder, <archive> and <archive>'s parent; chunk 2 appends.
    assert events == ["file", "folder", "folder", "folder", "delete", "file", "folder", "delete"]
    assert not EmailVerification.objects.exists()


def test_a_failure_writing_the_archive_deletes_nothing(archive_settings, monkeypatch):
    """A disk that refuses the write stops the run with its error, and every row is still in its table."""
    codes = _codes(old=3, recent=0)
    _fsyncs_recorded(monkeypatch, [], fail=True)

    with pytest.raises(OSError, match="No space left"):
        archive.archive_all(day=timezone.localdate())

    assert EmailVerification.objects.count() == len(codes)


def test_archiving_commits_chunk_by_chunk():
    """The archive job runs outside one wrapping transaction, so each chunk's delete commits on its own."""
    assert job_get("reports.archive_daily").atomic is False
    assert job_get("orders.settlement_daily").atomic is True


@pytest.mark.django_db
def test_every_job_has_its_beat_schedule_after_migrate():
    """Migrate leaves each job's schedule: statistics 01:30, settlement 02:00 and the 1st 03:00, seller
    statements 02:15 and the 1st 03:15, broadcast reports 02:30, archive 04:00 (Asia/Seoul)."""
    PeriodicTask.objects.all().delete()

    call_command("migrate", verbosity=0)

    schedules = {
        task.name: (task.crontab.hour, task.crontab.minute, task.crontab.day_of_month, task.enabled)
        for task in PeriodicTask.objects.select_related("crontab").filter(
            task="apps.reports.tasks.job_execute"
        )
    }
    assert schedules == {
        "accounts.user_statistics_daily": ("1", "30", "*", True),
        "orders.settlement_daily": ("2", "0", "*", True),
        "orders.settlement_monthly": ("3", "0", "1", True),
        "orders.seller_statements_daily": ("2", "15", "*", True),
        "orders.seller_statements_monthly": ("3", "15", "1", True),
        "live.broadcast_report_daily": ("2", "30", "*", True),
        "reports.archive_daily": ("4", "0", "*", True),
    }
