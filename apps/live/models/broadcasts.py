"""Live broadcasts: what a seller airs, the products on sale in it, the moments products were presented
(pins, the replay's chapters) and the shoppers waiting for it to start (alarms).

A broadcast goes 예정 → 라이브 → 종료 and never back on its own: the media server's ``on_publish`` moves it
to live (``services.broadcast_publish_start``); ``on_publish_done`` starts the reconnect grace (still live,
"잠시 연결이 끊겼어요"), and the broadcast ends when the grace runs out or the host ends it. Each publish is a
``BroadcastPart`` with its own recording. Every write is in ``apps.live.services``.
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
    # WebP/AVIF copies of the cover in a few widths ({"avif": [[width, file name], …], …}), made once after the
    # upload by a task (``services.covers``); {} until then, when pages show the cover itself.
    cover_renditions = models.JSONField(
        _("대표 이미지 변환본"), default=dict, db_default={}, blank=True, editable=False
    )
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
    publisher_dropped_at = models.DateTimeField(
        _("송출 끊김 시각"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("방송 중 송출이 끊겨 재연결을 기다리는 동안만 값이 있어요"),
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
    # Set only when staff stopped the broadcast from the live monitor: the seller reads it in the studio.
    stop_reason = models.TextField(_("운영자 중지 사유"), blank=True, db_default="", editable=False)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("중지한 운영자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
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
    def is_reconnecting(self) -> bool:
        """Live, but the encoder dropped and the grace window for its reconnect is running."""
        return self.status == self.Status.LIVE and self.publisher_dropped_at is not None

    @property
    def was_stopped_by_staff(self) -> bool:
        return bool(self.stop_reason)

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


class BroadcastPart(models.Model):
    """One publish of the broadcast's encoder (the first, then one per reconnect) and its recording.

    nginx-rtmp records each publish into its own file (``record_unique``); the replay joins the parts'
    recordings in ``started_at`` order, so the time between parts (the drops) is not in the replay.
    """

    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="parts", verbose_name=_("방송")
    )
    client_id = models.CharField(_("송출 연결 ID"), max_length=32)
    started_at = models.DateTimeField(_("송출 시작"))
    stopped_at = models.DateTimeField(_("송출 끊김"), null=True, blank=True)
    recording_path = models.CharField(_("녹화 파일"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("송출 구간")
        verbose_name_plural = _("송출 구간")
        ordering = ("started_at", "id")

    def __str__(self) -> str:
        return f"{self.broadcast_id} #{self.client_id} @ {self.started_at:%H:%M:%S}"


class BroadcastPin(models.Model):
    """A moment a product was presented on air: the replay's "이 순간 상품" chapter.

    ``offset_seconds`` is the replay's playback time of that moment: time on air since ``started_at`` without
    the drops between parts (estimated from the clock when pinned, set from the recordings' own lengths when
    the replay is made).
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
