"""The outbox of domain events: what was published and which subscribers have still to run."""

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventDelivery(models.Model):
    """One subscriber's delivery of one published domain event (``apps.core.events``).

    Written in the publishing transaction, so it exists exactly when the change it announces does. It stays
    open (대기, 재시도 중) until the subscriber has run without an error; the relay sends open rows again once
    ``next_attempt_at`` has passed, so a broker outage, a lost message or a failing subscriber only delays it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("대기")
        FAILING = "failing", _("재시도 중")
        DONE = "done", _("완료")

    publication = models.UUIDField(
        _("발행 ID"), default=uuid.uuid4, db_index=True, help_text=_("한 번의 발행에서 나온 전달은 같은 ID")
    )
    event = models.CharField(_("이벤트"), max_length=100, db_index=True)
    handler = models.CharField(_("처리기"), max_length=255)
    payload = models.JSONField(_("내용"), encoder=DjangoJSONEncoder)
    state = models.CharField(_("상태"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("보낸 횟수"), default=0)
    failures = models.PositiveIntegerField(_("실패 횟수"), default=0)
    sent_at = models.DateTimeField(_("마지막 전송"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("다음 재전송"), help_text=_("이때까지 완료되지 않으면 다시 보냄")
    )
    last_error = models.TextField(_("마지막 오류"), blank=True)
    created_at = models.DateTimeField(_("발행 시각"), auto_now_add=True)
    done_at = models.DateTimeField(_("완료 시각"), null=True, blank=True, db_index=True)
    alerted_at = models.DateTimeField(_("지연 알림 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("이벤트 전달")
        verbose_name_plural = _("이벤트 전달")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_delivery_due"),
            models.Index(fields=["handler", "state"], name="core_delivery_handler"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.handler_name}"

    @property
    def handler_name(self) -> str:
        return self.handler.removeprefix("apps.")

    @property
    def is_open(self) -> bool:
        return self.state != self.State.DONE
