from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User


class JobRun(models.Model):
    """One attempt of one scheduled job for one period (``period_start`` inclusive, ``period_end`` exclusive).

    Written only by ``apps.reports.services.job_run``; a job retried by Celery leaves one row per attempt.
    ``subject`` narrows a run to one object (``broadcast:17``) for jobs that are not per period alone.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("실행 중")
        SUCCEEDED = "succeeded", _("성공")
        FAILED = "failed", _("실패")

    job = models.CharField(_("작업"), max_length=100, db_index=True)
    period_start = models.DateField(_("기간 시작"))
    period_end = models.DateField(_("기간 끝(미포함)"))
    subject = models.CharField(_("대상"), max_length=100, blank=True)
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    attempt = models.PositiveSmallIntegerField(_("시도"), default=1)
    rows = models.PositiveIntegerField(_("처리 행 수"), default=0)
    started_at = models.DateTimeField(_("시작"))
    finished_at = models.DateTimeField(_("종료"), null=True, blank=True)
    error = models.TextField(_("오류"), blank=True)
    triggered_by = models.CharField(_("실행 주체"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("작업 실행 기록")
        verbose_name_plural = _("작업 실행 기록")
        ordering = ("-started_at", "-id")
        indexes = [models.Index(fields=("job", "period_start", "status"), name="reports_jobrun_period")]

    def __str__(self) -> str:
        return f"{self.job} {self.period_start} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class UserStatisticsDay(models.Model):
    """Users of one day (Asia/Seoul) and one join channel; written whole by ``accounts.user_statistics_daily``.

    ``active_users`` counts members whose last login fell on the day (a later login moves it, so a backfill of
    an old day counts fewer); ``buyers`` counts members with an order placed that day.
    """

    day = models.DateField(_("날짜"))
    join_channel = models.CharField(_("가입 경로"), max_length=16, choices=User.JoinChannel.choices)
    signups = models.PositiveIntegerField(_("가입"), default=0)
    active_users = models.PositiveIntegerField(_("활동 회원"), default=0)
    buyers = models.PositiveIntegerField(_("구매 회원"), default=0)
    computed_at = models.DateTimeField(_("집계 일시"), auto_now=True)

    class Meta:
        verbose_name = _("일별 회원 통계")
        verbose_name_plural = _("일별 회원 통계")
        ordering = ("-day", "join_channel")
        constraints = [
            models.UniqueConstraint(fields=("day", "join_channel"), name="reports_userstatisticsday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_join_channel_display()}"
