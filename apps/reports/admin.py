import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.csv_cells import csv_row
from apps.reports.exports import STATEMENT_HEADERS, statement_cells
from apps.reports.models import (
    BroadcastReport,
    BroadcastReportPin,
    JobRun,
    RuntimeSettingChange,
    SellerStatement,
    Settlement,
    UserStatisticsDay,
)
from apps.reports.registry import Period
from apps.reports.services import seller_statements_mark_paid
from apps.reports.tasks import job_execute


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = (
        "job",
        "period_start",
        "period_end",
        "subject",
        "status",
        "attempt",
        "rows",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "job", "started_at")
    search_fields = ("job", "subject", "error")
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in JobRun._meta.fields]
    actions = ["run_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("선택한 작업을 같은 기간으로 다시 실행"), permissions=["view"])
    def run_again(self, request, queryset) -> None:
        seen = set()
        for run in queryset:
            key = (run.job, run.period_start, run.period_end, run.subject)
            if key in seen:
                continue
            seen.add(key)
            period = Period(run.period_start, run.period_end)
            job_execute.delay(
                job=run.job, start=period.start.isoformat(), end=period.end.isoformat(), subject=run.subject
            )
        self.message_user(
            request,
            _("%(count)d개 작업을 다시 실행하도록 보냈어요.") % {"count": len(seen)},
            messages.SUCCESS,
        )


@admin.register(UserStatisticsDay)
class UserStatisticsDayAdmin(admin.ModelAdmin):
    list_display = ("day", "join_channel", "signups", "active_users", "buyers", "computed_at")
    list_filter = ("join_channel", "day")
    date_hierarchy = "day"
    readonly_fields = ("day", "join_channel", "signups", "active_users", "buyers", "computed_at")

    def has_add_permission(self, request) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by jobs only: staff read and filter them; a wrong figure is fixed by rerunning the job."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Settlement)
class SettlementAdmin(_ReadOnlyAdmin):
    list_display = (
        "period_start",
        "kind",
        "seller",
        "category",
        "orders",
        "gross",
        "discounts",
        "shipping",
        "refunds",
        "pg_fees",
        "net",
    )
    list_filter = ("kind", "period_start", "category")
    list_select_related = ("seller", "category")
    search_fields = ("seller__business_name", "seller__user__username", "category__name")
    date_hierarchy = "period_start"


class BroadcastReportPinInline(admin.TabularInline):
    model = BroadcastReportPin
    extra = 0
    can_delete = False
    fields = ("product_name", "pinned_from", "pinned_until", "add_to_carts", "orders", "quantity", "revenue")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BroadcastReport)
class BroadcastReportAdmin(_ReadOnlyAdmin):
    list_display = (
        "title",
        "started_at",
        "peak_viewers",
        "average_viewers",
        "messages",
        "likes",
        "add_to_carts",
        "orders",
        "revenue",
    )
    search_fields = ("title",)
    date_hierarchy = "started_at"
    inlines = [BroadcastReportPinInline]


@admin.register(SellerStatement)
class SellerStatementAdmin(_ReadOnlyAdmin):
    """Every seller's statements; staff pay out a day row once its payout date has come (지급 완료로 표시)."""

    list_display = (
        "period_start",
        "kind",
        "seller",
        "is_adjustment",
        "orders",
        "gross",
        "refunds",
        "refunds_after",
        "pg_fee",
        "commission",
        "payout",
        "payout_date",
        "status",
        "paid_at",
        "paid_by",
    )
    list_filter = ("status", "kind", "is_adjustment", "payout_date", "period_start", "seller")
    list_select_related = ("seller", "paid_by")
    search_fields = ("seller__business_name", "seller__user__username")
    date_hierarchy = "period_start"
    actions = ["mark_paid", "export_csv"]

    @admin.action(description=_("지급 완료로 표시"), permissions=["view"])
    def mark_paid(self, request, queryset) -> None:
        marked, skipped = seller_statements_mark_paid(
            statement_ids=list(queryset.values_list("pk", flat=True)), by=request.user
        )
        if marked:
            self.message_user(
                request, _("%(count)d건을 지급완료로 표시했어요.") % {"count": marked}, messages.SUCCESS
            )
        for reason in skipped:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description=_("선택한 정산서 CSV 내려받기"), permissions=["view"])
    def export_csv(self, request, queryset) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="trimarket-seller-statements-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(csv_row(["셀러 ID", "상호", *STATEMENT_HEADERS, "지급 처리자"]))
        for row in queryset.select_related("seller", "paid_by").order_by("-period_start", "seller_id", "id"):
            writer.writerow(
                csv_row([row.seller_id, row.seller.business_name, *statement_cells(row), row.paid_by or ""])
            )
        return response


@admin.register(RuntimeSettingChange)
class RuntimeSettingChangeAdmin(_ReadOnlyAdmin):
    """Read-only: rows are written by constance's signal; restoring is the staff page's button (it writes
    through constance, so the restore is recorded too)."""

    list_display = ("changed_at", "key", "old_shown", "new_shown", "actor_shown", "restored_from")
    list_filter = ("key", "changed_at")
    search_fields = ("key", "actor_name", "actor__username")
    date_hierarchy = "changed_at"

    @admin.display(description=_("이전 값"))
    def old_shown(self, obj):
        from apps.reports.settings_history import value_decode, value_label

        return value_label(value_decode(obj.old_value)) + (" (기본값)" if obj.old_was_default else "")

    @admin.display(description=_("새 값"))
    def new_shown(self, obj):
        from apps.reports.settings_history import value_decode, value_label

        return value_label(value_decode(obj.new_value))

    @admin.display(description=_("변경한 사람"))
    def actor_shown(self, obj):
        return (obj.actor.get_username() if obj.actor else obj.actor_name) or "시스템"
