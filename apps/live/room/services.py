"""Every write of a broadcast's room: chat messages, moderation, live coupons, stock and pin announcements.

Invariants kept here:
- a message is persisted before anyone sees it: the room hears of it only after the transaction commits
  (``room_publish`` sends in ``transaction.on_commit``), so an accepted message is never lost and a
  rolled-back one never shown;
- text is stored as typed (validated: length, control characters, banned words) and is never interpreted as
  HTML anywhere: pages render it with ``textContent``;
- a refusal is a ``ChatRefused`` with a machine code (the STOMP ERROR frame's ``message`` header) and a
  Korean sentence for the viewer; refusals never stop the viewer reading the room.
"""

import datetime
import logging
import re

import redis
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_redis.exceptions import ConnectionInterrupted

from apps.accounts.bans import ban_message
from apps.accounts.selectors import member_ban_active
from apps.core import ratelimit
from apps.core.metrics import CHAT_MESSAGES
from apps.live.models import (
    Broadcast,
    BroadcastModerator,
    BroadcastProduct,
    ChatMessage,
    ChatMute,
    ChatQuestion,
    ChatRoomSettings,
    LiveCoupon,
    LiveCouponClaim,
    ModerationAction,
)
from apps.live.moderation.log import action_log
from apps.live.room import selectors as room_selectors
from apps.live.room.publish import room_publish

logger = logging.getLogger(__name__)

MESSAGE_MAX_CHARS = 300
ANNOUNCEMENT_MAX_CHARS = 200
SLOW_MODE_MAX_SECONDS = 300
COUPON_MAX_MINUTES = 60
UNAVAILABLE_MESSAGE = "채팅 연결이 잠시 불안정해요. 잠시 후 다시 보내 주세요."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class ChatRefused(Exception):
    """A SEND the room will not take; the viewer keeps reading. ``code`` names why, ``message`` tells them."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---- Runtime settings ----------------------------------------------------------------------------------


def _runtime(name: str, default: int) -> int:
    from constance import config

    try:
        return int(getattr(config, name))
    except (redis.exceptions.RedisError, DatabaseError):
        # Unreadable for a moment (Redis saturated): the default, never a lost message.
        logger.warning("runtime setting %s unreadable, using %s", name, default)
        return default


def rate_limit() -> tuple[int, int]:
    """(messages, per seconds) from admin → 운영 설정."""
    return max(_runtime("CHAT_RATE_LIMIT_COUNT", 5), 1), max(_runtime("CHAT_RATE_LIMIT_SECONDS", 10), 1)


def slow_mode_seconds(*, settings_row: ChatRoomSettings) -> int:
    if settings_row.slow_mode_seconds is not None:
        return settings_row.slow_mode_seconds
    return max(_runtime("CHAT_SLOW_MODE_SECONDS", 0), 0)


def coupon_max_amount() -> int:
    """The largest live coupon a moderator may drop (won), from admin → 운영 설정."""
    return max(_runtime("LIVE_COUPON_MAX_AMOUNT", 10000), 1)


# ---- Messages ------------------------------------------------------------------------------------------


def text_clean(text: str) -> str:
    """One line of plain text: control and direction characters dropped, spaces squeezed, trimmed."""
    text = _CONTROL.sub("", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return re.sub(r" {2,}", " ", text).strip()


def _rate_check(*, broadcast_id: int, user_id: int) -> None:
    count, seconds = rate_limit()
    rate = ratelimit.CHAT_MESSAGE.tuned(seconds=seconds, per_user=count)
    try:
        ratelimit.rate_hit(rate, user_key=f"{broadcast_id}:{user_id}")
    except ratelimit.RateLimited as exc:
        raise ChatRefused(
            "rate-limited", f"메시지를 너무 빨리 보내고 있어요. {seconds}초에 {count}개까지 보낼 수 있어요."
        ) from exc


def _slow_mode_check(*, broadcast_id: int, user_id: int, seconds: int) -> None:
    if seconds and not cache.add(f"live:chat-slow:{broadcast_id}:{user_id}", 1, timeout=seconds):
        raise ChatRefused("slow-mode", f"슬로우 모드예요. {seconds}초에 한 번 보낼 수 있어요.")


def chat_message_post(*, broadcast_id: int, user, text: str) -> ChatMessage:
    """Accept a viewer's message: checks, then persist; the room sees it after commit.

    Raises ``ChatRefused`` for an anonymous or inactive sender, an ended or unknown broadcast, a member under a
    platform ban (``banned``: the reason and until when), an empty or
    too long text, a banned word, a muted sender, the rate limit (``CHAT_RATE_LIMIT_*``) or slow mode, and
    (``unavailable``) while Redis, which keeps the limits, is unreachable.
    The seller, staff and moderators are held to neither the rate limit nor slow mode.
    """
    if not (user and user.is_authenticated and user.is_active):
        raise ChatRefused("login-required", "로그인하면 채팅에 참여할 수 있어요.")
    found = room_selectors.broadcast_for_sender(broadcast_id=broadcast_id, user=user)
    if found is None:
        raise ChatRefused("not-found", "방송을 찾을 수 없어요.")
    broadcast, settings_row = found
    if broadcast.is_ended:
        raise ChatRefused("ended", "방송이 끝나 채팅이 닫혔어요.")
    if broadcast.sender_banned:
        ban_refuse(user)
    text = text_clean(text)
    if not text:
        raise ChatRefused("empty", "메시지를 입력해 주세요.")
    if len(text) > MESSAGE_MAX_CHARS:
        raise ChatRefused("too-long", f"메시지는 {MESSAGE_MAX_CHARS}자까지 보낼 수 있어요.")
    if broadcast.sender_muted:
        raise ChatRefused("muted", "이 방송에서 채팅이 제한되었어요.")
    lowered = text.lower()
    if any(word.lower() in lowered for word in settings_row.banned_word_list):
        raise ChatRefused("banned-word", "금칙어가 들어 있어 보낼 수 없어요.")
    if not broadcast.sender_moderates:
        try:
            _rate_check(broadcast_id=broadcast_id, user_id=user.pk)
            _slow_mode_check(
                broadcast_id=broadcast_id,
                user_id=user.pk,
                seconds=slow_mode_seconds(settings_row=settings_row),
            )
        except (ConnectionInterrupted, redis.exceptions.RedisError) as exc:
            # The limits live in Redis: while it is unreachable the message is refused, never let through
            # unchecked and never acknowledged without being kept.
            raise ChatRefused("unavailable", UNAVAILABLE_MESSAGE) from exc
    message = ChatMessage(
        broadcast=broadcast,
        user=user,
        display_name=room_selectors.display_name_of(user),
        text=text,
        is_seller=broadcast.seller_id == user.pk,
    )
    # Both rows were just read: checking their keys again would cost two queries a message.
    message.full_clean(exclude=["broadcast", "user"])
    # One INSERT commits on its own: no transaction around it (three round trips less a message), and the
    # room still hears of it only once it is kept (on_commit runs at once outside a transaction).
    message.save()
    room_publish(broadcast_id=broadcast_id, topic="chat", payload=room_selectors.message_payload(message))
    CHAT_MESSAGES.inc()
    return message


def ban_refuse(user) -> None:
    """Raise ``ChatRefused("banned")`` telling the member why and until when, if a platform ban holds them."""
    ban = member_ban_active(user)
    if ban is not None:
        raise ChatRefused("banned", ban_message(ban))


# ---- Moderation ----------------------------------------------------------------------------------------


def _moderator_required(*, broadcast: Broadcast, actor) -> None:
    if not room_selectors.may_moderate(user=actor, broadcast=broadcast):
        raise ChatRefused("forbidden", "채팅 관리 권한이 없어요.")


def _settings_locked(broadcast: Broadcast) -> ChatRoomSettings:
    ChatRoomSettings.objects.get_or_create(broadcast=broadcast)
    return ChatRoomSettings.objects.select_for_update().get(broadcast=broadcast)


@transaction.atomic
def chat_message_delete(*, broadcast: Broadcast, message_id: int, actor, logged: bool = True) -> ChatMessage:
    """Hide a message for everyone: the room is told to remove it; it never shows on joining again.

    Logged as a ``ModerationAction`` unless the caller logs the act itself (``logged=False``: the staff queue).
    """
    _moderator_required(broadcast=broadcast, actor=actor)
    message = ChatMessage.objects.select_for_update().filter(pk=message_id, broadcast=broadcast).first()
    if message is None:
        raise ChatRefused("not-found", "메시지를 찾을 수 없어요.")
    if message.deleted_at is None:
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        message.save(update_fields=["deleted_at", "deleted_by"])
        room_publish(broadcast_id=broadcast.pk, topic="chat", payload={"type": "deleted", "id": message.pk})
        if logged:
            action_log(
                actor=actor,
                action=ModerationAction.Action.DELETE,
                target_user_id=message.user_id,
                broadcast_id=broadcast.pk,
                message_id=message.pk,
            )
    return message


@transaction.atomic
def chat_user_mute(
    *, broadcast: Broadcast, user_id: int, actor, on: bool = True, logged: bool = True
) -> bool:
    """Mute (or unmute) a member in this room; the seller and staff cannot be muted. Logged as a
    ``ModerationAction`` unless the caller logs the act itself (``logged=False``)."""
    _moderator_required(broadcast=broadcast, actor=actor)
    if user_id == broadcast.seller_id:
        raise ChatRefused("forbidden", "셀러는 채팅 금지할 수 없어요.")
    if on:
        ChatMute.objects.get_or_create(broadcast=broadcast, user_id=user_id, defaults={"muted_by": actor})
    else:
        ChatMute.objects.filter(broadcast=broadcast, user_id=user_id).delete()
    if logged:
        action_log(
            actor=actor,
            action=ModerationAction.Action.MUTE if on else ModerationAction.Action.UNMUTE,
            target_user_id=user_id,
            broadcast_id=broadcast.pk,
        )
    room_publish(
        broadcast_id=broadcast.pk, topic="chat", payload={"type": "muted", "user_id": user_id, "on": on}
    )
    return on


@transaction.atomic
def chat_slow_mode_set(*, broadcast: Broadcast, seconds: int, actor) -> int:
    """Slow mode: each viewer may send one message per ``seconds`` (0 turns it off)."""
    _moderator_required(broadcast=broadcast, actor=actor)
    if not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ChatRefused("invalid", f"슬로우 모드는 0~{SLOW_MODE_MAX_SECONDS}초로 정해 주세요.")
    row = _settings_locked(broadcast)
    row.slow_mode_seconds = seconds
    row.save(update_fields=["slow_mode_seconds"])
    room_publish(broadcast_id=broadcast.pk, topic="chat", payload={"type": "slow_mode", "seconds": seconds})
    return seconds


@transaction.atomic
def chat_banned_words_set(*, broadcast: Broadcast, words: list[str], actor) -> list[str]:
    """Replace the room's banned words (messages containing one are refused, case-insensitive)."""
    _moderator_required(broadcast=broadcast, actor=actor)
    cleaned = sorted({text_clean(word)[:30] for word in words if text_clean(word)})[:200]
    row = _settings_locked(broadcast)
    row.banned_words = "\n".join(cleaned)
    row.save(update_fields=["banned_words"])
    return cleaned


@transaction.atomic
def chat_announcement_set(*, broadcast: Broadcast, text: str, actor) -> str:
    """Pin an announcement above the chat (an empty text takes it down)."""
    _moderator_required(broadcast=broadcast, actor=actor)
    text = text_clean(text)[:ANNOUNCEMENT_MAX_CHARS]
    row = _settings_locked(broadcast)
    row.announcement = text
    row.save(update_fields=["announcement"])
    room_publish(broadcast_id=broadcast.pk, topic="chat", payload={"type": "announcement", "text": text})
    return text


@transaction.atomic
def broadcast_moderator_set(*, broadcast: Broadcast, user, actor, on: bool = True) -> bool:
    """The seller (or staff) appoints or dismisses a moderator of the room."""
    if not (actor.is_authenticated and (actor.is_staff or actor.pk == broadcast.seller_id)):
        raise ChatRefused("forbidden", "셀러만 채팅 매니저를 정할 수 있어요.")
    if on:
        BroadcastModerator.objects.get_or_create(broadcast=broadcast, user=user)
    else:
        BroadcastModerator.objects.filter(broadcast=broadcast, user=user).delete()
    return on


# ---- Live coupons --------------------------------------------------------------------------------------


@transaction.atomic
def coupon_drop(
    *, broadcast: Broadcast, actor, title: str, amount: int, quantity: int, minutes: int = 10
) -> LiveCoupon:
    """Drop a coupon into the room; every viewer sees it at once and ``quantity`` members may claim it.

    Its amount is at most the runtime cap (admin → 운영 설정 → ``LIVE_COUPON_MAX_AMOUNT``): a moderator
    appointed by the seller drops coupons too, and one slip of a digit would give the stock away. At use the
    hold keeps the price at 1원 or more (``services.holds``).
    """
    _moderator_required(broadcast=broadcast, actor=actor)
    if not 1 <= minutes <= COUPON_MAX_MINUTES or amount < 1 or quantity < 1:
        raise ChatRefused("invalid", "쿠폰 금액, 수량, 시간을 확인해 주세요.")
    cap = coupon_max_amount()
    if amount > cap:
        raise ChatRefused("invalid", f"쿠폰 금액은 {cap:,}원까지예요.")
    coupon = LiveCoupon(
        broadcast=broadcast,
        title=text_clean(title)[:60] or f"라이브 {amount:,}원 쿠폰",
        amount=amount,
        quantity=quantity,
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    coupon.full_clean()
    coupon.save()
    room_publish(
        broadcast_id=broadcast.pk,
        topic="events",
        payload={"type": "coupon", **room_selectors.coupon_payload(coupon)},
    )
    return coupon


@transaction.atomic
def coupon_claim(*, broadcast_id: int, coupon_id: int, user) -> LiveCouponClaim:
    """Claim a live coupon of the broadcast, once per member, while some are left and it has not expired."""
    if not (user and user.is_authenticated):
        raise ChatRefused("login-required", "로그인하면 쿠폰을 받을 수 있어요.")
    coupon = LiveCoupon.objects.filter(pk=coupon_id, broadcast_id=broadcast_id).first()
    if coupon is None or coupon.expires_at <= timezone.now():
        raise ChatRefused("expired", "쿠폰 받기 시간이 끝났어요.")
    if LiveCouponClaim.objects.filter(coupon=coupon, user=user).exists():
        raise ChatRefused("claimed", "이미 받은 쿠폰이에요.")
    taken = LiveCoupon.objects.filter(pk=coupon.pk, claimed_count__lt=F("quantity")).update(
        claimed_count=F("claimed_count") + 1
    )
    if not taken:
        raise ChatRefused("sold-out", "쿠폰이 모두 소진되었어요.")
    try:
        with transaction.atomic():
            claim = LiveCouponClaim.objects.create(coupon=coupon, user=user)
    except IntegrityError as exc:
        raise ChatRefused("claimed", "이미 받은 쿠폰이에요.") from exc
    coupon.refresh_from_db(fields=["claimed_count"])
    room_publish(
        broadcast_id=coupon.broadcast_id,
        topic="events",
        payload={"type": "coupon_left", "id": coupon.pk, "remaining": coupon.remaining},
    )
    return claim


# ---- Stock and pins on air -----------------------------------------------------------------------------------


def stock_announce(*, broadcast_id: int, item: BroadcastProduct) -> None:
    """Tell the room (after commit) how many units of a product on air are left; 0 shows 품절 to all.

    The stock is read once the transaction has committed, not inside it: a hold's transaction keeps the option
    row locked from its stock UPDATE to the commit, and in a drop every other buyer waits on that lock.
    """

    def announce() -> None:
        stock = room_selectors.item_stock(product_id=item.product_id)
        room_publish(
            broadcast_id=broadcast_id,
            topic="events",
            payload={
                "type": "stock",
                "item_id": item.pk,
                "product_id": item.product_id,
                "stock": stock,
                "sold_out": item.is_sold_out or stock == 0,
            },
        )

    transaction.on_commit(announce, robust=True)


def pin_announce(*, item: BroadcastProduct) -> None:
    """Show the card of the product presented now to every viewer (after commit)."""
    payload = room_selectors.item_card_payload(item=item)
    if payload is not None:
        room_publish(broadcast_id=item.broadcast_id, topic="events", payload={"type": "pin", **payload})


def unpin_announce(*, item: BroadcastProduct) -> None:
    room_publish(
        broadcast_id=item.broadcast_id, topic="events", payload={"type": "unpin", "item_id": item.pk}
    )


def coupons_return(*, hold_ids: list[int]) -> int:
    """Live coupons spent on holds that came to nothing (released unused, or their order never paid) can be
    used again by the member who claimed them; returns how many. Idempotent: an event redelivered finds none."""
    if not hold_ids:
        return 0
    return LiveCouponClaim.objects.filter(hold_id__in=hold_ids, used_at__isnull=False).update(
        used_at=None, hold_id=None
    )


@transaction.atomic
def chat_names_anonymise(*, user_id: int, name: str) -> int:
    """Show every chat line of the member as ``name`` (a withdrawn member's chat is kept, its sender forgotten),
    in the room's history and in the host's question queue; returns how many messages changed. Idempotent."""
    messages = ChatMessage.objects.filter(user_id=user_id)
    ids = set(messages.values_list("pk", flat=True))
    changed = messages.exclude(display_name=name).update(display_name=name)
    broadcast_ids = set(messages.values_list("broadcast_id", flat=True).distinct())
    for question in ChatQuestion.objects.select_for_update().filter(broadcast_id__in=broadcast_ids):
        recent = [{**line, "name": name} if line.get("id") in ids else line for line in question.recent]
        if recent != question.recent:
            question.recent = recent
            question.save(update_fields=["recent"])
    return changed
