"""Reads of a broadcast's room: history, the pinned product's card, who may moderate. No read here writes.

Every payload here is what a viewer's page receives as a STOMP MESSAGE body (JSON); texts are plain text,
rendered with ``textContent`` by the page.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.accounts.selectors import bans_active
from apps.catalog.models import ProductOption
from apps.catalog.selectors import (
    options_sold_out,
    product_cards,
    product_options,
    product_stock,
    products_visible,
)
from apps.catalog.selectors.pictures import renditions_srcset
from apps.live.models import (
    Broadcast,
    BroadcastModerator,
    BroadcastProduct,
    ChatMessage,
    ChatMute,
    ChatRoomSettings,
    LiveCoupon,
)

HISTORY_SIZE = 50


def display_name_of(user) -> str:
    return (getattr(user, "name", "") or user.username)[:50]


def message_payload(message: ChatMessage) -> dict:
    return {
        "type": "message",
        "id": message.pk,
        "user_id": message.user_id,
        "name": message.display_name,
        "text": message.text,
        "seller": message.is_seller,
        "at": timezone.localtime(message.created_at).strftime("%H:%M"),
    }


def chat_history(*, broadcast_id: int, limit: int = HISTORY_SIZE) -> list[dict]:
    """The last ``limit`` messages not deleted, oldest first (what a viewer sees on joining)."""
    messages = list(
        ChatMessage.objects.filter(broadcast_id=broadcast_id, deleted_at__isnull=True).order_by("-id")[:limit]
    )
    return [message_payload(message) for message in reversed(messages)]


# A page that reconnects names the last message it shows; it gets at most this many of those sent after it.
RESUME_SIZE = 500


def chat_messages_after(*, broadcast_id: int, after_id: int, limit: int = RESUME_SIZE) -> list[dict]:
    """The last ``limit`` messages not deleted with an id above ``after_id``, oldest first: what a viewer whose
    socket dropped (a web host gone, a phone changing networks) missed while it was away."""
    messages = list(
        ChatMessage.objects.filter(
            broadcast_id=broadcast_id, deleted_at__isnull=True, pk__gt=after_id
        ).order_by("-id")[:limit]
    )
    return [message_payload(message) for message in reversed(messages)]


def chat_messages_since(*, broadcast_id: int, after_id: int, since: float, limit: int = 200) -> list[dict]:
    """Messages not deleted with an id above ``after_id`` (0: none) or sent at or after ``since`` (unix time),
    oldest first: what a room whose Redis subscription broke may have missed."""
    missed = Q(created_at__gte=datetime.datetime.fromtimestamp(since, tz=datetime.UTC))
    if after_id:
        missed |= Q(pk__gt=after_id)
    messages = ChatMessage.objects.filter(missed, broadcast_id=broadcast_id, deleted_at__isnull=True)
    return [message_payload(message) for message in messages.order_by("id")[:limit]]


def chat_messages_recent(*, broadcast_id: int, since: float, limit: int) -> list[dict]:
    """Of the last ``limit`` messages not deleted, those sent at or after ``since`` (unix time), oldest first:
    what a room's sweep compares with what it fanned out. Read newest first along the room's id index and
    filtered here, so a long show's history is never scanned for it."""
    messages = ChatMessage.objects.filter(broadcast_id=broadcast_id, deleted_at__isnull=True).order_by("-id")
    after = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    return [message_payload(message) for message in reversed(messages[:limit]) if message.created_at >= after]


def chat_deleted_since(*, broadcast_id: int, since: float, limit: int = 200) -> list[int]:
    """Ids of the messages deleted at or after ``since`` (unix time), oldest deletion first: what a page that
    missed the ``deleted`` events (its room's subscription broke, its socket reconnected) still shows."""
    deleted = ChatMessage.objects.filter(
        broadcast_id=broadcast_id,
        deleted_at__gte=datetime.datetime.fromtimestamp(since, tz=datetime.UTC),
    )
    return list(deleted.order_by("deleted_at", "id").values_list("id", flat=True)[:limit])


def may_moderate(*, user, broadcast: Broadcast, appointed: bool | None = None) -> bool:
    """The seller of the broadcast, staff, and the moderators the seller appointed (``appointed`` when the
    caller read it already, else looked up)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff or broadcast.seller_id == user.pk:
        return True
    if appointed is not None:
        return appointed
    return BroadcastModerator.objects.filter(broadcast=broadcast, user=user).exists()


MODERATOR_SEARCH_MIN_CHARS = 2
MODERATOR_SEARCH_MAX = 10


def moderators_of(*, broadcast: Broadcast) -> list:
    """The members the seller appointed to moderate the room, first appointed first."""
    return [
        row.user
        for row in BroadcastModerator.objects.filter(broadcast=broadcast)
        .select_related("user")
        .order_by("created_at", "id")
    ]


def moderator_candidates(*, broadcast: Broadcast, query: str) -> list:
    """Active members a seller may appoint, found by login ID (exactly) or name (a part of it).

    At most ``MODERATOR_SEARCH_MAX``; the seller and members already appointed are left out. The login ID
    must be typed whole, so a seller cannot list members by guessing a few letters of IDs.
    """
    query = query.strip()
    if len(query) < MODERATOR_SEARCH_MIN_CHARS:
        return []
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(username__iexact=query) | Q(name__icontains=query))
        .exclude(pk=broadcast.seller_id)
        .exclude(pk__in=BroadcastModerator.objects.filter(broadcast=broadcast).values("user_id"))
        .order_by("name", "id")[:MODERATOR_SEARCH_MAX]
    )


def moderator_member_get(*, broadcast: Broadcast, user_id: int, appointed: bool):
    """The member a studio form names: an active one to appoint, or one of this room's moderators to dismiss."""
    members = get_user_model().objects.filter(pk=user_id)
    if appointed:
        members = members.filter(
            pk__in=BroadcastModerator.objects.filter(broadcast=broadcast).values("user_id")
        )
    else:
        members = members.filter(is_active=True).exclude(pk=broadcast.seller_id)
    return members.first()


def login_id_masked(username: str) -> str:
    """A login ID as the studio shows it: enough to tell two members apart, not enough to sign in as them."""
    keep = min(3, max(1, len(username) // 2))
    return username[:keep] + "*" * max(len(username) - keep, 2)


def room_settings(*, broadcast_id: int) -> ChatRoomSettings:
    """The room's settings row, or an unsaved default one."""
    return ChatRoomSettings.objects.filter(broadcast_id=broadcast_id).first() or ChatRoomSettings(
        broadcast_id=broadcast_id
    )


def broadcast_for_sender(*, broadcast_id: int, user) -> tuple[Broadcast, ChatRoomSettings] | None:
    """The broadcast a member sends a chat message to, and its room's settings, in one query (a busy room
    takes many messages a second): the broadcast carries ``sender_muted``, ``sender_banned`` (a platform ban
    in force) and ``sender_moderates`` (``may_moderate``)."""
    broadcast = (
        Broadcast.objects.filter(pk=broadcast_id)
        .select_related("chat_settings")
        .annotate(
            sender_muted=Exists(ChatMute.objects.filter(broadcast=OuterRef("pk"), user=user)),
            sender_appointed=Exists(BroadcastModerator.objects.filter(broadcast=OuterRef("pk"), user=user)),
            sender_banned=Exists(bans_active(user_id=user.pk)),
        )
        .first()
    )
    if broadcast is None:
        return None
    broadcast.sender_moderates = may_moderate(
        user=user, broadcast=broadcast, appointed=broadcast.sender_appointed
    )
    try:
        settings_row = broadcast.chat_settings
    except ChatRoomSettings.DoesNotExist:
        settings_row = ChatRoomSettings(broadcast=broadcast)
    return broadcast, settings_row


def item_stock(*, product_id: int) -> int:
    return product_stock(product_id=product_id)


def option_known_sold_out(*, option_id: int) -> bool:
    """Whether the option is known to have sold out, from the cache alone (False: only the database knows)."""
    return option_id > 0 and bool(options_sold_out(option_ids=[option_id]))


def item_option(*, product_id: int, option_id: int) -> ProductOption | None:
    """One option of a product on air (the one a viewer picked to hold), or None."""
    return product_options(product_id=product_id).filter(pk=option_id).first()


def item_card_payload(*, item: BroadcastProduct) -> dict | None:
    """The pinned-product card: live-only price when set, options with their stock, 품절 when none is left."""
    card = next(iter(product_cards(products_visible().filter(pk=item.product_id))), None)
    if card is None:
        return None
    options = list(product_options(product_id=item.product_id))
    price = item.live_price if item.live_price is not None else card.sale_price
    stock = sum(option.stock for option in options)
    return {
        "item_id": item.pk,
        "code": item.code or "",
        "product_id": card.pk,
        "name": card.name,
        "brand": card.brand,
        "url": card.url,
        "image_url": card.image_url,
        # WebP (every browser the site supports decodes it): the pinned card's <img> picks its width.
        "image_srcset": renditions_srcset(card.image_renditions, "webp"),
        "list_price": card.list_price,
        "price": price,
        "is_live_price": item.live_price is not None,
        "discount_percent": (card.list_price - price) * 100 // card.list_price
        if card.list_price and price < card.list_price
        else 0,
        "stock": stock,
        "sold_out": item.is_sold_out or card.sold_out or stock == 0,
        "options": [
            {"id": option.pk, "name": option.name, "stock": option.stock, "extra_price": option.extra_price}
            for option in options
        ],
    }


def pinned_item(*, broadcast_id: int) -> BroadcastProduct | None:
    return BroadcastProduct.objects.filter(broadcast_id=broadcast_id, is_pinned=True).first()


def coupon_payload(coupon: LiveCoupon) -> dict:
    return {
        "id": coupon.pk,
        "title": coupon.title,
        "amount": coupon.amount,
        "remaining": coupon.remaining,
        "expires_at": coupon.expires_at.isoformat(),
    }


def coupons_open(*, broadcast_id: int) -> list[LiveCoupon]:
    return list(
        LiveCoupon.objects.filter(broadcast_id=broadcast_id, expires_at__gt=timezone.now()).order_by(
            "-created_at"
        )[:3]
    )


def room_snapshot(*, broadcast_id: int) -> dict:
    """What the room's ticker compares every couple of seconds: status, the pinned card and its stock."""
    status = Broadcast.objects.filter(pk=broadcast_id).values_list("status", flat=True).first() or ""
    item = pinned_item(broadcast_id=broadcast_id)
    return {"status": status, "pin": item_card_payload(item=item) if item else None}


# How far back the welcome lists deleted messages: a page reconnecting within this keeps none on screen.
WELCOME_DELETED_SECONDS = 600


def room_welcome(*, broadcast_id: int, kind: str = "welcome") -> dict:
    """The room's state as a page applies it whole: sent on subscribing to the events destination
    (``welcome``) and, as ``resync``, to every viewer after the room's bus subscription was broken (events
    published meanwhile were lost): status, the pinned card with its stock, the announcement, slow mode, the
    open coupons with what is left of them, and the messages deleted lately (for a page to take down)."""
    settings_row = room_settings(broadcast_id=broadcast_id)
    snapshot = room_snapshot(broadcast_id=broadcast_id)
    return {
        "type": kind,
        "status": snapshot["status"],
        "pin": snapshot["pin"],
        "announcement": settings_row.announcement,
        "slow_mode": settings_row.slow_mode_seconds or 0,
        "coupons": [coupon_payload(coupon) for coupon in coupons_open(broadcast_id=broadcast_id)],
        "deleted": chat_deleted_since(
            broadcast_id=broadcast_id, since=timezone.now().timestamp() - WELCOME_DELETED_SECONDS
        ),
    }
