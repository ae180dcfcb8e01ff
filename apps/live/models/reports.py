"""What viewers report (a chat message, or a broadcast itself) and what staff did about it.

A ``ViewerReport`` waits in the staff queue until handled; every staff action (and a room moderator's delete
or mute) is a ``ModerationAction`` row: who, what, on whom, why, when. Written only by
``apps.live.moderation.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.live.models.broadcasts import Broadcast
from apps.live.models.chat import ChatMessage


class ViewerReport(models.Model):
    """One viewer's report of a message or a broadcast, with a reason from the list and an optional note.

    ``broadcast`` is always set (a message's own broadcast for a message report), so the queue and the live
    monitor count a room's reports with one index. ``reported_user`` is the message's sender or the
    broadcast's seller; ``message_text`` keeps what was reported even once the message is deleted.
    """

    class Target(models.TextChoices):
        MESSAGE = "message", _("채팅 메시지")
        BROADCAST = "broadcast", _("방송")

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("욕설·비하")
        SPAM = "spam", _("스팸·광고")
        SEXUAL = "sexual", _("음란·선정성")
        FRAUD = "fraud", _("사기·허위 정보")
        PRIVACY = "privacy", _("개인정보 노출")
        ILLEGAL = "illegal", _("불법 상품·행위")
        OTHER = "other", _("기타")

    class Status(models.TextChoices):
        WAITING = "waiting", _("처리 대기")
        DISMISSED = "dismissed", _("기각")
        ACTIONED = "actioned", _("조치 완료")

    target = models.CharField(_("신고 대상"), max_length=10, choices=Target.choices)
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="reports", verbose_name=_("방송")
    )
    message = models.ForeignKey(
        ChatMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("채팅 메시지"),
    )
    message_text = models.CharField(_("신고된 메시지"), max_length=300, blank=True)
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("신고된 회원"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("신고한 회원")
    )
    reason = models.CharField(_("사유"), max_length=10, choices=Reason.choices)
    detail = models.CharField(_("자세한 내용"), max_length=300, blank=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    created_at = models.DateTimeField(_("신고 시각"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("처리한 사람"),
    )
    handled_at = models.DateTimeField(_("처리 시각"), null=True, blank=True)
    action = models.CharField(_("조치"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("신고")
        verbose_name_plural = _("신고")
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["status", "broadcast", "created_at"], name="live_report_queue"),
            models.Index(fields=["broadcast", "created_at"], name="live_report_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} · {self.get_reason_display()} ({self.get_status_display()})"


class ModerationAction(models.Model):
    """One moderation act, kept as the log: who (``actor``) did what to whom, where, why, and when."""

    class Action(models.TextChoices):
        DISMISS = "dismiss", _("신고 기각")
        DELETE = "delete", _("메시지 삭제")
        MUTE = "mute", _("방송 채팅 금지")
        UNMUTE = "unmute", _("방송 채팅 금지 해제")
        BAN = "ban", _("플랫폼 이용 제한")
        UNBAN = "unban", _("이용 제한 해제")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("처리한 사람"),
    )
    action = models.CharField(_("조치"), max_length=16, choices=Action.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("대상 회원"),
    )
    broadcast = models.ForeignKey(
        Broadcast,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("방송"),
    )
    message = models.ForeignKey(
        ChatMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("채팅 메시지"),
    )
    report = models.ForeignKey(
        ViewerReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("신고"),
    )
    reason = models.CharField(_("사유"), max_length=200, blank=True)
    until = models.DateTimeField(_("제한 기한"), null=True, blank=True)
    created_at = models.DateTimeField(_("처리 시각"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("운영 조치 기록")
        verbose_name_plural = _("운영 조치 기록")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"
