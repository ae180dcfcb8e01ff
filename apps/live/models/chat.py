"""The live room's chat and what happens in it: messages, room settings, moderators and mutes, live coupons,
the question queue and chat-command orders with their waitlist."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.live.models.broadcasts import Broadcast, BroadcastProduct


class ChatMessage(models.Model):
    """A chat message of a broadcast's room, kept as typed (plain text: every page renders it as text).

    ``display_name`` is the name the room saw when it was sent; ``deleted_at`` hides it for everyone.
    """

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="chat_messages", verbose_name=_("방송")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_messages",
        verbose_name=_("보낸 회원"),
    )
    display_name = models.CharField(_("표시 이름"), max_length=50)
    text = models.CharField(_("내용"), max_length=300)
    is_seller = models.BooleanField(_("셀러 메시지"), default=False)
    created_at = models.DateTimeField(_("보낸 시각"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("삭제 시각"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("삭제한 사람"),
    )

    class Meta:
        verbose_name = _("채팅 메시지")
        verbose_name_plural = _("채팅 메시지")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["broadcast", "-id"], name="live_chat_recent"),
            # Every welcome and catch-up asks for the messages deleted lately: a range on this, not a scan.
            models.Index(fields=["broadcast", "deleted_at"], name="live_chat_deleted"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.text[:30]}"


class ChatRoomSettings(models.Model):
    """What the seller and moderators set for a room: slow mode, banned words, the pinned announcement."""

    broadcast = models.OneToOneField(
        Broadcast, on_delete=models.CASCADE, related_name="chat_settings", verbose_name=_("방송")
    )
    slow_mode_seconds = models.PositiveSmallIntegerField(
        _("슬로우 모드 (초)"), null=True, blank=True, help_text=_("비워 두면 운영 설정의 기본값을 따릅니다.")
    )
    banned_words = models.TextField(_("금칙어"), blank=True, help_text=_("한 줄에 하나씩"))
    announcement = models.CharField(_("공지"), max_length=200, blank=True)
    # The last chat-order code given (A1, A2, …): a product taken off never frees its code.
    codes_given = models.PositiveSmallIntegerField(_("발급한 채팅 주문 코드 수"), default=0, editable=False)

    class Meta:
        verbose_name = _("채팅방 설정")
        verbose_name_plural = _("채팅방 설정")

    def __str__(self) -> str:
        return str(self.broadcast)

    @property
    def banned_word_list(self) -> list[str]:
        return [word.strip() for word in self.banned_words.splitlines() if word.strip()]


class BroadcastModerator(models.Model):
    """A member the seller appointed to moderate the room (delete, mute, slow mode, banned words, notice)."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="moderators", verbose_name=_("방송")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("회원")
    )
    created_at = models.DateTimeField(_("지정 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("채팅 매니저")
        verbose_name_plural = _("채팅 매니저")
        constraints = [models.UniqueConstraint(fields=["broadcast", "user"], name="live_moderator_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.broadcast}"


class ChatMute(models.Model):
    """A member muted in one broadcast's room: they keep reading, their messages are refused."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="chat_mutes", verbose_name=_("방송")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("회원")
    )
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("처리한 사람"),
    )
    created_at = models.DateTimeField(_("처리 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("채팅 금지")
        verbose_name_plural = _("채팅 금지")
        constraints = [models.UniqueConstraint(fields=["broadcast", "user"], name="live_mute_unique")]

    def __str__(self) -> str:
        return f"{self.user} muted @ {self.broadcast}"


class LiveCoupon(models.Model):
    """A coupon dropped into the room: ``quantity`` members may claim it, each once, before ``expires_at``.

    Its ``amount`` comes off the price of a 바로 구매 made from the room while the claim is unused.
    """

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="coupons", verbose_name=_("방송")
    )
    title = models.CharField(_("쿠폰 이름"), max_length=60)
    amount = models.PositiveIntegerField(_("할인 금액 (원)"))
    quantity = models.PositiveIntegerField(_("수량"))
    claimed_count = models.PositiveIntegerField(_("받은 수"), default=0)
    expires_at = models.DateTimeField(_("마감 시각"))
    created_at = models.DateTimeField(_("드롭 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("라이브 쿠폰")
        verbose_name_plural = _("라이브 쿠폰")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(claimed_count__lte=models.F("quantity")), name="live_coupon_not_over"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.claimed_count, 0)


class LiveCouponClaim(models.Model):
    """A member's claim of a live coupon (one each); ``used_at`` is set by the 바로 구매 it paid for."""

    coupon = models.ForeignKey(
        LiveCoupon, on_delete=models.CASCADE, related_name="claims", verbose_name=_("쿠폰")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("회원")
    )
    claimed_at = models.DateTimeField(_("받은 시각"), auto_now_add=True)
    used_at = models.DateTimeField(_("사용 시각"), null=True, blank=True)
    hold_id = models.PositiveBigIntegerField(_("재고 확보 번호"), null=True, blank=True)

    class Meta:
        verbose_name = _("라이브 쿠폰 받기")
        verbose_name_plural = _("라이브 쿠폰 받기")
        constraints = [models.UniqueConstraint(fields=["coupon", "user"], name="live_coupon_claim_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.coupon}"


class ChatQuestion(models.Model):
    """Chat questions about one thing (a topic, and the product they name or the one on air): one row of the
    host's question queue, counted as they come, until the host answers it (or marks it done).

    ``open_key`` (``<topic>:<item id or 0>``) is set while the group is open and cleared once answered: the
    unique key keeps one open group per thing across processes, and a later question starts a new group.
    """

    class Topic(models.TextChoices):
        PRICE = "price", _("가격")
        SIZE = "size", _("사이즈")
        COLOR = "color", _("색상")
        STOCK = "stock", _("재고")
        SHIPPING = "shipping", _("배송")
        TIME = "time", _("시간")
        OTHER = "other", _("기타")

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="questions", verbose_name=_("방송")
    )
    topic = models.CharField(_("주제"), max_length=12, choices=Topic.choices)
    item = models.ForeignKey(
        BroadcastProduct,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("방송 상품"),
    )
    # NULL, not "", once answered: a unique key tells NULLs apart, so closed groups never collide.
    open_key = models.CharField(  # noqa: DJ001
        _("열린 질문 키"), max_length=40, null=True, blank=True, editable=False
    )
    count = models.PositiveIntegerField(_("질문 수"), default=0)
    recent = models.JSONField(_("최근 질문"), default=list, blank=True)
    first_asked_at = models.DateTimeField(_("처음 질문 시각"))
    last_asked_at = models.DateTimeField(_("마지막 질문 시각"))
    answered_at = models.DateTimeField(_("답변 시각"), null=True, blank=True)
    answer_text = models.CharField(_("답변"), max_length=300, blank=True)
    answer_message = models.ForeignKey(
        ChatMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("답변 메시지"),
    )

    class Meta:
        verbose_name = _("채팅 질문")
        verbose_name_plural = _("채팅 질문")
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "open_key"], name="live_chatquestion_open_unique")
        ]
        indexes = [models.Index(fields=["broadcast", "answered_at"], name="live_question_queue")]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.get_topic_display()} × {self.count}"


class ChatClaim(models.Model):
    """A viewer's chat-command order (``#A1 2``): held at once (``hold_id``, the orders module's hold), or
    waiting in line (offered in ``id`` order the units expired holds give back), or ``lapsed`` (``note``: why).
    """

    class Status(models.TextChoices):
        HELD = "held", _("확보")
        WAITING = "waiting", _("대기")
        OFFERED = "offered", _("대기 후 확보")
        LAPSED = "lapsed", _("대기 종료")

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="chat_claims", verbose_name=_("방송")
    )
    item = models.ForeignKey(
        BroadcastProduct, models.SET_NULL, null=True, related_name="chat_claims", verbose_name=_("방송 상품")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("회원")
    )
    option = models.ForeignKey(
        "catalog.ProductOption", on_delete=models.CASCADE, related_name="+", verbose_name=_("옵션")
    )
    quantity = models.PositiveSmallIntegerField(_("수량"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices)
    hold_id = models.PositiveBigIntegerField(_("재고 확보 번호"), null=True, blank=True)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("주문 시각"), auto_now_add=True)
    offered_at = models.DateTimeField(_("대기 후 확보 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("채팅 주문")
        verbose_name_plural = _("채팅 주문")
        ordering = ("id",)
        indexes = [
            models.Index(fields=["option", "status", "id"], name="live_chatclaim_queue"),
            models.Index(fields=["broadcast", "-id"], name="live_chatclaim_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.option} × {self.quantity} ({self.get_status_display()})"
