"""Writes of the reports module: running jobs and recording each run, and the aggregates jobs compute."""

import logging
import traceback
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.mail import staff_mail
from apps.core.metrics import JOB_RUNS
from apps.payments.statements import StatementFigures, commission_of
from apps.reports.models import (
    BroadcastReport,
    BroadcastReportPin,
    CartAddition,
    JobRun,
    SellerStatement,
    Settlement,
    UserStatisticsDay,
)
from apps.reports.registry import Period, job_get
from apps.reports.selectors.broadcasts import broadcast_figures, broadcasts_ended_in
from apps.reports.selectors.settlement import settlement_figures
from apps.reports.selectors.statements import (
    STATEMENT_AMOUNTS,
    StatementRates,
    statement_figures,
    statement_rates_now,
)
from apps.reports.selectors.statistics import active_users_by_channel, buyers_by_channel, signups_by_channel

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
            with transaction.atomic() if spec.atomic else nullcontext():
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
    staff_mail(subject=subject, body=body)


def user_statistics_day_write(*, period: Period) -> int:
    """Replace the ``UserStatisticsDay`` rows of every day in ``period``; one row per day and join channel."""
    rows = []
    day = period.start
    while day < period.end:
        one = Period.day(day)
        signups = signups_by_channel(period=one)
        active = active_users_by_channel(period=one)
        buyers = buyers_by_channel(period=one)
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


def settlement_write(*, kind: str, period: Period) -> int:
    """Replace the ``Settlement`` rows of ``kind`` (day or month) starting in ``period`` with fresh ones.

    Rows are written in a fixed order (period, seller, category), so a rerun over unchanged orders writes
    the same rows with the same figures. Call inside the job's transaction (``job_run``).
    """
    figures = settlement_figures(kind=kind, period=period)
    rows = [
        Settlement(
            kind=kind,
            period_start=start,
            seller_id=seller_id,
            category_id=category_id,
            orders=row.orders,
            quantity=row.quantity,
            gross=row.gross,
            discounts=row.discounts,
            shipping=row.shipping,
            refunds=row.refunds,
            pg_fees=row.pg_fees,
            net=row.net,
        )
        for (start, seller_id, category_id), row in sorted(
            figures.items(), key=lambda item: (item[0][0], item[0][1] or 0, item[0][2] or 0)
        )
    ]
    Settlement.objects.filter(kind=kind, period_start__gte=period.start, period_start__lt=period.end).delete()
    Settlement.objects.bulk_create(rows)
    return len(rows)


def broadcast_report_write(*, broadcast_id: int) -> int:
    """Replace one broadcast's report (the broadcast's row and one row per pinned window); 0 if it never aired."""
    figures = broadcast_figures(broadcast_id=broadcast_id)
    BroadcastReport.objects.filter(broadcast_id=broadcast_id).delete()
    if figures is None:
        return 0
    broadcast, audience, total = figures.broadcast, figures.audience, figures.total
    report = BroadcastReport.objects.create(
        broadcast=broadcast,
        title=broadcast.title,
        started_at=broadcast.started_at,
        ended_at=broadcast.ended_at,
        peak_viewers=audience.peak_viewers,
        average_viewers=audience.average_viewers,
        messages=audience.messages,
        likes=audience.likes,
        add_to_carts=total.add_to_carts,
        orders=total.orders,
        quantity=total.quantity,
        revenue=total.revenue,
    )
    BroadcastReportPin.objects.bulk_create(
        BroadcastReportPin(
            report=report,
            product_id=pin.product_id,
            product_name=pin.product_name[:120],
            pinned_from=pin.start,
            pinned_until=pin.end,
            add_to_carts=pin.tally.add_to_carts,
            orders=pin.tally.orders,
            quantity=pin.tally.quantity,
            revenue=pin.tally.revenue,
        )
        for pin in figures.pins
    )
    return 1 + len(figures.pins)


def broadcast_reports_write(*, period: Period, subject: str = "") -> int:
    """``live.broadcast_report``: one broadcast (``subject`` ``broadcast:<id>``, sent when it ends) or every
    broadcast that ended in ``period`` (the nightly pass, which also catches orders paid after the end)."""
    if subject:
        return broadcast_report_write(broadcast_id=int(subject.removeprefix("broadcast:")))
    return sum(broadcast_report_write(broadcast_id=pk) for pk in broadcasts_ended_in(period=period))


def cart_addition_record(
    *, product_id: int, option_id: int, user_id: int | None, quantity: int, added_at
) -> None:
    """Keep one "장바구니 담기" for the broadcast reports (from orders' ``cart.item_added``).

    Idempotent: a redelivered event (same option, member and moment) is kept once.
    """
    CartAddition.objects.get_or_create(
        product_id=product_id,
        option_id=option_id,
        user_id=user_id,
        added_at=added_at,
        defaults={"quantity": quantity},
    )


# --- Seller statements ------------------------------------------------------------------------------------


def _statement_amounts(figures: StatementFigures | None, rates: StatementRates) -> dict[str, int]:
    if figures is None:
        return dict.fromkeys(STATEMENT_AMOUNTS, 0)
    commission = commission_of(
        live_sales=figures.live_sales,
        other_sales=figures.other_sales,
        rate=rates.commission_rate,
        live_rate=rates.live_commission_rate,
    )
    amounts = {
        "orders": len(figures.orders),
        "quantity": figures.quantity,
        "gross": figures.gross,
        "shipping": figures.shipping,
        "live_sales": figures.live_sales,
        "refunds": figures.refunds,
        "refunds_after": figures.refunds_after,
        "pg_fee": figures.pg_fee,
        "commission": commission,
    }
    amounts["payout"] = figures.gross - figures.refunds_after - amounts["pg_fee"] - commission
    return amounts


def seller_statements_day_write(*, period: Period) -> int:
    """Write every seller's day statements of ``period``; returns the rows written or removed.

    Idempotent: each (seller, day) keeps at most one unpaid row, updated in place (its id, and so its page,
    stays), carrying what the day comes to now less what was already paid; a paid row is never touched.
    The rates and payout days are those of the day's first row for that seller, else today's settings.
    Call inside the job's transaction (``job_run``): the rows are locked, so staff marking one paid waits.
    """
    figures = statement_figures(period=period)
    existing: dict[tuple, list[SellerStatement]] = {}
    for row in (
        SellerStatement.objects.select_for_update()
        .filter(kind=SellerStatement.Kind.DAY, period_start__gte=period.start, period_start__lt=period.end)
        .order_by("id")
    ):
        existing.setdefault((row.period_start, row.seller_id), []).append(row)
    now_rates = statement_rates_now()
    written = 0
    for key in sorted(set(figures) | set(existing)):
        day, seller_id = key
        rows = existing.get(key, [])
        first = rows[0] if rows else None
        rates = (
            StatementRates(first.commission_rate, first.live_commission_rate, first.payout_days)
            if first
            else now_rates
        )
        owed = _statement_amounts(figures.get(key), rates)
        paid = [row for row in rows if row.status == SellerStatement.Status.PAID]
        for row in paid:
            for name in STATEMENT_AMOUNTS:
                owed[name] -= getattr(row, name)
        unpaid = [row for row in rows if row.status == SellerStatement.Status.SCHEDULED]
        for extra in unpaid[1:]:
            extra.delete()
        row = unpaid[0] if unpaid else None
        if not any(owed.values()):
            if row is not None:
                row.delete()
                written += 1
            continue
        row = row or SellerStatement(kind=SellerStatement.Kind.DAY, period_start=day, seller_id=seller_id)
        for name, value in owed.items():
            setattr(row, name, value)
        row.is_adjustment = bool(paid)
        row.commission_rate = rates.commission_rate
        row.live_commission_rate = rates.live_commission_rate
        row.payout_days = rates.payout_days
        row.payout_date = day + timedelta(days=rates.payout_days)
        row.save()
        written += 1
    return written


def seller_statements_month_write(*, period: Period) -> int:
    """Settle each day of the month again, then write each seller's month row: the sum of its day rows (paid,
    unpaid and adjustments), never a figure rounded again on the month. Idempotent like the days."""
    for day in _days_of(period):
        seller_statements_day_write(period=day)
    sums: dict[int, dict[str, int]] = {}
    for row in SellerStatement.objects.filter(
        kind=SellerStatement.Kind.DAY, period_start__gte=period.start, period_start__lt=period.end
    ).order_by("id"):
        total = sums.setdefault(row.seller_id, dict.fromkeys(STATEMENT_AMOUNTS, 0))
        for name in STATEMENT_AMOUNTS:
            total[name] += getattr(row, name)
    months = SellerStatement.objects.filter(kind=SellerStatement.Kind.MONTH, period_start=period.start)
    months.exclude(seller_id__in=list(sums)).delete()
    for seller_id, total in sorted(sums.items()):
        SellerStatement.objects.update_or_create(
            kind=SellerStatement.Kind.MONTH, period_start=period.start, seller_id=seller_id, defaults=total
        )
    return len(sums)


def _days_of(period: Period) -> list[Period]:
    days, day = [], period.start
    while day < period.end:
        days.append(Period.day(day))
        day += timedelta(days=1)
    return days


class StatementNotPayable(ValueError):
    """A statement staff tried to mark paid that may not be (a month's sum, or before its payout date)."""


@transaction.atomic
def seller_statements_mark_paid(*, statement_ids: Iterable[int], by: User) -> tuple[int, list[str]]:
    """Staff: mark day statements 지급완료, recording who and when; returns (marked, reasons of those skipped).

    Only a day row whose payout date has come may be marked; a month row is a sum, paid through its days.
    """
    today = timezone.localdate()
    marked, skipped = 0, []
    for row in (
        SellerStatement.objects.select_for_update()
        .filter(pk__in=list(statement_ids))
        .select_related("seller")
        .order_by("period_start", "id")
    ):
        label = f"{row.seller} {row.period_start}"
        if row.kind != SellerStatement.Kind.DAY:
            skipped.append(f"{label}: 월별 합계는 일별 정산서로 지급 처리해요.")
        elif row.status == SellerStatement.Status.PAID:
            skipped.append(f"{label}: 이미 지급완료예요.")
        elif row.payout_date is None or row.payout_date > today:
            skipped.append(f"{label}: 지급 예정일({row.payout_date})이 아직 오지 않았어요.")
        else:
            row.status = SellerStatement.Status.PAID
            row.paid_at = timezone.now()
            row.paid_by = by
            row.save(update_fields=["status", "paid_at", "paid_by", "computed_at"])
            marked += 1
    return marked, skipped
