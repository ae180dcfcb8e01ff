"""Staff's returns desk: the queue of returns and exchanges waiting on someone, and the seller's steps
(승인, 거부, 회수 완료) taken for a shop that does not answer. Every step goes through ``services.returns``."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.masking import mask_refund_account
from apps.orders.models import ReturnLine, ReturnPhoto, ReturnRequest
from apps.orders.selectors.returns import STAFF_WAITING_STATUSES
from apps.orders.services import returns


class WaitingFilter(admin.SimpleListFilter):
    title = _("처리 대기")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return (("yes", _("누군가의 처리를 기다리는 요청")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=STAFF_WAITING_STATUSES)
        return queryset


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("line", "quantity", "refund_line")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    can_delete = False
    fields = readonly_fields = ("image",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "order_uid",
        "seller",
        "kind",
        "reason",
        "status",
        "return_fee",
        "refund_amount",
        "created_at",
    )
    list_filter = (WaitingFilter, "status", "kind", "reason")
    search_fields = ("shipment__order__merchant_uid", "tracking_number", "exchange_tracking_number")
    list_select_related = ("shipment__order", "shipment__seller")
    date_hierarchy = "created_at"
    inlines = (ReturnLineInline, ReturnPhotoInline)
    # Only the refusal's reason is typed here (then the 거부 action); everything else moves through the steps.
    # The buyer's refund account is shown by its last four digits only (docs/security.md).
    readonly_fields = (
        *(
            f.name
            for f in ReturnRequest._meta.fields
            if f.name not in ("id", "refuse_reason", "refund_account")
        ),
        "refund_account_masked",
    )
    exclude = ("refund_account",)
    actions = ("approve", "refuse", "collect")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("주문번호"), ordering="shipment__order__merchant_uid")
    def order_uid(self, obj: ReturnRequest) -> str:
        return obj.shipment.order.merchant_uid

    @admin.display(description=_("판매자"))
    def seller(self, obj: ReturnRequest) -> str:
        return str(obj.shipment.seller)

    @admin.display(description=_("환불 계좌"))
    def refund_account_masked(self, obj: ReturnRequest) -> str:
        return mask_refund_account(obj.refund_account)

    def _each(self, request, queryset, step, done: str, kwargs) -> None:
        for found in queryset:
            try:
                step(request=found, seller_id=None, actor=request.user.username, **kwargs(found))
            except ValidationError as error:
                self.message_user(request, f"{found.pk}: {' '.join(error.messages)}", messages.WARNING)
            else:
                self.message_user(request, f"{found.pk}: {done}", messages.SUCCESS)

    @admin.action(description=_("선택한 요청 승인"))
    def approve(self, request, queryset):
        self._each(request, queryset, returns.return_approve, "승인했어요.", kwargs=lambda found: {})

    @admin.action(description=_("선택한 요청 거부 (변경 화면에 저장한 거부 사유로)"))
    def refuse(self, request, queryset):
        self._each(
            request,
            queryset,
            returns.return_refuse,
            "거부했어요.",
            kwargs=lambda found: {"reason": found.refuse_reason},
        )

    @admin.action(description=_("선택한 요청 회수 완료 (반품은 PG 부분 취소)"))
    def collect(self, request, queryset):
        self._each(
            request, queryset, returns.return_collect, "회수 완료로 처리했어요.", kwargs=lambda found: {}
        )
