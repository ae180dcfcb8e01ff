"""Reports and their staff queue.

- ``report_create``: a viewer's report from the room (a message, or the broadcast), JSON for the room script;
- ``staff_reports``: the staff queue (waiting, handled, the moderation log) at ``/staff/moderation/``;
- ``staff_report_action``: dismiss, delete, mute or ban from the queue; ``staff_ban_lift``: lift a ban; every
  act goes through ``apps.live.moderation.services`` and is logged there.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from apps.accounts import selectors as account_selectors
from apps.core import ratelimit
from apps.live import selectors
from apps.live.models import ViewerReport
from apps.live.moderation import selectors as moderation_selectors
from apps.live.moderation import services as moderation

ACTION_DONE = {
    "dismiss": "신고를 기각했어요.",
    "delete": "메시지를 삭제했어요.",
    "mute": "이 방송에서 채팅을 금지했어요.",
    "ban": "플랫폼 이용을 제한했어요.",
}
TABS = ("waiting", "done", "bans", "log")


def _error(code: str, message: str, status: int, fields: dict | None = None, **extra) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}, status=status
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1


@require_POST
def report_create(request, pk: int):
    """A viewer reports a chat message (``message``) of the broadcast, or the broadcast itself."""
    if not request.user.is_authenticated:
        login_url = redirect_to_login(request.headers.get("referer") or "/").url
        return _error("login-required", "로그인하고 신고해 주세요.", 401, login_url=login_url)
    broadcast = selectors.broadcast_get(pk=pk)
    message_id = _int_or_none(request.POST.get("message"))
    if message_id is not None and message_id < 1:
        return _error("invalid", "메시지를 찾을 수 없어요.", 400, {"message": ["메시지를 찾을 수 없어요."]})
    try:
        moderation.report_create(
            reporter=request.user,
            broadcast_id=broadcast.pk,
            message_id=message_id,
            reason=request.POST.get("reason", ""),
            detail=request.POST.get("detail", ""),
            ip=ratelimit.client_ip(request),
        )
    except ratelimit.RateLimited as limited:
        return ratelimit.too_many(_error(limited.code, limited.messages[0], 429), limited)
    except ValidationError as invalid:
        fields = {name: errors for name, errors in invalid.message_dict.items() if name != "__all__"}
        return _error("invalid", invalid.messages[0], 400, fields)
    return JsonResponse({"message": "신고가 접수됐어요. 운영팀이 확인할게요."}, status=201)


def staff_required(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; signed-in members who are not staff get 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            return render(request, "live/staff_forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


@staff_required
@require_safe
@never_cache
def staff_reports(request):
    """The staff queue: waiting reports oldest first (``?tab=done``: handled ones; ``?tab=log``: every act)."""
    tab = request.GET.get("tab", "waiting")
    if tab not in TABS:
        tab = "waiting"
    rows, log, bans = [], [], []
    if tab == "waiting":
        rows = moderation_selectors.report_queue(status=ViewerReport.Status.WAITING)
    elif tab == "done":
        rows = moderation_selectors.report_queue(
            status=ViewerReport.Status.ACTIONED
        ) + moderation_selectors.report_queue(status=ViewerReport.Status.DISMISSED)
        rows.sort(key=lambda row: row.report.handled_at, reverse=True)
    elif tab == "bans":
        bans = account_selectors.bans_in_force()
    else:
        log = moderation_selectors.moderation_log()
    return render(
        request,
        "live/staff_reports.html",
        {
            "tab": tab,
            "rows": rows,
            "log": log,
            "bans": bans,
            "counts": moderation_selectors.report_counts(),
            "ban_days": moderation.BAN_DAYS_CHOICES,
        },
    )


@staff_required
@require_POST
def staff_report_action(request, pk: int, action: str):
    """Act on one report (and every waiting report of the same target); back to the queue with the outcome."""
    if action not in moderation.ACTIONS:
        raise Http404("알 수 없는 조치예요.")
    report = moderation_selectors.report_get_for_staff(pk=pk)
    days = None
    if action == "ban" and request.POST.get("days", "") != "forever":
        days = _int_or_none(request.POST.get("days"))
    try:
        moderation.report_handle(
            report_id=report.pk,
            actor=request.user,
            action=action,
            reason=request.POST.get("reason", ""),
            days=days,
        )
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, ACTION_DONE[action])
    return redirect(reverse("live:staff-reports") + f"#report-{report.pk}")


@staff_required
@require_POST
def staff_ban_lift(request, user_id: int):
    """Lift a member's platform ban (logged with who and when); back to the list of bans."""
    member = account_selectors.member_get(user_id=user_id)
    if member is None:
        raise Http404("회원을 찾을 수 없어요.")
    if moderation.member_unban(user=member, actor=request.user, reason=request.POST.get("reason", "")):
        messages.success(request, f"{member} 님의 이용 제한을 해제했어요.")
    else:
        messages.error(request, "이미 해제된 이용 제한이에요.")
    return redirect(reverse("live:staff-reports") + "?tab=bans")
