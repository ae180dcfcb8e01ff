"""Staff tools for broadcasts: schedule, edit, end, reissue keys, remake replays. Writes go through the
services, so a broadcast changed here behaves exactly as one changed by its seller or the media server."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.live import tasks
from apps.live.models import (
    Broadcast,
    BroadcastAlarm,
    BroadcastPart,
    BroadcastPin,
    BroadcastProduct,
    ModerationAction,
    ViewerReport,
)
from apps.live.services import broadcasts, replay


class BroadcastProductInline(admin.TabularInline):
    model = BroadcastProduct
    extra = 0
    autocomplete_fields = ("product",)
    fields = ("product", "code", "position", "live_price", "is_sold_out", "is_pinned")
    readonly_fields = ("code",)


class BroadcastPinInline(admin.TabularInline):
    model = BroadcastPin
    extra = 0
    fields = ("product", "pinned_at", "offset_seconds")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class BroadcastPartInline(admin.TabularInline):
    """Each publish of the encoder (a reconnect adds one) and its recording: what the replay joins."""

    model = BroadcastPart
    extra = 0
    fields = ("client_id", "started_at", "stopped_at", "recording_path")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ("title", "seller", "category", "status", "scheduled_at", "started_at", "replay_status")
    list_filter = ("status", "replay_status", "category")
    search_fields = ("title", "seller__username", "seller__name", "public_name")
    date_hierarchy = "scheduled_at"
    autocomplete_fields = ("seller", "category")
    readonly_fields = (
        "status",
        "started_at",
        "ended_at",
        "publisher_dropped_at",
        "public_name",
        "stream_key_changed_at",
        "replay_status",
    )
    fields = (
        "title",
        "seller",
        "category",
        "description",
        "cover",
        "scheduled_at",
        *readonly_fields,
    )
    inlines = (BroadcastProductInline, BroadcastPinInline, BroadcastPartInline)
    actions = ("end_broadcasts", "regenerate_keys", "remake_replays")

    def save_model(self, request, obj: Broadcast, form, change: bool) -> None:
        # A new broadcast gets its stream key and public name from the service, as in the studio.
        broadcasts.broadcast_save(broadcast=obj)
        tasks.broadcast_cover_renditions_schedule(obj)

    @admin.action(description=_("선택한 방송 종료"))
    def end_broadcasts(self, request, queryset) -> None:
        for broadcast in queryset:
            broadcasts.broadcast_end(broadcast=broadcast)
        self.message_user(request, f"{queryset.count()}개 방송을 종료했어요.")

    @admin.action(description=_("스트림 키 재발급"))
    def regenerate_keys(self, request, queryset) -> None:
        for broadcast in queryset:
            broadcasts.broadcast_stream_key_regenerate(broadcast=broadcast)
        self.message_user(request, "스트림 키를 새로 발급했어요. 셀러에게 알려 주세요.")

    @admin.action(description=_("다시보기 다시 만들기"))
    def remake_replays(self, request, queryset) -> None:
        made = 0
        for broadcast in queryset.filter(status=Broadcast.Status.ENDED).exclude(recording_path=""):
            made += replay.broadcast_replay_make(broadcast_id=broadcast.pk).has_replay
        self.message_user(request, f"{made}개 방송의 다시보기를 만들었어요.")


@admin.register(BroadcastAlarm)
class BroadcastAlarmAdmin(admin.ModelAdmin):
    list_display = ("broadcast", "user", "created_at", "notified_at")
    list_filter = ("notified_at",)
    search_fields = ("broadcast__title", "user__username")
    autocomplete_fields = ("broadcast", "user")


@admin.register(ViewerReport)
class ViewerReportAdmin(admin.ModelAdmin):
    """Viewers' reports as a record; they are handled in the report queue (/staff/moderation/), where each
    act goes through the services and is logged."""

    list_display = (
        "created_at",
        "target",
        "reason",
        "status",
        "broadcast",
        "reported_user",
        "reporter",
        "action",
    )
    list_filter = ("status", "target", "reason", "action", "created_at")
    search_fields = (
        "message_text",
        "detail",
        "reported_user__username",
        "reporter__username",
        "broadcast__title",
    )
    date_hierarchy = "created_at"
    list_select_related = ("broadcast", "reported_user", "reporter")
    readonly_fields = [field.name for field in ViewerReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: who did what to whom, when. Written by the acts themselves, never by hand."""

    list_display = ("created_at", "actor", "action", "target_user", "broadcast", "reason", "until")
    list_filter = ("action", "created_at")
    search_fields = ("actor__username", "target_user__username", "reason", "broadcast__title")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "target_user", "broadcast")
    readonly_fields = [field.name for field in ModerationAction._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
