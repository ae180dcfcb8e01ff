"""Live broadcasts: what a seller airs, the products on sale in it, the moments products were presented
(pins, the replay's chapters) and the shoppers waiting for it to start (alarms).

A broadcast goes 예정 → 라이브 → 종료 and never back on its own: the media server's ``on_publish`` moves it
to live (``services.broadcast_publish_start``), ``on_publish_done`` ends it. Every write is in
``apps.live.services``.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Broadcast(models.Model):
    """One live broadcast of a seller.

    ``stream_key`` is the secret OBS sends with the publish (``<public_name>?key=<stream_key>``); it is shown
    only to the owner and compared in constant time. ``public_name`` is the stream's name on the media
    server and in every playback URL, so watching never reveals the key.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("예정")
        LIVE = "live", _("라이브")
        ENDED = "ended", _("종료")

    class ReplayStatus(models.TextChoices):
        NONE = "none", _("없음")
        PROCESSING = "processing", _("만드는 중")
        READY = "ready", _("준비됨")
        FAILED = "failed", _("실패")

    title = models.CharField(_("방송 제목"), max_length=100)
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("셀러"), on_delete=models.PROTECT, related_name="broadcasts"
    )
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("카테고리"), on_delete=models.PROTECT, related_name="broadcasts"
    )
    description = models.TextField(_("방송 소개"), blank=True)
    cover = models.ImageField(_("대표 이미지"), upload_to="broadcasts/covers/%Y/%m/", blank=True)
    scheduled_at = models.DateTimeField(_("방송 예정 시각"), db_index=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    started_at = models.DateTimeField(_("시작 시각"), null=True, blank=True)
    ended_at = models.DateTimeField(_("종료 시각"), null=True, blank=True)
    stream_key = models.CharField(_("스트림 키"), max_length=64, editable=False)
    stream_key_changed_at = models.DateTimeField(_("스트림 키 발급 시각"), null=True, editable=False)
    public_name = models.SlugField(_("공개 스트림 이름"), max_length=32, unique=True, editable=False)
    publisher_client_id = models.CharField(
        _("송출 연결 ID"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("미디어 서버가 붙인 연결 번호"),
    )
    recording_path = models.CharField(_("녹화 파일"), max_length=500, blank=True, editable=False)
    replay_status = models.CharField(
        _("다시보기"), max_length=12, choices=ReplayStatus.choices, default=ReplayStatus.NONE
    )
    replay_path = models.CharField(
        _("다시보기 재생목록"), max_length=255, blank=True, editable=False, help_text=_("MEDIA_ROOT 기준")
    )
    likes = models.PositiveIntegerField(
        _("좋아요"), default=0, editable=False, help_text=_("방송 중 시청자가 누른 하트의 합계")
    )
    products = models.ManyToManyField(
        "catalog.Product", through="BroadcastProduct", related_name="broadcasts", verbose_name=_("판매 상품")
    )
    created_at = models.DateTimeField(_("만든 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("라이브 방송")
        verbose_name_plural = _("라이브 방송")
        ordering = ("-scheduled_at", "-id")
        indexes = [models.Index(fields=["status", "scheduled_at"], name="live_broadcast_status_time")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("live:broadcast", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def has_replay(self) -> bool:
        return self.replay_status == self.ReplayStatus.READY

    @property
    def hls_url(self) -> str:
        """The live playlist on the media server (``hls_nested on``: one directory per stream)."""
        return f"{settings.HLS_BASE_URL.rstrip('/')}/{self.public_name}/index.m3u8"

    @property
    def replay_url(self) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(self.replay_path) if self.has_replay else ""


class BroadcastProduct(models.Model):
    """A product on sale in a broadcast, in the seller's order, with an optional live-only price."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="items", verbose_name=_("방송")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="broadcast_items", verbose_name=_("상품")
    )
    position = models.PositiveSmallIntegerField(_("순서"), default=0)
    live_price = models.PositiveIntegerField(
        _("라이브 특가 (원)"), null=True, blank=True, help_text=_("비워 두면 판매가로 팝니다.")
    )
    is_sold_out = models.BooleanField(_("방송 중 품절"), default=False)
    is_pinned = models.BooleanField(_("지금 소개 중"), default=False)
    # The chat-order code (#A1 2). NULL, not "", when made outside the service (the admin's inline): MariaDB
    # has no partial unique index, and NULLs never collide.
    code = models.CharField(_("채팅 주문 코드"), max_length=4, null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        verbose_name = _("방송 상품")
        verbose_name_plural = _("방송 상품")
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "product"], name="live_broadcastproduct_unique"),
            models.UniqueConstraint(fields=["broadcast", "code"], name="live_broadcastproduct_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast} · {self.product}"

    @property
    def price(self) -> int:
        return self.live_price if self.live_price is not None else self.product.sale_price


class BroadcastPin(models.Model):
    """A moment a product was presented on air: the replay's "이 순간 상품" chapter.

    ``offset_seconds`` counts from the broadcast's ``started_at``, which is when the recording starts too,
    so it is the replay's playback time of that moment.
    """

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="pins", verbose_name=_("방송")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="broadcast_pins", verbose_name=_("상품")
    )
    pinned_at = models.DateTimeField(_("소개 시각"))
    offset_seconds = models.FloatField(_("방송 경과 (초)"))

    class Meta:
        verbose_name = _("상품 소개 순간")
        verbose_name_plural = _("상품 소개 순간")
        ordering = ("offset_seconds", "id")

    def __str__(self) -> str:
        return f"{self.product} @ {self.offset_seconds:.0f}s"


class BroadcastViewerSample(models.Model):
    """How many watched a broadcast at ``at``: one row per sampling slot (``services.VIEWER_SAMPLE_SECONDS``),
    taken by one process's room ticker while the broadcast is live. ``at`` is the slot's start."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="viewer_samples", verbose_name=_("방송")
    )
    at = models.DateTimeField(_("측정 시각"))
    viewers = models.PositiveIntegerField(_("시청자 수"))

    class Meta:
        verbose_name = _("시청자 수 기록")
        verbose_name_plural = _("시청자 수 기록")
        ordering = ("at",)
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "at"], name="live_viewer_sample_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.broadcast} @ {self.at:%H:%M:%S}: {self.viewers}"


class BroadcastAlarm(models.Model):
    """A shopper's "알림 받기" for a scheduled broadcast; ``notified_at`` is set by the one go-live mail."""

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="alarms", verbose_name=_("방송")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="broadcast_alarms",
        verbose_name=_("회원"),
    )
    created_at = models.DateTimeField(_("신청 시각"), auto_now_add=True)
    notified_at = models.DateTimeField(_("알림 발송 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("방송 알림")
        verbose_name_plural = _("방송 알림")
        constraints = [models.UniqueConstraint(fields=["broadcast", "user"], name="live_alarm_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.broadcast}"


# ---- The room: chat, moderation, coupons ---------------------------------------------------------------


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
