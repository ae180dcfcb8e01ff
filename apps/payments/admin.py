from django.contrib import admin

from apps.core.masking import mask_refund_account
from apps.payments.models import PaymentAttempt, Refund


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(_ReadOnly):
    list_display = (
        "merchant_uid",
        "imp_uid",
        "amount",
        "paid_amount",
        "method",
        "status",
        "pg_status",
        "source",
        "vbank_date",
        "created_at",
    )
    list_filter = ("status", "method", "source")
    search_fields = ("merchant_uid", "imp_uid")
    list_select_related = ("order",)


@admin.register(Refund)
class RefundAdmin(_ReadOnly):
    list_display = ("order", "imp_uid", "amount", "checksum", "status", "reason", "created_at")
    list_filter = ("status",)
    search_fields = ("order__merchant_uid", "imp_uid")
    list_select_related = ("order",)
    exclude = ("refund_account",)
    readonly_fields = ("refund_account_masked",)

    @admin.display(description="환불 계좌")
    def refund_account_masked(self, obj: Refund) -> str:
        """The buyer's account, all but its last four digits hidden: staff need to recognise it, not copy it."""
        return mask_refund_account(obj.refund_account)
