"""Runtime settings with a history, for staff: every change (who, when, old and new value) and a restore of
any earlier value, written through constance like any change (``apps.reports.settings_history``)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from apps.reports.settings_history import (
    runtime_setting_history,
    runtime_setting_restore,
    value_decode,
    value_label,
)
from apps.reports.views import staff_required


@require_safe
@never_cache
@staff_required
def settings_history(request):
    key = request.GET.get("key", "")
    if key not in settings.CONSTANCE_CONFIG:
        key = ""
    return render(
        request,
        "reports/settings_history.html",
        {"rows": runtime_setting_history(key=key), "key": key, "keys": list(settings.CONSTANCE_CONFIG)},
    )


@require_POST
@staff_required
def settings_restore(request, change_id: int):
    try:
        recorded = runtime_setting_restore(
            change_id=change_id, which=request.POST.get("which", ""), actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, f"{recorded.key}을(를) {value_label(value_decode(recorded.new_value))}(으)로 되돌렸어요."
        )
    return redirect("reports:settings-history")
