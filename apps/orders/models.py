"""Carts, orders with their lines, and the stock reservations that keep a flash sale from overselling.

An order's amounts, address and lines are snapshots taken at checkout: later price or name changes in the
catalog never change what a shopper bought. Statuses change only through ``apps.orders.services``, which
logs each change (``OrderStatusChange``) and publishes an ``order.*`` domain event.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Product, ProductOption
from apps.core.sealed import SealedCharField
from apps.orders.carriers import CARRIER_CHOICES, carrier_get


class Cart(models.Model):
    """A member's cart (a guest's lives in the session and joins this one at login)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart", verbose_name=_("회원")
    )
    updated_at = models.DateTimeField(_("수정일"), auto_now=True)

    class Meta:
        verbose_name = _("장바구니")
        verbose_name_plural = _("장바구니")

    def __str__(self) -> str:
        return f"{self.user_id}의 장바구니"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items", verbose_name=_("장바구니"))
    option = models.ForeignKey(
        ProductOption, on_delete=models.CASCADE, related_name="+", verbose_name=_("옵션")
    )
    quantity = models.PositiveSmallIntegerField(_("수량"), default=1)
    # The price when it went in: the cart says so when the catalog's price moved since.
    price_at_add = models.PositiveIntegerField(_("담을 때 가격 (원)"), default=0)
    added_at = models.DateTimeField(_("담은 날"), auto_now_add=True)

    class Meta:
        verbose_name = _("장바구니 상품")
        verbose_name_plural = _("장바구니 상품")
        ordering = ("-added_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["cart", "option"], name="orders_cart_item_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_cart_item_quantity_1"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id} × {self.quantity}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("결제대기")
        PAID = "paid", _("결제완료")
        PREPARING = "preparing", _("배송준비중")
        SHIPPING = "shipping", _("배송중")
        DELIVERED = "delivered", _("배송완료")
        CONFIRMED = "confirmed", _("구매확정")
        CANCEL_REQUESTED = "cancel_requested", _("취소요청")
        CANCELLED = "cancelled", _("취소")
        REFUNDED = "refunded", _("환불")
        NEEDS_CHECK = "needs_check", _("확인필요")

    class CancelReason(models.TextChoices):
        EXPIRED = "expired", _("결제 시간 초과")
        PAYMENT_FAILED = "payment_failed", _("결제 실패")
        SHOPPER = "shopper", _("고객 취소")
        STAFF = "staff", _("관리자 취소")

    merchant_uid = models.CharField(_("주문번호"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("주문자")
    )
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # Amounts in 원: items at list price, the discount down to sale price, shipping; total is what is charged.
    items_amount = models.PositiveIntegerField(_("상품 금액"))
    discount_amount = models.PositiveIntegerField(_("할인 금액"), default=0)
    shipping_fee = models.PositiveIntegerField(_("배송비"), default=0)
    total_amount = models.PositiveIntegerField(_("결제 금액"))
    refunded_amount = models.PositiveIntegerField(_("환불 금액"), default=0)
    # Shipping address and orderer contact, copied at checkout.
    recipient = models.CharField(_("받는 분"), max_length=50)
    recipient_phone = SealedCharField(_("받는 분 연락처"), max_length=20)
    postcode = models.CharField(_("우편번호"), max_length=5)
    road_address = models.CharField(_("주소"), max_length=200)
    detail_address = models.CharField(_("상세 주소"), max_length=200, blank=True)
    orderer_name = models.CharField(_("주문자"), max_length=50)
    orderer_phone = SealedCharField(_("주문자 연락처"), max_length=20)
    orderer_email = models.EmailField(_("주문자 이메일"), blank=True)
    delivery_request = models.CharField(_("배송 요청사항"), max_length=100, blank=True)
    from_cart = models.BooleanField(_("장바구니 주문"), default=True)
    imp_uid = models.CharField(_("결제번호 (imp_uid)"), max_length=40, blank=True, db_index=True)
    cancel_reason = models.CharField(_("취소 사유"), max_length=20, choices=CancelReason.choices, blank=True)
    status_note = models.CharField(_("상태 메모"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("주문일"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("결제일"), null=True, blank=True)
    updated_at = models.DateTimeField(_("수정일"), auto_now=True)

    class Meta:
        verbose_name = _("주문")
        verbose_name_plural = _("주문")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="orders_order_user_recent"),
            models.Index(fields=["status", "created_at"], name="orders_order_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_amount=models.F("items_amount")
                    - models.F("discount_amount")
                    + models.F("shipping_fee")
                ),
                name="orders_order_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return self.merchant_uid

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"merchant_uid": self.merchant_uid})

    @property
    def items_after_discount(self) -> int:
        return self.items_amount - self.discount_amount

    @property
    def refundable_amount(self) -> int:
        return self.total_amount - self.refunded_amount if self.paid_at else 0

    @property
    def can_cancel(self) -> bool:
        """The shopper may cancel before the parcel leaves."""
        return self.status in (self.Status.PENDING, self.Status.PAID, self.Status.PREPARING)

    @property
    def can_confirm(self) -> bool:
        return self.status in (self.Status.SHIPPING, self.Status.DELIVERED)

    @property
    def is_reviewable(self) -> bool:
        return self.status in (self.Status.DELIVERED, self.Status.CONFIRMED)

    @property
    def title(self) -> str:
        """What the PG window and the mails call the order: "니트 외 2건"."""
        lines = list(self.lines.all())
        if not lines:
            return self.merchant_uid
        first = lines[0].product_name
        return f"{first} 외 {len(lines) - 1}건" if len(lines) > 1 else first


class OrderLine(models.Model):
    class Status(models.TextChoices):
        ORDERED = "ordered", _("주문")
        CANCEL_REQUESTED = "cancel_requested", _("취소요청")
        CANCELLED = "cancelled", _("취소")
        REFUNDED = "refunded", _("환불")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("주문"))
    # No database constraint on the catalog rows (Django still applies on_delete): an insert checking one
    # would share-lock the option a live drop's buyers all wait for, and checkout inserts its lines before
    # it takes the stock, so the option row is locked only for the UPDATE and the commit (order_place).
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("상품"),
        db_constraint=False,
    )
    option = models.ForeignKey(
        ProductOption,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("옵션"),
        db_constraint=False,
    )
    # Who sold the line, copied from the product at checkout: the seller ships it and is paid for it.
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="+", verbose_name=_("판매자")
    )
    product_name = models.CharField(_("상품명"), max_length=120)
    option_name = models.CharField(_("옵션명"), max_length=80, blank=True)
    list_price = models.PositiveIntegerField(_("정가 (원)"))
    unit_price = models.PositiveIntegerField(_("판매가 (원)"))
    quantity = models.PositiveSmallIntegerField(_("수량"))
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, default=Status.ORDERED)
    # Units of this line counted in the catalog's sales figures so far; ``order_sales_sync`` moves the figures
    # by the difference after the payment or refund commits, so a redelivered event counts nothing twice.
    sales_recorded = models.PositiveSmallIntegerField(_("판매 집계 수량"), default=0, editable=False)

    class Meta:
        verbose_name = _("주문 상품")
        verbose_name_plural = _("주문 상품")
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_line_quantity_1"),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.option_name} × {self.quantity}".strip()

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ORDERED


class Shipment(models.Model):
    """One seller's parcel of an order. An order with lines from two sellers is one order and one payment
    for the shopper, and two shipments: each seller ships, and sees, only its own."""

    class Status(models.TextChoices):
        NEW = "new", _("신규주문")  # paid (or not yet), the seller has not acknowledged it (발주 확인)
        PREPARING = "preparing", _("배송준비중")
        SHIPPED = "shipped", _("배송중")
        DELIVERED = "delivered", _("배송완료")
        CANCELLED = "cancelled", _("취소")

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("주문")
    )
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("판매자")
    )
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.NEW)
    # This seller's share of the order's shipping fee (the order's fee is the sum of its shipments').
    shipping_fee = models.PositiveIntegerField(_("배송비"), default=0)
    carrier = models.CharField(_("택배사"), max_length=16, blank=True, choices=CARRIER_CHOICES)
    tracking_number = models.CharField(_("송장번호"), max_length=40, blank=True)
    acknowledged_at = models.DateTimeField(_("발주 확인일"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("발송일"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("배송완료일"), null=True, blank=True)
    # When the tracking service last told us where the parcel is (None: never asked, or tracking is off).
    tracked_at = models.DateTimeField(_("배송 조회일"), null=True, blank=True)
    # The line whose refund carried this shipment's shipping fee back (the last of the shipment to go): while
    # that line is 취소요청 the fee is in flight, once it is 취소/환불 it is given back; back to 주문 (the PG
    # refused) it is owed again. So a shipment's fee is refunded once, with the refund that empties it.
    fee_refund_line = models.ForeignKey(
        "OrderLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("배송비 환불 주문 상품"),
    )
    created_at = models.DateTimeField(_("생성일"), auto_now_add=True)

    class Meta:
        verbose_name = _("배송")
        verbose_name_plural = _("배송")
        ordering = ("order_id", "id")
        indexes = [models.Index(fields=["seller", "status", "-created_at"], name="orders_shipment_seller")]
        constraints = [
            models.UniqueConstraint(fields=["order", "seller"], name="orders_shipment_order_seller"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.seller_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        """Still to be (or being) delivered: not cancelled."""
        return self.status != self.Status.CANCELLED

    @property
    def carrier_name(self) -> str:
        carrier = carrier_get(self.carrier)
        return carrier.name if carrier else self.carrier

    @property
    def tracking_url(self) -> str:
        """The carrier's public tracking page of this parcel, or "" when either is unknown."""
        carrier = carrier_get(self.carrier)
        return carrier.tracking_url(self.tracking_number) if carrier and self.tracking_number else ""


class CancelRequest(models.Model):
    """A shopper's cancel of lines the seller has already acknowledged (발주 확인): the seller answers it.

    Not the order's 취소요청 status, which means "the refund is under way at the PG": an approved request
    goes down that path, a refused one leaves the lines ordered and tells the shopper why.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("판매자 확인 대기")
        APPROVED = "approved", _("승인")
        REFUSED = "refused", _("거부")

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="cancel_requests", verbose_name=_("배송")
    )
    line_ids = models.JSONField(_("취소할 주문 상품"), default=list)
    reason = models.CharField(_("취소 사유"), max_length=200, blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=Status.choices, default=Status.WAITING)
    refuse_reason = models.CharField(_("거부 사유"), max_length=200, blank=True)
    requested_by = models.CharField(_("요청자"), max_length=60, blank=True)
    answered_by = models.CharField(_("처리자"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("요청일"), auto_now_add=True)
    answered_at = models.DateTimeField(_("처리일"), null=True, blank=True)

    class Meta:
        verbose_name = _("취소 요청")
        verbose_name_plural = _("취소 요청")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["shipment", "status"], name="orders_cancelreq_shipment")]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.line_ids} ({self.status})"


class ShipmentEvent(models.Model):
    """One carrier scan of a shipment as the tracking service reported it (the timeline's 상세 배송 조회).

    Rewritten whole from each answer of the service, which always sends the parcel's whole history."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("배송")
    )
    status = models.CharField(_("상태 코드"), max_length=24)
    at = models.DateTimeField(_("일시"), null=True, blank=True)
    description = models.CharField(_("내용"), max_length=200, blank=True)
    location = models.CharField(_("위치"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("배송 조회 기록")
        verbose_name_plural = _("배송 조회 기록")
        ordering = ("shipment_id", "id")

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.status} {self.at}"


class StockReservation(models.Model):
    """Units of an option held for a pending order: released if unpaid in time, committed when paid."""

    class State(models.TextChoices):
        HELD = "held", _("확보")
        COMMITTED = "committed", _("확정")
        RELEASED = "released", _("반환")

    # No database constraint on the option, as on OrderLine (why: there).
    option = models.ForeignKey(
        ProductOption, on_delete=models.CASCADE, related_name="+", verbose_name=_("옵션"), db_constraint=False
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="reservations", verbose_name=_("주문")
    )
    quantity = models.PositiveSmallIntegerField(_("수량"))
    state = models.CharField(_("상태"), max_length=12, choices=State.choices, default=State.HELD)
    expires_at = models.DateTimeField(_("만료 시각"))
    created_at = models.DateTimeField(_("확보 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("재고 확보")
        verbose_name_plural = _("재고 확보")
        indexes = [models.Index(fields=["state", "expires_at"], name="orders_reservation_expiry")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.option_id} × {self.quantity} ({self.state})"


class OrderStatusChange(models.Model):
    """One step of an order's history, for the shopper's timeline and for staff."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history", verbose_name=_("주문"))
    from_status = models.CharField(_("이전 상태"), max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(_("변경 상태"), max_length=20, choices=Order.Status.choices)
    note = models.CharField(_("메모"), max_length=255, blank=True)
    actor = models.CharField(_("처리자"), max_length=60, blank=True)
    at = models.DateTimeField(_("일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("주문 상태 이력")
        verbose_name_plural = _("주문 상태 이력")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class StockHold(models.Model):
    """Units taken for one buyer before checkout (a live room's 바로 구매), at an agreed unit price.

    Taken with ``option_stock_reserve`` like an order's, so holds never oversell either. The checkout that
    follows turns the hold into its order's ``StockReservation`` (state ``used``); a hold not used by
    ``expires_at`` gives its units back (``released``), exactly once.
    """

    class State(models.TextChoices):
        HELD = "held", _("확보")
        USED = "used", _("주문")
        RELEASED = "released", _("반환")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("회원")
    )
    option = models.ForeignKey(
        ProductOption, on_delete=models.CASCADE, related_name="+", verbose_name=_("옵션")
    )
    quantity = models.PositiveSmallIntegerField(_("수량"))
    unit_price = models.PositiveIntegerField(_("약속한 판매가 (원)"))
    source = models.CharField(_("확보한 곳"), max_length=40, blank=True, help_text=_("예: live:17"))
    state = models.CharField(_("상태"), max_length=12, choices=State.choices, default=State.HELD)
    expires_at = models.DateTimeField(_("만료 시각"))
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("주문")
    )
    created_at = models.DateTimeField(_("확보 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("바로 구매 재고 확보")
        verbose_name_plural = _("바로 구매 재고 확보")
        indexes = [models.Index(fields=["state", "expires_at"], name="orders_hold_expiry")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.option_id} × {self.quantity} ({self.state})"


# Returns and exchanges live in their own file (size rule); Django finds them through this import.
from apps.orders.models_returns import (  # noqa: E402, F401
    RETURN_OPEN_STATUSES,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
)
