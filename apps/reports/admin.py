from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.reports.models import BroadcastReport, BroadcastReportPin, JobRun, Settlement, UserStatisticsDay
from apps.reports.registry import Period
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
    search_fields = ("seller__username", "seller__name", "category__name")
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
