"""Returns and exchanges (청약철회): a shopper's request about lines of a delivered parcel, answered by its seller.

Kept beside ``models.py`` (which re-exports these) so neither file grows past the size rule. The lifecycle and
money rules are in ``apps.orders.services.returns``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import ProductOption
from apps.core.sealed import SealedJSONField
from apps.orders.carriers import CARRIER_CHOICES, carrier_get


class ReturnRequest(models.Model):
    class Kind(models.TextChoices):
        RETURN = "return", _("반품")
        EXCHANGE = "exchange", _("교환")

    class Reason(models.TextChoices):
        CHANGED_MIND = "changed_mind", _("단순 변심")
        DEFECTIVE = "defective", _("상품 불량")
        WRONG_ITEM = "wrong_item", _("오배송")
        DAMAGED = "damaged", _("배송 중 파손")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("판매자 확인 대기")
        APPROVED = "approved", _("승인 · 회수 대기")
        SENT_BACK = "sent_back", _("회수 중")
        COLLECTED = "collected", _("회수 완료 · 교환 발송 대기")
        REFUNDING = "refunding", _("환불 진행 중")
        REFUNDED = "refunded", _("환불 완료")
        EXCHANGE_SHIPPED = "exchange_shipped", _("교환 상품 발송")
        REFUSED = "refused", _("거부")
        WITHDRAWN = "withdrawn", _("신청 철회")

    shipment = models.ForeignKey(
        "orders.Shipment", on_delete=models.CASCADE, related_name="returns", verbose_name=_("배송")
    )
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("사유"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("자세한 사유"), max_length=500, blank=True)
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    # The shopper's share of return shipping, fixed when asked (0 when the seller is at fault).
    return_fee = models.PositiveIntegerField(_("고객 부담 반품 배송비 (원)"), default=0)
    # Set when the refund is asked of the PG: what goes back, and what the shop keeps of the lines' price and
    # the parcel's fee (the return fee, and the outbound fee of a parcel a 단순 변심 return empties).
    refund_amount = models.PositiveIntegerField(_("환불 금액 (원)"), default=0)
    kept_amount = models.PositiveIntegerField(_("차감 금액 (원)"), default=0)
    carrier = models.CharField(_("반송 택배사"), max_length=16, blank=True, choices=CARRIER_CHOICES)
    tracking_number = models.CharField(_("반송 송장번호"), max_length=40, blank=True)
    exchange_option = models.ForeignKey(
        ProductOption,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("교환 옵션"),
        db_constraint=False,
    )
    exchange_carrier = models.CharField(
        _("교환 발송 택배사"), max_length=16, blank=True, choices=CARRIER_CHOICES
    )
    exchange_tracking_number = models.CharField(_("교환 발송 송장번호"), max_length=40, blank=True)
    # A 가상계좌 deposit goes back to an account the buyer names ({bank, account, holder}); empty otherwise.
    refund_account = SealedJSONField(_("환불 계좌"), default=dict, blank=True)
    refuse_reason = models.CharField(_("거부 사유"), max_length=200, blank=True)
    requested_by = models.CharField(_("요청자"), max_length=60, blank=True)
    answered_by = models.CharField(_("처리자"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("요청일"), auto_now_add=True)
    answered_at = models.DateTimeField(_("승인·거부일"), null=True, blank=True)
    collected_at = models.DateTimeField(_("회수 완료일"), null=True, blank=True)
    closed_at = models.DateTimeField(_("완료일"), null=True, blank=True)

    class Meta:
        verbose_name = _("반품·교환")
        verbose_name_plural = _("반품·교환")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "created_at"], name="orders_return_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display()})"

    @property
    def seller_pays(self) -> bool:
        return self.reason != self.Reason.CHANGED_MIND

    @property
    def is_open(self) -> bool:
        return self.status in RETURN_OPEN_STATUSES

    @property
    def carrier_name(self) -> str:
        carrier = carrier_get(self.carrier)
        return carrier.name if carrier else self.carrier

    @property
    def tracking_url(self) -> str:
        carrier = carrier_get(self.carrier)
        return carrier.tracking_url(self.tracking_number) if carrier and self.tracking_number else ""

    @property
    def exchange_carrier_name(self) -> str:
        carrier = carrier_get(self.exchange_carrier)
        return carrier.name if carrier else self.exchange_carrier

    @property
    def exchange_tracking_url(self) -> str:
        carrier = carrier_get(self.exchange_carrier)
        number = self.exchange_tracking_number
        return carrier.tracking_url(number) if carrier and number else ""


# A request still waiting on someone (the seller, the shopper's parcel, the PG): the order is not confirmed.
RETURN_OPEN_STATUSES = (
    ReturnRequest.Status.REQUESTED,
    ReturnRequest.Status.APPROVED,
    ReturnRequest.Status.SENT_BACK,
    ReturnRequest.Status.COLLECTED,
    ReturnRequest.Status.REFUNDING,
)


class ReturnLine(models.Model):
    """Units of one order line a request sends back. ``refund_line`` is the line refunded at the PG: the line
    itself, or the part split off it when only some of its units come back."""

    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("반품·교환")
    )
    line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="+", verbose_name=_("주문 상품")
    )
    quantity = models.PositiveSmallIntegerField(_("수량"))
    refund_line = models.ForeignKey(
        "orders.OrderLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("환불한 주문 상품"),
    )

    class Meta:
        verbose_name = _("반품·교환 상품")
        verbose_name_plural = _("반품·교환 상품")
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_return_line_quantity_1"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} × {self.quantity}"


class ReturnPhoto(models.Model):
    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="photos", verbose_name=_("반품·교환")
    )
    image = models.ImageField(_("사진"), upload_to="returns/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("올린 회원"),
    )

    class Meta:
        verbose_name = _("반품·교환 사진")
        verbose_name_plural = _("반품·교환 사진")
        ordering = ("id",)

    def __str__(self) -> str:
        return self.image.name
