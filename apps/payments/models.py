"""What the shop knows of its payments: each attempt at the PG and each refund, beside the orders they pay.

The PG is the truth about money; these rows are the shop's record of what it asked and what it was told, so
staff can follow a payment in admin and reconciliation knows what to ask about.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.sealed import SealedJSONField
from apps.orders.models import Order


class PaymentAttempt(models.Model):
    """One payment of an order at the PG (a shopper may try again after a failed card: one row each)."""

    class Status(models.TextChoices):
        STARTED = "started", _("결제창 진행")
        PAID = "paid", _("결제 완료")
        FAILED = "failed", _("결제 실패")
        CANCELLED = "cancelled", _("PG 취소")
        MISMATCH = "mismatch", _("금액·상태 불일치")
        UNKNOWN = "unknown", _("확인 대기 (PG 응답 없음)")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payment_attempts", verbose_name=_("주문")
    )
    merchant_uid = models.CharField(_("주문번호"), max_length=40, db_index=True)
    imp_uid = models.CharField(_("결제번호 (imp_uid)"), max_length=40, blank=True, db_index=True)
    amount = models.PositiveIntegerField(_("요청 금액"))
    paid_amount = models.PositiveIntegerField(_("PG 결제 금액"), default=0)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.STARTED)
    pg_status = models.CharField(_("PG 상태"), max_length=12, blank=True)
    message = models.CharField(_("사유"), max_length=255, blank=True)
    source = models.CharField(_("확인 경로"), max_length=12, blank=True)
    # How it was paid, as the PG reports it (apps.payments.methods): the shopper's next checkout offers it first.
    method = models.CharField(_("결제 수단"), max_length=12, blank=True)
    # A 가상계좌 (``method`` vbank) as the PG issued it: where and until when the shopper deposits.
    vbank_code = models.CharField(_("입금 은행 코드"), max_length=10, blank=True)
    vbank_name = models.CharField(_("입금 은행"), max_length=30, blank=True)
    vbank_num = models.CharField(_("입금 계좌번호"), max_length=40, blank=True)
    vbank_holder = models.CharField(_("예금주"), max_length=40, blank=True)
    vbank_date = models.DateTimeField(_("입금 기한"), null=True, blank=True)
    created_at = models.DateTimeField(_("시작"), auto_now_add=True)
    verified_at = models.DateTimeField(_("확인"), null=True, blank=True)

    class Meta:
        verbose_name = _("결제 시도")
        verbose_name_plural = _("결제 시도")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.merchant_uid} {self.imp_uid or '-'} ({self.status})"


class Refund(models.Model):
    """A cancel sent to the PG (payments/cancel with a checksum), whole or some order lines."""

    class Status(models.TextChoices):
        # Decided and recorded before the PG is called (outside the order's lock); the PG's answer turns it
        # into done or failed. One left pending (a crash, the PG down) is sent again with the same checksum.
        PENDING = "pending", _("환불 진행 중")
        DONE = "done", _("환불 완료")
        FAILED = "failed", _("환불 실패")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("주문"))
    imp_uid = models.CharField(_("결제번호 (imp_uid)"), max_length=40)
    amount = models.PositiveIntegerField(_("환불 금액"))
    checksum = models.PositiveIntegerField(_("환불 전 환불 가능 금액"))
    line_ids = models.JSONField(_("주문 상품"), default=list, blank=True)
    # What orders records once the PG made a line refund: final_status, restock, cancel_reason.
    plan = models.JSONField(_("환불 후 처리"), default=dict, blank=True)
    reason = models.CharField(_("사유"), max_length=255)
    # A 가상계좌 payment is refunded to the account the buyer gave ({bank, account, holder, tel}); kept until
    # the PG answers, since a refund left pending is sent again.
    refund_account = SealedJSONField(_("환불 계좌"), default=dict, blank=True)
    status = models.CharField(_("상태"), max_length=8, choices=Status.choices)
    message = models.CharField(_("PG 응답"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("요청"), auto_now_add=True)

    class Meta:
        verbose_name = _("환불")
        verbose_name_plural = _("환불")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.order_id} -{self.amount:,}원 ({self.status})"
