"""Staff's order desk: find orders, move them through fulfilment in bulk, tracking numbers, cancels, refunds.

Every change goes through ``apps.orders.services`` (so it is logged, published and mailed); refunds are
requested here and made by payments through the PG.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.core.masking import mask_phone
from apps.orders.admin_refunds import RefundAccountActionForm, refund_account_for
from apps.orders.models import (
    Cart,
    CartItem,
    Order,
    OrderLine,
    OrderStatusChange,
    Shipment,
    StockReservation,
)
from apps.orders.services import cancels, fulfilment, shipments

ORDER_FIELDS_SNAPSHOT = (
    "merchant_uid", "user", "status", "status_note", "cancel_reason", "items_amount", "discount_amount",
    "shipping_fee", "total_amount", "refunded_amount", "imp_uid", "paid_at", "recipient", "recipient_phone_masked",
    "postcode", "road_address", "detail_address", "delivery_request", "orderer_name",
    "orderer_phone_masked", "orderer_email", "from_cart", "created_at", "updated_at",
)  # fmt: skip


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product_name", "option_name", "unit_price", "quantity", "status")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ShipmentInline(admin.TabularInline):
    """Each seller's parcel; staff may type a carrier and tracking number for a seller who phoned it in."""

    model = Shipment
    extra = 0
    can_delete = False
    fields = (
        "seller", "status", "shipping_fee", "carrier", "tracking_number", "shipped_at", "delivered_at",
        "cancel_requests_summary",
    )  # fmt: skip
    readonly_fields = (
        "seller",
        "status",
        "shipping_fee",
        "shipped_at",
        "delivered_at",
        "cancel_requests_summary",
    )

    @admin.display(description=_("취소 요청"))
    def cancel_requests_summary(self, shipment) -> str:
        """The shopper's cancel requests of this parcel and the seller's answers (the seller answers them)."""
        return (
            " / ".join(
                f"{request.created_at:%m.%d %H:%M} {request.get_status_display()}"
                + (f": {request.refuse_reason}" if request.refuse_reason else "")
                for request in shipment.cancel_requests.all()
            )
            or "-"
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "note", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StockReservationInline(admin.TabularInline):
    model = StockReservation
    extra = 0
    can_delete = False
    fields = ("option", "quantity", "state", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _advance(to_status: str, label: str):
    def action(modeladmin, request, queryset):
        moved, skipped = fulfilment.orders_status_advance(
            orders=queryset, to_status=to_status, actor=request.user.username
        )
        if moved:
            modeladmin.message_user(request, f"{moved}건을 {label}(으)로 옮겼어요.", messages.SUCCESS)
        for reason in skipped[:10]:
            modeladmin.message_user(request, reason, messages.WARNING)

    action.__name__ = f"advance_to_{to_status}"
    action.short_description = _(f"선택한 주문을 {label}(으)로")
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    # A 가상계좌 order's cancel or refund needs the buyer's refund account, typed beside the action.
    action_form = RefundAccountActionForm
    list_display = (
        "merchant_uid", "created_at", "user", "orderer_name", "total_amount", "status", "paid_at",
    )  # fmt: skip
    list_filter = ("status", "cancel_reason", "from_cart", ("created_at", admin.DateFieldListFilter))
    search_fields = (
        "merchant_uid",
        "imp_uid",
        "user__username",
        "orderer_name",
        "recipient",
        "shipments__tracking_number",
    )
    list_select_related = ("user",)
    readonly_fields = ORDER_FIELDS_SNAPSHOT
    fieldsets = (
        (
            None,
            {"fields": ("merchant_uid", "user", "status", "status_note", "cancel_reason")},
        ),
        (
            _("금액"),
            {
                "fields": (
                    "items_amount",
                    "discount_amount",
                    "shipping_fee",
                    "total_amount",
                    "refunded_amount",
                )
            },
        ),
        (_("결제"), {"fields": ("imp_uid", "paid_at")}),
        (
            _("배송지"),
            {
                "fields": (
                    "recipient",
                    "recipient_phone_masked",
                    "postcode",
                    "road_address",
                    "detail_address",
                    "delivery_request",
                )
            },
        ),
        (
            _("주문자"),
            {
                "fields": (
                    "orderer_name",
                    "orderer_phone_masked",
                    "orderer_email",
                    "from_cart",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (OrderLineInline, ShipmentInline, StockReservationInline, OrderStatusChangeInline)
    actions = (
        _advance(Order.Status.PREPARING, "배송준비중"),
        _advance(Order.Status.SHIPPING, "배송중"),
        _advance(Order.Status.DELIVERED, "배송완료"),
        _advance(Order.Status.CONFIRMED, "구매확정"),
        "cancel_orders",
        "refund_orders",
        "needs_check_resolve_paid",
        "needs_check_resolve_cancelled",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # Staff recognise a contact by its last digits; the whole number is the seller's, for the parcel.
    @admin.display(description=_("받는 분 연락처"))
    def recipient_phone_masked(self, order: Order) -> str:
        return mask_phone(order.recipient_phone)

    @admin.display(description=_("주문자 연락처"))
    def orderer_phone_masked(self, order: Order) -> str:
        return mask_phone(order.orderer_phone)

    def save_model(self, request, obj, form, change) -> None:
        # The order's own fields are read-only here; its shipments' tracking numbers are saved below.
        return None

    def save_related(self, request, form, formsets, change) -> None:
        # Lines, reservations and history are read-only; a shipment's tracking goes through its service.
        for formset in formsets:
            # Nothing is saved by the formsets themselves; the admin's history message still reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not Shipment:
                continue
            for shipment_form in formset.forms:
                if not shipment_form.has_changed():
                    continue
                shipment = shipment_form.instance
                try:
                    shipments.shipment_tracking_set(
                        shipment=shipment,
                        carrier=shipment.carrier,
                        tracking_number=shipment.tracking_number,
                        actor=request.user.username,
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.WARNING)

    def _each(self, request, queryset, call, done: str) -> None:
        count = 0
        for order in queryset:
            try:
                call(order)
                count += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{order.merchant_uid}: {' '.join(error.messages)}", messages.WARNING
                )
            except ValueError as error:
                self.message_user(request, f"{order.merchant_uid}: {error}", messages.WARNING)
        if count:
            self.message_user(request, f"{count}건 {done}", messages.SUCCESS)

    def _refund_account(self, request) -> tuple[dict | None, bool]:
        """The refund account typed beside the action; (None, False) after telling staff what is wrong."""
        account, error = RefundAccountActionForm(request.POST).refund_account_given()
        if error:
            self.message_user(request, error, messages.ERROR)
            return None, False
        return account, True

    @admin.action(description=_("선택한 주문 취소 (배송 전, 결제 취소 포함)"))
    def cancel_orders(self, request, queryset):
        account, ok = self._refund_account(request)
        if not ok:
            return
        self._each(
            request,
            queryset,
            lambda order: cancels.order_cancel(
                order=order,
                actor=request.user.username,
                by_staff=True,
                refund_account=refund_account_for(order, account),
            ),
            "취소했어요 (결제된 주문은 PG 취소 후 반영돼요).",
        )

    @admin.action(description=_("선택한 주문 전액 환불 (PG 취소)"))
    def refund_orders(self, request, queryset):
        account, ok = self._refund_account(request)
        if not ok:
            return
        self._each(
            request,
            queryset,
            lambda order: cancels.order_refund_request(
                order=order, actor=request.user.username, refund_account=refund_account_for(order, account)
            ),
            "환불을 요청했어요 (PG 취소 후 반영돼요).",
        )

    @admin.action(description=_("확인필요 → 결제완료 (결제가 정상)"))
    def needs_check_resolve_paid(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: cancels.order_needs_check_resolve(
                order=order, to_status=Order.Status.PAID, actor=request.user.username
            ),
            "결제완료로 돌렸어요.",
        )

    @admin.action(description=_("확인필요 → 취소 (결제된 금액은 PG 환불)"))
    def needs_check_resolve_cancelled(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: cancels.order_needs_check_resolve(
                order=order, to_status=Order.Status.CANCELLED, actor=request.user.username
            ),
            "취소했어요 (결제된 주문은 PG 환불 후 반영돼요).",
        )


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    """Per-line refunds: pick the lines of one order and refund them through the PG."""

    list_display = ("order", "product_name", "option_name", "unit_price", "quantity", "status")
    list_filter = ("status",)
    search_fields = ("order__merchant_uid", "product_name")
    list_select_related = ("order",)
    readonly_fields = (
        "order",
        "product",
        "option",
        "product_name",
        "option_name",
        "list_price",
        "unit_price",
        "quantity",
        "status",
    )
    actions = ("refund_lines",)
    action_form = RefundAccountActionForm

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("선택한 주문 상품 환불 (PG 부분 취소)"))
    def refund_lines(self, request, queryset):
        by_order: dict[int, list[int]] = {}
        account, error = RefundAccountActionForm(request.POST).refund_account_given()
        if error:
            self.message_user(request, error, messages.ERROR)
            return
        for line in queryset:
            by_order.setdefault(line.order_id, []).append(line.pk)
        for order in Order.objects.filter(pk__in=by_order):
            try:
                cancels.order_refund_request(
                    order=order,
                    actor=request.user.username,
                    line_ids=by_order[order.pk],
                    refund_account=refund_account_for(order, account),
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{order.merchant_uid}: {' '.join(error.messages)}", messages.WARNING
                )
            except ValueError as error:
                self.message_user(request, f"{order.merchant_uid}: {error}", messages.WARNING)
            else:
                self.message_user(request, f"{order.merchant_uid}: 환불을 요청했어요.", messages.SUCCESS)


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    raw_id_fields = ("option",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("user", "item_count", "updated_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
    inlines = (CartItemInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").annotate(item_count=Count("items"))

    @admin.display(description=_("상품 수"), ordering="item_count")
    def item_count(self, cart) -> int:
        return cart.item_count


@admin.register(StockReservation)
class StockReservationAdmin(admin.ModelAdmin):
    list_display = ("order", "option", "quantity", "state", "expires_at")
    list_filter = ("state",)
    search_fields = ("order__merchant_uid",)
    list_select_related = ("order", "option")
    readonly_fields = ("order", "option", "quantity", "state", "expires_at", "created_at")

    def has_add_permission(self, request) -> bool:
        return False


# Returns and exchanges have their own admin file (size rule); importing it registers them.
from apps.orders import admin_returns  # noqa: E402, F401
