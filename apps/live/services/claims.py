"""Chat-command orders (``#A1 2`` in the room): a hold made at once at the live price, or a place in the
product option's waitlist when its units are gone; units that expired holds give back are offered to that
waitlist in order.

The hold is the room's 바로 구매 (``holds.onair_hold_place``): same price, coupon, purchase limit and cap on
open holds. Every outcome is told to the buyer only (``room_publish_private``) after commit; the host's
console reads the claims (``apps.live.room.console``).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.catalog.models import ProductOption
from apps.live.models import Broadcast, BroadcastProduct, ChatClaim
from apps.live.room.publish import room_publish_private
from apps.live.room.services import ChatRefused
from apps.live.services.holds import HOLD_MINUTES, onair_hold_place
from apps.orders import selectors as orders_selectors

# How many waiting claims one release looks at: a release frees a few units, never a whole queue's worth.
OFFER_BATCH = 50


def checkout_url(hold_id: int) -> str:
    return f"{reverse('orders:checkout')}?hold={hold_id}"


def private_reply(*, broadcast_id: int, user_id: int, kind: str, text: str, hold=None) -> None:
    """Tell one viewer (their tabs only, after commit) what became of their chat command."""
    payload = {"type": "private", "kind": kind, "text": text}
    if hold is not None:
        payload |= {
            "checkout_url": checkout_url(hold.pk),
            "expires_at": hold.expires_at.isoformat(),
            "unit_price": hold.unit_price,
        }
    room_publish_private(broadcast_id=broadcast_id, user_id=user_id, payload=payload)


def _option_stock(option_id: int) -> int:
    return ProductOption.objects.filter(pk=option_id).values_list("stock", flat=True).first() or 0


def _held_text(item: BroadcastProduct, option, quantity: int, hold, *, waited: bool) -> str:
    label = item.product.name if option.name in ("", "기본") else f"{item.product.name} ({option.name})"
    lead = "기다리신 상품이 돌아왔어요! " if waited else ""
    return (
        f"{lead}{item.code} {label} {quantity}개를 {hold.unit_price * quantity:,}원에 확보했어요. "
        f"{HOLD_MINUTES}분 안에 결제해 주세요."
    )


@transaction.atomic
def chat_claim_place(
    *, broadcast: Broadcast, user, item: BroadcastProduct, option, quantity: int
) -> ChatClaim:
    """A viewer's chat command for ``quantity`` units of ``option``: held now, or in line when sold out.

    Raises ``ChatRefused`` for what 바로 구매 refuses (not live, the limits, 품절 marked by the seller) and
    for a second place in the same line. A claim joins the waitlist only when the option's units are gone.
    """
    try:
        with transaction.atomic():
            hold = onair_hold_place(
                broadcast=broadcast, user=user, item_id=item.pk, option_id=option.pk, quantity=quantity
            )
    except ChatRefused as refusal:
        if item.is_sold_out or refusal.code != "refused" or _option_stock(option.pk) >= quantity:
            raise
        return _waitlist_join(broadcast=broadcast, user=user, item=item, option=option, quantity=quantity)
    claim = ChatClaim(
        broadcast=broadcast,
        item=item,
        user=user,
        option=option,
        quantity=quantity,
        status=ChatClaim.Status.HELD,
        hold_id=hold.pk,
    )
    claim.full_clean()
    claim.save()
    private_reply(
        broadcast_id=broadcast.pk,
        user_id=user.pk,
        kind="held",
        text=_held_text(item, option, quantity, hold, waited=False),
        hold=hold,
    )
    return claim


def _waitlist_join(*, broadcast, user, item, option, quantity: int) -> ChatClaim:
    if ChatClaim.objects.filter(
        option=option, user=user, broadcast=broadcast, status=ChatClaim.Status.WAITING
    ).exists():
        raise ChatRefused("waiting", "이미 대기 중이에요. 재고가 돌아오면 순서대로 바로 알려 드려요.")
    claim = ChatClaim(
        broadcast=broadcast,
        item=item,
        user=user,
        option=option,
        quantity=quantity,
        status=ChatClaim.Status.WAITING,
    )
    claim.full_clean()
    claim.save()
    ahead = ChatClaim.objects.filter(option=option, status=ChatClaim.Status.WAITING, pk__lt=claim.pk).count()
    private_reply(
        broadcast_id=broadcast.pk,
        user_id=user.pk,
        kind="waiting",
        text=(
            f"{item.code} 상품이 품절이라 대기 {ahead + 1}번으로 등록했어요. "
            "취소된 재고가 생기면 순서대로 확보해 드려요."
        ),
    )
    return claim


def waitlist_offer(*, option_id: int) -> int:
    """Offer an option's units, given back just now, to its waiting claims in order; returns how many got
    a hold. Strictly in order: when the first in line needs more units than are left, nobody behind them
    jumps ahead. Only claims of broadcasts still on air are offered. Idempotent (a redelivered release
    finds the units taken or nobody waiting)."""
    waiting = ChatClaim.objects.filter(
        option_id=option_id, status=ChatClaim.Status.WAITING, broadcast__status=Broadcast.Status.LIVE
    ).order_by("id")
    served = 0
    for claim_id in list(waiting.values_list("pk", flat=True)[:OFFER_BATCH]):
        outcome = _offer(claim_id=claim_id)
        if outcome == "sold-out":
            break
        served += outcome == "offered"
    return served


@transaction.atomic
def _offer(*, claim_id: int) -> str:
    """One waiting claim's turn: ``offered`` (a hold made), ``lapsed``, ``sold-out`` or ``gone``."""
    claim = (
        ChatClaim.objects.select_for_update()
        .select_related("broadcast", "user", "item__product", "option")
        .filter(pk=claim_id, status=ChatClaim.Status.WAITING)
        .first()
    )
    if claim is None:
        return "gone"
    if _option_stock(claim.option_id) < claim.quantity:
        return "sold-out"
    refusal = None
    if claim.item is None:
        refusal = ChatRefused("not-found", "상품이 방송에서 빠졌어요.")
    else:
        try:
            with transaction.atomic():
                hold = onair_hold_place(
                    broadcast=claim.broadcast,
                    user=claim.user,
                    item_id=claim.item_id,
                    option_id=claim.option_id,
                    quantity=claim.quantity,
                )
        except ChatRefused as refused:
            if refused.code == "refused" and _option_stock(claim.option_id) < claim.quantity:
                return "sold-out"
            refusal = refused
    if refusal is not None:
        claim.status, claim.note = ChatClaim.Status.LAPSED, refusal.message[:200]
        claim.save(update_fields=["status", "note"])
        private_reply(
            broadcast_id=claim.broadcast_id,
            user_id=claim.user_id,
            kind="lapsed",
            text=f"대기하신 상품이 돌아왔지만 확보하지 못했어요. {refusal.message}",
        )
        return "lapsed"
    claim.status, claim.hold_id, claim.offered_at = ChatClaim.Status.OFFERED, hold.pk, timezone.now()
    claim.save(update_fields=["status", "hold_id", "offered_at"])
    private_reply(
        broadcast_id=claim.broadcast_id,
        user_id=claim.user_id,
        kind="offered",
        text=_held_text(claim.item, claim.option, claim.quantity, hold, waited=True),
        hold=hold,
    )
    return "offered"


def waitlist_offer_for_hold(*, hold_id: int) -> int:
    """The units of a released hold go to its option's waitlist."""
    option_id = orders_selectors.stock_hold_option_id(hold_id=hold_id)
    return 0 if option_id is None else waitlist_offer(option_id=option_id)


WAITLIST_CLOSED_NOTE = "방송이 끝나 대기가 끝났어요."


def waitlist_close(*, broadcast_id: int) -> int:
    """The show ended: its waiting claims will never be offered, so they lapse (the console and the admin say
    so); returns how many. Idempotent."""
    return ChatClaim.objects.filter(broadcast_id=broadcast_id, status=ChatClaim.Status.WAITING).update(
        status=ChatClaim.Status.LAPSED, note=WAITLIST_CLOSED_NOTE
    )
