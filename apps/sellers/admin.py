"""Staff review sellers here: approve, reject or suspend (with the reason typed beside the action), each
through the services, so the seller is mailed and its shop's pages follow."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.sellers import services
from apps.sellers.models import Seller


class SellerActionForm(ActionForm):
    reason = forms.CharField(
        label=_("사유 (반려·정지)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 40}),
    )


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    action_form = SellerActionForm
    list_display = (
        "business_name",
        "representative",
        "business_number_display",
        "user",
        "status",
        "applied_at",
        "reviewed_at",
    )
    list_filter = ("status", "applied_at", "reviewed_at", "bank")
    search_fields = ("business_name", "representative", "business_number", "user__username", "email")
    list_select_related = ("user",)
    date_hierarchy = "applied_at"
    autocomplete_fields = ("user",)
    readonly_fields = ("status", "status_reason", "applied_at", "reviewed_at")
    actions = ("approve", "reject", "suspend")
    fieldsets = (
        (_("심사"), {"fields": ("status", "status_reason", "applied_at", "reviewed_at")}),
        (
            _("사업자 정보"),
            {
                "fields": (
                    "user",
                    "business_name",
                    "representative",
                    "business_number",
                    "mail_order_number",
                    "address",
                    "introduction",
                )
            },
        ),
        (_("고객 문의처"), {"fields": ("phone", "email")}),
        (_("정산 계좌"), {"fields": ("bank", "account_number", "account_holder")}),
    )

    @admin.display(description=_("사업자등록번호"), ordering="business_number")
    def business_number_display(self, seller: Seller) -> str:
        return seller.business_number_display

    def save_model(self, request, obj, form, change) -> None:
        services.seller_save(seller=obj)

    def _decide(self, request, queryset, decide, done: str) -> None:
        count = 0
        for seller in queryset:
            try:
                decide(seller)
            except ValidationError as error:
                self.message_user(request, f"{seller}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"셀러 {count}곳을 {done}했어요. 메일을 보냈어요.", messages.SUCCESS)

    @admin.action(description=_("선택한 셀러 승인"), permissions=["change"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, lambda seller: services.seller_approve(seller=seller), "승인")

    @admin.action(description=_("선택한 신청 반려 (사유 필요)"), permissions=["change"])
    def reject(self, request, queryset) -> None:
        reason = request.POST.get("reason", "")
        self._decide(
            request, queryset, lambda seller: services.seller_reject(seller=seller, reason=reason), "반려"
        )

    @admin.action(description=_("선택한 셀러 판매 정지 (사유 필요)"), permissions=["change"])
    def suspend(self, request, queryset) -> None:
        reason = request.POST.get("reason", "")
        self._decide(
            request, queryset, lambda seller: services.seller_suspend(seller=seller, reason=reason), "정지"
        )
