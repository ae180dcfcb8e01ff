"""Staff's view of the domain-event outbox: what was published, which subscribers still have to run."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core import outbox
from apps.core.models import EventDelivery
from apps.core.tasks import deliveries_send


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "handler_name",
        "state",
        "attempts",
        "failures",
        "created_at",
        "next_attempt_at",
        "done_at",
        "error_summary",
    )
    list_filter = ("state", "event", "created_at")
    search_fields = ("event", "handler", "payload", "=publication")
    date_hierarchy = "created_at"
    actions = ("send_again",)
    readonly_fields = [field.name for field in EventDelivery._meta.fields]
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("처리기"), ordering="handler")
    def handler_name(self, row: EventDelivery) -> str:
        return row.handler_name

    @admin.display(description=_("마지막 오류"))
    def error_summary(self, row: EventDelivery) -> str:
        lines = row.last_error.strip().splitlines()
        return lines[-1][:120] if lines else ""

    @admin.action(description=_("다시 보내기"), permissions=("change",))
    def send_again(self, request, queryset) -> None:
        """Send the selected open deliveries now; delivered ones are never run again."""
        selected = list(queryset.values_list("pk", flat=True))
        claimed = outbox.deliveries_send_again(ids=selected)
        sent = deliveries_send(claimed)
        if sent < len(claimed):
            outbox.deliveries_unsent(ids=claimed[sent:])
            self.message_user(
                request,
                _("메시지 브로커에 연결할 수 없어 %(count)d건은 잠시 뒤 자동으로 다시 보내요.")
                % {"count": len(claimed) - sent},
                messages.WARNING,
            )
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d건을 다시 보냈어요.", "%(count)d건을 다시 보냈어요.", sent)
                % {"count": sent},
            )
        if skipped := len(selected) - len(claimed):
            self.message_user(
                request,
                _("%(count)d건은 이미 완료되어 다시 보내지 않았어요.") % {"count": skipped},
                messages.INFO,
            )
