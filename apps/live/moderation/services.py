"""Every write of reports and staff moderation.

Invariants kept here:
- a report names a message of that broadcast, or the broadcast itself; nobody reports their own message or
  broadcast, and a viewer's second report of the same target while the first waits is refused;
- reports are rate-limited per member and per address (``ratelimit.LIVE_REPORT``, the site's one limiter);
- one staff action handles every waiting report of the same target (the message, or the broadcast), and is
  logged once (``log.action_log``) in the same transaction;
- the acts themselves are the owners' services: the room's delete and mute, accounts' platform ban.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts import services as account_services
from apps.core import ratelimit
from apps.live.models import Broadcast, ChatMessage, ModerationAction, ViewerReport
from apps.live.moderation.log import action_log
from apps.live.room import services as room_services

DETAIL_MAX_CHARS = 300
BAN_DAYS_CHOICES = (1, 3, 7, 30)
ACTIONS = ("dismiss", "delete", "mute", "ban")


def _clean(text: str, limit: int) -> str:
    return room_services.text_clean(text or "")[:limit]


@transaction.atomic
def report_create(
    *, reporter, broadcast_id: int, reason: str, message_id: int | None = None, detail: str = "", ip: str = ""
) -> ViewerReport:
    """A viewer reports a chat message of the broadcast (``message_id``) or the broadcast itself.

    Raises ``RateLimited`` over ``ratelimit.LIVE_REPORT`` and ``ValidationError`` (field errors in Korean) for
    an unknown broadcast or message, an unknown reason, one's own message or broadcast, or a report of the same
    target by the same viewer still waiting.
    """
    if not (reporter and reporter.is_authenticated and reporter.is_active):
        raise ValidationError({"__all__": "로그인하고 신고해 주세요."})
    ratelimit.rate_hit(ratelimit.LIVE_REPORT, ip=ip, user_key=f"user:{reporter.pk}")
    if reason not in ViewerReport.Reason.values:
        raise ValidationError({"reason": "신고 사유를 골라 주세요."})
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None:
        raise ValidationError({"broadcast": "방송을 찾을 수 없어요."})
    report = ViewerReport(
        broadcast=broadcast, reporter=reporter, reason=reason, detail=_clean(detail, DETAIL_MAX_CHARS)
    )
    if message_id:
        message = ChatMessage.objects.filter(pk=message_id, broadcast=broadcast).first()
        if message is None:
            raise ValidationError({"message": "메시지를 찾을 수 없어요."})
        if message.user_id == reporter.pk:
            raise ValidationError({"message": "내 메시지는 신고할 수 없어요."})
        report.target = ViewerReport.Target.MESSAGE
        report.message, report.message_text, report.reported_user_id = message, message.text, message.user_id
        same = ViewerReport.objects.filter(message=message)
    else:
        if broadcast.seller_id == reporter.pk:
            raise ValidationError({"broadcast": "내 방송은 신고할 수 없어요."})
        report.target = ViewerReport.Target.BROADCAST
        report.reported_user_id = broadcast.seller_id
        same = ViewerReport.objects.filter(broadcast=broadcast, target=ViewerReport.Target.BROADCAST)
    if same.filter(reporter=reporter, status=ViewerReport.Status.WAITING).exists():
        raise ValidationError({"__all__": "이미 신고했어요. 운영팀이 확인하고 있어요."})
    report.full_clean()
    report.save()
    return report


def _siblings(report: ViewerReport):
    """The waiting reports of the same target as ``report`` (itself included)."""
    waiting = ViewerReport.objects.filter(status=ViewerReport.Status.WAITING)
    if report.target == ViewerReport.Target.MESSAGE:
        return waiting.filter(message_id=report.message_id)
    return waiting.filter(broadcast_id=report.broadcast_id, target=ViewerReport.Target.BROADCAST)


def ban_until(days: int | None, *, now: datetime | None = None) -> datetime | None:
    """When a ban of ``days`` ends (None: for good)."""
    return None if days is None else (now or timezone.now()) + timedelta(days=days)


@transaction.atomic
def report_handle(
    *, report_id: int, actor, action: str, reason: str = "", days: int | None = None
) -> ModerationAction:
    """Staff act on a waiting report: ``dismiss``, ``delete`` the message, ``mute`` its sender in that room, or
    ``ban`` the reported member from the platform for ``days`` (None: for good).

    Every waiting report of the same target is handled with it; the act is logged with ``actor`` and
    ``reason``. Raises ``ValidationError`` (Korean) when the report was handled already, or the action does
    not fit its target (a broadcast has no message to delete nor a sender to mute).
    """
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise ValidationError("운영자만 신고를 처리할 수 있어요.")
    if action not in ACTIONS:
        raise ValidationError({"action": "알 수 없는 조치예요."})
    report = ViewerReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise ValidationError("신고를 찾을 수 없어요.")
    if report.status != ViewerReport.Status.WAITING:
        raise ValidationError("이미 처리된 신고예요.")
    reason = _clean(reason, 200)
    is_message = report.target == ViewerReport.Target.MESSAGE
    if action in ("delete", "mute") and not (is_message and report.message_id):
        raise ValidationError({"action": "채팅 메시지 신고에만 쓸 수 있는 조치예요."})
    until = None
    try:
        if action == "delete":
            room_services.chat_message_delete(
                broadcast=report.broadcast, message_id=report.message_id, actor=actor, logged=False
            )
        elif action == "mute":
            room_services.chat_user_mute(
                broadcast=report.broadcast, user_id=report.reported_user_id, actor=actor, logged=False
            )
        elif action == "ban":
            if report.reported_user is None:
                raise ValidationError("신고된 회원이 남아 있지 않아요.")
            if days is not None and days not in BAN_DAYS_CHOICES:
                raise ValidationError({"days": "제한 기간을 골라 주세요."})
            until = ban_until(days)
            account_services.ban_platform(
                user=report.reported_user,
                reason=reason or report.get_reason_display(),
                until=until,
                actor=actor,
            )
    except room_services.ChatRefused as refusal:
        raise ValidationError(refusal.message) from refusal
    logged = action_log(
        actor=actor,
        action=ModerationAction.Action(action),
        target_user_id=report.reported_user_id,
        broadcast_id=report.broadcast_id,
        message_id=report.message_id if is_message else None,
        report_id=report.pk,
        reason=reason or report.get_reason_display(),
        until=until,
    )
    status = ViewerReport.Status.DISMISSED if action == "dismiss" else ViewerReport.Status.ACTIONED
    _siblings(report).update(status=status, action=action, handled_by=actor, handled_at=logged.created_at)
    return logged


@transaction.atomic
def member_unban(*, user, actor, reason: str = "") -> int:
    """Lift a member's platform ban and log it; returns how many bans were lifted."""
    lifted = account_services.ban_lift(user=user, actor=actor)
    if lifted:
        action_log(
            actor=actor,
            action=ModerationAction.Action.UNBAN,
            target_user_id=user.pk,
            reason=_clean(reason, 200),
        )
    return lifted
