from django.contrib import admin

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
        "status",
        "pg_status",
        "source",
        "created_at",
    )
    list_filter = ("status", "source")
    search_fields = ("merchant_uid", "imp_uid")
    list_select_related = ("order",)


@admin.register(Refund)
class RefundAdmin(_ReadOnly):
    list_display = ("order", "imp_uid", "amount", "checksum", "status", "reason", "created_at")
    list_filter = ("status",)
    search_fields = ("order__merchant_uid", "imp_uid")
    list_select_related = ("order",)
