"""The outbox of domain events (what was published, which subscribers have still to run) and the policy
documents members agree to (이용약관, 개인정보처리방침)."""

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
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


class PolicyDocument(models.Model):
    """One version of a document members agree to: 이용약관 or 개인정보처리방침.

    Versions are numbered per kind. The one in force is the newest whose ``effective_at`` has come; a version
    in force is never edited (members agreed to its words): staff add the next version, which may be announced
    ahead of its date. ``body`` is limited HTML, cleaned when written and again when shown
    (``apps.core.policytext``).
    """

    class Kind(models.TextChoices):
        TERMS = "terms", _("이용약관")
        PRIVACY = "privacy", _("개인정보처리방침")

    kind = models.CharField(_("종류"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("버전"), help_text=_("종류마다 1부터 차례로"))
    title = models.CharField(_("제목"), max_length=100)
    body = models.TextField(
        _("본문"),
        help_text=_(
            "HTML 일부만 허용(h2, h3, p, ul, ol, li, strong, em, a, table, blockquote). "
            "{{상호}}, {{대표자}}, {{주소}}, {{고객센터_전화}}, {{고객센터_이메일}}, "
            "{{개인정보_보호책임자}}, {{개인정보_보호책임자_연락처}}, {{호스팅_제공자}}는 운영 설정 → 사업자 정보의 값으로 바뀌어 보여요."
        ),
    )
    effective_at = models.DateTimeField(_("시행 일시"), default=timezone.now)
    created_at = models.DateTimeField(_("작성 일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("약관·방침 문서")
        verbose_name_plural = _("약관·방침 문서")
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="core_policy_kind_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="core_policy_version_positive"),
        ]
        indexes = [models.Index(fields=["kind", "effective_at"], name="core_policy_in_force")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse(f"core:{self.kind}-version", kwargs={"version": self.version})

    @property
    def has_taken_effect(self) -> bool:
        """True once its date has come (it may since have been replaced by a newer version)."""
        return self.effective_at <= timezone.now()
