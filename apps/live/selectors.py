"""Every read of the live module's pages, shaped for the page that shows it. No read here writes.

The room's reads (history, the pinned card, who may moderate) are ``apps.live.room.selectors``.
"""

import dataclasses
import math
import time

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from apps.catalog.models import Product
from apps.catalog.selectors import (
    CategoryNode,
    ProductCard,
    category_tree,
    product_cards,
    products_visible,
)
from apps.live.keys import CARDS_VERSION_KEY, VIEWER_SAMPLE_SECONDS, viewer_count_key
from apps.live.media.health import StreamHealth, stream_health
from apps.live.media.server import PLAYER_HLS_CONFIG, PLAYER_HLS_CONFIG_NORMAL
from apps.live.models import Broadcast, BroadcastPin, BroadcastProduct, BroadcastViewerSample, ChatMessage

TABS: dict[str, str] = {"live": "라이브", "scheduled": "예정", "replay": "다시보기"}
DEFAULT_TAB = "live"
LIVE_NOW_MAX = 10
PRODUCT_BROADCASTS_MAX = 8
STUDIO_PRODUCT_CHOICES_MAX = 300
CARDS_TTL = 60


def viewer_count(*, broadcast_id: int) -> int:
    return int(cache.get(viewer_count_key(broadcast_id)) or 0)


def broadcast_audience_stats(*, broadcast_id: int) -> dict:
    """A broadcast's audience for its report: ``peak_viewers``, ``average_viewers``, ``messages``, ``likes``.

    Peak is the largest viewer sample. Average is over the time on air, not only over the samples: a slot
    without a sample (no room open, nobody watching) counts as 0 viewers, so the average is the samples' sum
    over the number of slots between start and end (or now), or over the samples if there are more. Messages
    are the chat messages not deleted; likes the hearts the room tickers added up.
    """
    broadcast = Broadcast.objects.filter(pk=broadcast_id).values("started_at", "ended_at", "likes").first()
    if broadcast is None:
        return {"peak_viewers": 0, "average_viewers": 0, "messages": 0, "likes": 0}
    samples = BroadcastViewerSample.objects.filter(broadcast_id=broadcast_id).aggregate(
        peak=Max("viewers"), total=Sum("viewers"), count=Count("id")
    )
    slots = samples["count"]
    if broadcast["started_at"] is not None:
        on_air = (broadcast["ended_at"] or timezone.now()) - broadcast["started_at"]
        slots = max(slots, math.ceil(on_air.total_seconds() / VIEWER_SAMPLE_SECONDS))
    total = samples["total"] or 0
    return {
        "peak_viewers": samples["peak"] or 0,
        "average_viewers": (2 * total + slots) // (2 * slots) if slots else 0,  # rounded half up
        "messages": ChatMessage.objects.filter(broadcast_id=broadcast_id, deleted_at__isnull=True).count(),
        "likes": broadcast["likes"],
    }


def _broadcasts() -> QuerySet[Broadcast]:
    return Broadcast.objects.select_related("seller", "category")


def broadcast_listing(*, tab: str, category_slug: str = "") -> QuerySet[Broadcast]:
    """The list page's tab: on air now (newest first), coming up (soonest first), or replays (newest first).

    ``category_slug`` narrows to that category and everything under it.
    """
    broadcasts = _broadcasts()
    if category_slug:
        category = category_tree().by_slug.get(category_slug)
        if category is None:
            return broadcasts.none()
        broadcasts = broadcasts.filter(category__path__startswith=category.path)
    if tab == "scheduled":
        return broadcasts.filter(status=Broadcast.Status.SCHEDULED).order_by("scheduled_at", "id")
    if tab == "replay":
        return broadcasts.filter(
            status=Broadcast.Status.ENDED, replay_status=Broadcast.ReplayStatus.READY
        ).order_by("-started_at", "-id")
    return broadcasts.filter(status=Broadcast.Status.LIVE).order_by("-started_at", "-id")


def listing_categories() -> list[CategoryNode]:
    """The category chips of the list page: the roots of the tree."""
    return list(category_tree().roots)


def broadcast_get(*, pk: int) -> Broadcast:
    broadcast = _broadcasts().filter(pk=pk).first()
    if broadcast is None:
        raise Http404("방송을 찾을 수 없어요.")
    return broadcast


def broadcast_get_for_user(*, pk: int, user) -> Broadcast:
    """The broadcast as its studio sees it: only its seller (or staff) gets it, anyone else a 404."""
    broadcast = broadcast_get(pk=pk)
    if not (user.is_authenticated and (broadcast.seller_id == user.pk or user.is_staff)):
        raise Http404("방송을 찾을 수 없어요.")
    return broadcast


def broadcasts_of_seller(*, user) -> QuerySet[Broadcast]:
    return _broadcasts().filter(seller=user).order_by("-scheduled_at", "-id")


def broadcast_current_and_next(*, user) -> tuple[Broadcast | None, Broadcast | None]:
    """The seller's broadcast on air now, and its next one not yet started (a late start still counts)."""
    mine = _broadcasts().filter(seller=user)
    current = mine.filter(status=Broadcast.Status.LIVE).order_by("-started_at", "-id").first()
    upcoming = mine.filter(status=Broadcast.Status.SCHEDULED).order_by("scheduled_at", "id").first()
    return current, upcoming


@dataclasses.dataclass
class ItemCard:
    """A product on sale in a broadcast: the catalog's card plus the live price and flags."""

    item_id: int
    card: ProductCard
    price: int
    is_live_price: bool
    is_sold_out: bool
    is_pinned: bool
    # The chat-order code (A1, A2, …) printed on the card.
    code: str = ""

    @property
    def discount_percent(self) -> int:
        base = self.card.list_price
        return (base - self.price) * 100 // base if base and self.price < base else 0


def broadcast_item_cards(*, broadcast: Broadcast) -> list[ItemCard]:
    """The broadcast's products in the seller's order (two queries: items, then the catalog's cards)."""
    items = list(BroadcastProduct.objects.filter(broadcast=broadcast).order_by("position", "id"))
    cards = {
        card.pk: card
        for card in product_cards(products_visible().filter(pk__in=[i.product_id for i in items]))
    }
    result = []
    for item in items:
        card = cards.get(item.product_id)
        if card is None:
            continue
        price = item.live_price if item.live_price is not None else card.sale_price
        result.append(
            ItemCard(
                item_id=item.pk,
                card=card,
                price=price,
                is_live_price=item.live_price is not None,
                is_sold_out=item.is_sold_out or card.sold_out,
                is_pinned=item.is_pinned,
                code=item.code or "",
            )
        )
    return result


@dataclasses.dataclass
class Chapter:
    """A replay chapter: the moment (seconds into the replay) a product was presented."""

    offset_seconds: float
    card: ProductCard

    @property
    def label(self) -> str:
        total = int(self.offset_seconds)
        hours, rest = divmod(total, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def broadcast_chapters(*, broadcast: Broadcast) -> list[Chapter]:
    pins = list(BroadcastPin.objects.filter(broadcast=broadcast).order_by("offset_seconds", "id"))
    cards = {
        card.pk: card
        for card in product_cards(products_visible().filter(pk__in={p.product_id for p in pins}))
    }
    return [Chapter(pin.offset_seconds, cards[pin.product_id]) for pin in pins if pin.product_id in cards]


def broadcast_item_get_for_user(*, broadcast: Broadcast, item_id: int) -> BroadcastProduct:
    """An item of a broadcast already checked by ``broadcast_get_for_user``."""
    item = BroadcastProduct.objects.select_related("product").filter(broadcast=broadcast, pk=item_id).first()
    if item is None:
        raise Http404("방송 상품을 찾을 수 없어요.")
    return item


def studio_product_choices(*, broadcast: Broadcast) -> QuerySet:
    """Products a seller may add: its own visible ones of the broadcast's category tree not yet in the
    broadcast."""
    return (
        products_visible()
        .filter(seller__user_id=broadcast.seller_id, category__path__startswith=broadcast.category.path)
        .exclude(pk__in=broadcast.items.values("product_id"))
        .order_by("name")[:STUDIO_PRODUCT_CHOICES_MAX]
    )


def studio_product_get(*, product_id: int, broadcast: Broadcast) -> Product | None:
    """The product a seller adds to its broadcast: one of its own shop's visible ones (판매중 or 품절), else
    None."""
    return products_visible().filter(pk=product_id, seller__user_id=broadcast.seller_id).first()


@dataclasses.dataclass(frozen=True)
class CheckItem:
    """One line of the studio's checklist: ticked only from something read here, else what to do."""

    label: str
    done: bool
    todo: str


def studio_stream_health(*, broadcast: Broadcast) -> StreamHealth | None:
    """What the media server measures of the broadcast's stream while it is live (None otherwise, or when the
    media server does not answer)."""
    if not broadcast.is_live:
        return None
    return stream_health(public_name=broadcast.public_name)


def studio_checklist(
    *, broadcast: Broadcast, items: list[ItemCard], health: StreamHealth | None = None
) -> list[CheckItem]:
    """What the studio can check before and during a show, each from the broadcast's own rows or from what
    the media server measured (``health``, see ``studio_stream_health``).

    Before the show the encoder line is ticked once the media server accepted a publish with this broadcast's
    key (the publish gate records the connection and the start), so it proves the server address and key are
    right; on air it is ticked only while the media server has the stream's publisher. The stream-quality
    line (bitrate, frame rate, keyframe interval, audio, resolution) is ticked only from a measurement with
    no warning: before the show there is nothing to measure, so it says when it will be checked.
    """
    if broadcast.is_live and health is not None:
        encoder = health.publishing
    elif broadcast.is_live:
        # The media server cannot be asked: what the publish gate recorded.
        encoder = not broadcast.is_reconnecting
    else:
        encoder = bool(broadcast.publisher_client_id) or broadcast.started_at is not None
    if broadcast.is_reconnecting:
        encoder_todo = "송출이 끊겼어요. OBS에서 '방송 시작'을 다시 누르면 같은 방송으로 이어져요."
    else:
        encoder_todo = "OBS에 서버 URL과 스트림 키를 넣고 '방송 시작'을 누르면 여기서 확인돼요."
    if health is not None and health.publishing:
        quality_todo = health.warnings[0] if health.warnings else ""
    else:
        quality_todo = "송출을 시작하면 비트레이트·프레임·키프레임 간격·오디오를 재서 여기서 알려 드려요."
    return [
        CheckItem("스트림 키 발급", bool(broadcast.stream_key), "스트림 키를 재발급하세요."),
        CheckItem(
            "OBS 송출 연결됨" if broadcast.is_live and encoder else "OBS 송출 연결 확인",
            encoder,
            encoder_todo,
        ),
        CheckItem(
            "송출 품질 (비트레이트·프레임·키프레임·오디오)",
            bool(health is not None and health.ok),
            quality_todo,
        ),
        CheckItem(
            "판매할 상품 1개 이상 추가", bool(items), "아래 '상품 추가'에서 이 방송에서 팔 상품을 고르세요."
        ),
        CheckItem(
            "판매할 수 있는 상품 (품절 아님)",
            any(not item.is_sold_out for item in items),
            "품절이 아닌 상품을 추가하거나 판매를 재개하세요.",
        ),
        CheckItem(
            "먼저 소개할 상품 고정",
            any(item.is_pinned for item in items),
            "상품의 '소개하기'를 누르면 시청자 화면에 그 상품이 떠요.",
        ),
        CheckItem(
            "대표 이미지 등록", bool(broadcast.cover), "방송 목록과 알림에 보일 대표 이미지를 올려 주세요."
        ),
    ]


def alarm_is_set(*, broadcast: Broadcast, user) -> bool:
    return bool(user.is_authenticated and broadcast.alarms.filter(user=user).exists())


def player_config() -> dict:
    """The hls.js settings of the preset staff chose (admin → 운영 설정): low latency unless "normal"."""
    from constance import config

    normal = config.PLAYER_LATENCY_PRESET == "normal"
    return {"hls": PLAYER_HLS_CONFIG_NORMAL if normal else PLAYER_HLS_CONFIG}


def cover_url(broadcast: Broadcast) -> str:
    return default_storage.url(broadcast.cover.name) if broadcast.cover else ""


# ---- Providers of apps.catalog.hooks -------------------------------------------------------------------


def cards_version() -> int:
    return cache.get_or_set(CARDS_VERSION_KEY, time.time_ns, None)


def live_now_cards() -> list[dict]:
    """The main page's "지금 라이브" strip (cached; no query on most views)."""
    return cache.get_or_set(f"live:now:{cards_version()}", _live_now_build, CARDS_TTL)


def product_broadcast_cards(*, product_id: int) -> list[dict]:
    """A product page's "이 상품을 소개한 라이브": live ones first, then replays, newest first (cached)."""
    return cache.get_or_set(
        f"live:product:{product_id}:{cards_version()}",
        lambda: _product_broadcasts_build(product_id),
        CARDS_TTL,
    )


SHOP_BROADCASTS_MAX = 12


def seller_broadcast_cards(*, user_id: int) -> list[dict]:
    """A shop page's broadcasts of its seller: on air, coming up (soonest first), then replays (cached)."""
    return cache.get_or_set(
        f"live:shop:{user_id}:{cards_version()}", lambda: _seller_broadcasts_build(user_id), CARDS_TTL
    )


def _seller_broadcasts_build(user_id: int) -> list[dict]:
    broadcasts = Broadcast.objects.filter(seller_id=user_id).filter(
        Q(status__in=(Broadcast.Status.LIVE, Broadcast.Status.SCHEDULED))
        | Q(status=Broadcast.Status.ENDED, replay_status=Broadcast.ReplayStatus.READY)
    )
    order = {Broadcast.Status.LIVE: 0, Broadcast.Status.SCHEDULED: 1, Broadcast.Status.ENDED: 2}
    rows = sorted(
        broadcasts,
        key=lambda b: (
            order[b.status],
            b.scheduled_at.timestamp() if b.status == Broadcast.Status.SCHEDULED else 0,
            -(b.started_at.timestamp() if b.started_at else 0),
        ),
    )
    return [
        {
            "url": broadcast.get_absolute_url(),
            "title": broadcast.title,
            "image_url": cover_url(broadcast),
            "image_renditions": broadcast.cover_renditions,
            "is_live": broadcast.is_live,
            "is_scheduled": broadcast.status == Broadcast.Status.SCHEDULED,
            "starts_at": broadcast.started_at or broadcast.scheduled_at,
        }
        for broadcast in rows[:SHOP_BROADCASTS_MAX]
    ]


def _live_now_build() -> list[dict]:
    broadcasts = _broadcasts().filter(status=Broadcast.Status.LIVE).order_by("-started_at")[:LIVE_NOW_MAX]
    return [
        {
            "url": broadcast.get_absolute_url(),
            "title": broadcast.title,
            "image_url": cover_url(broadcast),
            "image_renditions": broadcast.cover_renditions,
            "seller": broadcast.seller.name or broadcast.seller.username,
            "viewer_count": viewer_count(broadcast_id=broadcast.pk),
        }
        for broadcast in broadcasts
    ]


def _product_broadcasts_build(product_id: int) -> list[dict]:
    broadcasts = Broadcast.objects.filter(items__product_id=product_id).filter(
        Q(status=Broadcast.Status.LIVE)
        | Q(status=Broadcast.Status.ENDED, replay_status=Broadcast.ReplayStatus.READY)
    )
    rows = sorted(
        broadcasts, key=lambda b: (not b.is_live, -(b.started_at.timestamp() if b.started_at else 0))
    )
    return [
        {
            "url": broadcast.get_absolute_url(),
            "title": broadcast.title,
            "image_url": cover_url(broadcast),
            "image_renditions": broadcast.cover_renditions,
            "is_live": broadcast.is_live,
            "starts_at": broadcast.started_at or broadcast.scheduled_at,
        }
        for broadcast in rows[:PRODUCT_BROADCASTS_MAX]
    ]
