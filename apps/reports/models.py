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
    an old day counts fewer); ``buyers`` counts members with an order whose payment was confirmed that day.
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


class Settlement(models.Model):
    """What one seller earned in one category over one day or month: staff's category view of sales by payment
    day (the sellers' own statements, by purchase confirmation, are ``SellerStatement``).

    Written whole per period by ``orders.settlement_daily`` / ``orders.settlement_monthly``
    (``services.settlement_write``): a rerun deletes the period's rows and writes the same ones again.
    Amounts in 원: ``net = gross - discounts + shipping - refunds - pg_fees``. ``orders`` and ``shipping``
    sit on the row of each order's first line, so the rows of a period add up to its orders and fees.
    """

    class Kind(models.TextChoices):
        DAY = "day", _("일별")
        MONTH = "month", _("월별")

    kind = models.CharField(_("기간 종류"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("기간 시작"))
    seller = models.ForeignKey(
        "sellers.Seller",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("셀러"),
        help_text=_("주문 상품의 판매자 (비어 있으면 판매자를 알 수 없는 옛 집계)"),
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("카테고리"),
    )
    orders = models.PositiveIntegerField(_("주문 수"), default=0)
    quantity = models.IntegerField(_("판매 수량"), default=0)
    gross = models.BigIntegerField(_("총매출 (정가)"), default=0)
    discounts = models.BigIntegerField(_("할인"), default=0)
    shipping = models.BigIntegerField(_("배송비"), default=0)
    refunds = models.BigIntegerField(_("환불"), default=0)
    pg_fees = models.BigIntegerField(_("PG 수수료"), default=0)
    net = models.BigIntegerField(_("정산 금액"), default=0)
    computed_at = models.DateTimeField(_("집계 일시"), auto_now=True)

    class Meta:
        verbose_name = _("정산")
        verbose_name_plural = _("정산")
        ordering = ("-period_start", "kind", "seller_id", "category_id")
        indexes = [models.Index(fields=("kind", "period_start"), name="reports_settlement_period")]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.period_start} {self.seller_id or '-'}/{self.category_id or '-'}"
        )


class SellerStatement(models.Model):
    """What TriMarket owes one seller for one day of purchase confirmations (or the sum of a month's days).

    Written by ``orders.seller_statements_daily`` / ``_monthly`` (``services.seller_statements_write``). A day
    row is 정산예정 until staff mark it paid (``seller_statements_mark_paid``); a paid row is never rewritten:
    when a rerun finds a paid day's figures changed, the difference goes on the day's one unpaid row
    (``is_adjustment``), so paid rows plus that row always equal the day as computed now. The rates and payout
    days are the runtime settings in force when the seller's day was first computed, kept on its rows so a
    later change of the settings never rewrites a day silently. Amounts in 원:
    ``payout = gross - refunds_after - pg_fee - commission``.
    """

    class Kind(models.TextChoices):
        DAY = "day", _("일별")
        MONTH = "month", _("월별")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("정산예정")
        PAID = "paid", _("지급완료")

    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="statements", verbose_name=_("셀러")
    )
    kind = models.CharField(_("기간 종류"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("구매확정일 (월별: 그 달 1일)"))
    is_adjustment = models.BooleanField(
        _("정산 조정"), default=False, help_text=_("이미 지급한 날의 금액이 바뀌어 더하거나 빼는 차액")
    )
    orders = models.IntegerField(_("주문 수"), default=0)
    quantity = models.IntegerField(_("판매 수량"), default=0)
    gross = models.BigIntegerField(_("판매금액"), default=0, help_text=_("판매가 × 수량 + 배송비"))
    shipping = models.BigIntegerField(_("배송비"), default=0)
    live_sales = models.BigIntegerField(_("라이브 판매금액"), default=0)
    refunds = models.BigIntegerField(
        _("확정 전 환불"), default=0, help_text=_("구매확정 전에 환불된 금액 (판매금액에 들어가지 않음)")
    )
    refunds_after = models.BigIntegerField(
        _("확정 후 환불"), default=0, help_text=_("구매확정 뒤 이날 환불된 금액 (정산 금액에서 차감)")
    )
    pg_fee = models.BigIntegerField(_("PG 수수료"), default=0)
    commission = models.BigIntegerField(_("판매 수수료"), default=0)
    commission_rate = models.DecimalField(
        _("판매 수수료율(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    live_commission_rate = models.DecimalField(
        _("라이브 판매 수수료율(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    payout = models.BigIntegerField(_("정산 금액"), default=0)
    payout_days = models.PositiveSmallIntegerField(_("구매확정 후 지급일 수"), null=True, blank=True)
    payout_date = models.DateField(_("지급 예정일"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    paid_at = models.DateTimeField(_("지급 처리 일시"), null=True, blank=True)
    paid_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("지급 처리자"),
    )
    computed_at = models.DateTimeField(_("집계 일시"), auto_now=True)

    class Meta:
        verbose_name = _("셀러 정산서")
        verbose_name_plural = _("셀러 정산서")
        ordering = ("-period_start", "kind", "seller_id", "id")
        indexes = [
            models.Index(fields=("seller", "kind", "period_start"), name="reports_statement_seller"),
            models.Index(fields=("kind", "period_start"), name="reports_statement_period"),
        ]

    def __str__(self) -> str:
        return f"{self.seller} {self.get_kind_display()} {self.period_start}"


class CartAddition(models.Model):
    """One "장바구니 담기" as orders announced it (``cart.item_added``): the broadcast report's add-to-carts."""

    product_id = models.PositiveBigIntegerField(_("상품 ID"))
    option_id = models.PositiveBigIntegerField(_("옵션 ID"))
    user_id = models.PositiveBigIntegerField(_("회원 ID"), null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(_("수량"), default=1)
    added_at = models.DateTimeField(_("담은 시각"))

    class Meta:
        verbose_name = _("장바구니 담기 기록")
        verbose_name_plural = _("장바구니 담기 기록")
        indexes = [models.Index(fields=("product_id", "added_at"), name="reports_cartaddition_product")]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity} @ {self.added_at:%Y-%m-%d %H:%M}"


class BroadcastReport(models.Model):
    """A broadcast's figures once it ended; written whole by ``live.broadcast_report`` (a rerun replaces it)."""

    broadcast = models.OneToOneField(
        "live.Broadcast", on_delete=models.CASCADE, related_name="+", verbose_name=_("방송")
    )
    title = models.CharField(_("방송 제목"), max_length=100)
    started_at = models.DateTimeField(_("시작 시각"), null=True, blank=True)
    ended_at = models.DateTimeField(_("종료 시각"), null=True, blank=True)
    peak_viewers = models.PositiveIntegerField(_("최대 시청자"), default=0)
    average_viewers = models.PositiveIntegerField(_("평균 시청자"), default=0)
    messages = models.PositiveIntegerField(_("채팅"), default=0)
    likes = models.PositiveIntegerField(_("좋아요"), default=0)
    add_to_carts = models.PositiveIntegerField(_("장바구니 담기"), default=0)
    orders = models.PositiveIntegerField(_("주문"), default=0)
    quantity = models.PositiveIntegerField(_("판매 수량"), default=0)
    revenue = models.BigIntegerField(_("매출"), default=0)
    computed_at = models.DateTimeField(_("집계 일시"), auto_now=True)

    class Meta:
        verbose_name = _("방송 리포트")
        verbose_name_plural = _("방송 리포트")
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return self.title


class BroadcastReportPin(models.Model):
    """One pinned window of a broadcast: from the pin to the next pin or the end of the broadcast."""

    report = models.ForeignKey(
        BroadcastReport, on_delete=models.CASCADE, related_name="pins", verbose_name=_("방송 리포트")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("상품")
    )
    product_name = models.CharField(_("상품명"), max_length=120)
    pinned_from = models.DateTimeField(_("소개 시작"))
    pinned_until = models.DateTimeField(_("소개 끝"))
    add_to_carts = models.PositiveIntegerField(_("장바구니 담기"), default=0)
    orders = models.PositiveIntegerField(_("주문"), default=0)
    quantity = models.PositiveIntegerField(_("판매 수량"), default=0)
    revenue = models.BigIntegerField(_("매출"), default=0)

    class Meta:
        verbose_name = _("방송 리포트 상품 소개")
        verbose_name_plural = _("방송 리포트 상품 소개")
        ordering = ("pinned_from", "id")

    def __str__(self) -> str:
        return f"{self.product_name} {self.pinned_from:%H:%M}~{self.pinned_until:%H:%M}"


class RuntimeSettingChange(models.Model):
    """One change of a runtime setting (django-constance), whoever made it and however: admin → 운영 설정,
    a restore from this history, a service or a command. Written only by
    ``apps.reports.settings_history.runtime_setting_change_record``, from constance's ``config_updated``.

    Values are kept in constance's own encoding (``constance.codecs.dumps``), so a restore writes back exactly
    the value and type that was in force (a ``Decimal`` stays a ``Decimal``). ``old_was_default``: the setting
    had never been stored, so its declared default was in force before.
    """

    key = models.CharField(_("설정"), max_length=100, db_index=True)
    old_value = models.TextField(_("이전 값"))
    new_value = models.TextField(_("새 값"))
    old_was_default = models.BooleanField(_("이전 값은 기본값"), default=False)
    actor = models.ForeignKey(
        User,
        verbose_name=_("변경한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("변경한 사람 (기록 당시)"), max_length=150, blank=True)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("되돌린 기록"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restorations",
    )
    changed_at = models.DateTimeField(_("변경 시각"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("운영 설정 변경 기록")
        verbose_name_plural = _("운영 설정 변경 기록")
        ordering = ("-changed_at", "-id")

    def __str__(self) -> str:
        return f"{self.key} @ {self.changed_at:%Y-%m-%d %H:%M}"
