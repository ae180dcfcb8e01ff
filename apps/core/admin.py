"""Staff's view of the domain-event outbox (what was published, which subscribers still have to run) and the
policy documents (이용약관, 개인정보처리방침) they publish."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core import outbox, selectors, services
from apps.core.models import EventDelivery, PolicyDocument
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


class PolicyDocumentForm(forms.ModelForm):
    version = forms.IntegerField(
        label=_("버전"), min_value=1, required=False, help_text=_("비워 두면 다음 번호로 정해져요.")
    )

    class Meta:
        model = PolicyDocument
        fields = ("kind", "version", "title", "body", "effective_at")
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("version") and cleaned.get("kind"):
            cleaned["version"] = self.instance.version or services.policy_next_version(kind=cleaned["kind"])
        return cleaned


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    """Staff publish 이용약관 and 개인정보처리방침 here: a version in force is read-only (members agreed to it);
    "이 내용으로 새 버전 만들기" opens a new version filled with its words."""

    form = PolicyDocumentForm
    list_display = ("__str__", "title", "effective_at", "state", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "body")
    ordering = ("kind", "-version")

    @admin.display(description=_("상태"))
    def state(self, document: PolicyDocument) -> str:
        current = selectors.policy_current(kind=document.kind)
        if current is not None and current.pk == document.pk:
            return _("시행 중")
        return _("이전 버전") if document.has_taken_effect else _("시행 예정")

    @admin.display(description=_("새 버전"))
    def new_version_link(self, document: PolicyDocument) -> str:
        url = reverse("admin:core_policydocument_add") + f"?copy_from={document.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, _("이 내용으로 새 버전 만들기"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.has_taken_effect:
            return ("kind", "version", "title", "body", "effective_at", "created_at", "new_version_link")
        if obj is not None:
            return ("kind", "version", "created_at")
        return ()

    def get_fields(self, request, obj=None):
        if obj is not None and obj.has_taken_effect:
            return ("new_version_link", "kind", "version", "title", "body", "effective_at", "created_at")
        return super().get_fields(request, obj)

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        source = PolicyDocument.objects.filter(pk=request.GET.get("copy_from") or 0).first()
        if source is not None:
            initial.update(kind=source.kind, title=source.title, body=source.body)
            initial["version"] = services.policy_next_version(kind=source.kind)
        return initial

    def has_change_permission(self, request, obj=None) -> bool:
        # A version in force opens read-only, with the button to its successor.
        return super().has_change_permission(request, obj) and not (obj is not None and obj.has_taken_effect)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.has_taken_effect)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            services.policy_document_update(
                document=obj, title=data["title"], body=data["body"], effective_at=data["effective_at"]
            )
            return
        created = services.policy_document_create(
            kind=data["kind"],
            version=data["version"],
            title=data["title"],
            body=data["body"],
            effective_at=data["effective_at"],
        )
        obj.pk, obj.body, obj.created_at = created.pk, created.body, created.created_at
