"""Products on air: the broadcast's list and live-only prices, the one product presented now (a pin, which
on air becomes a replay chapter), and 품절 marked by the seller. The room hears of each change after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.catalog.models import Product
from apps.core.events import publish
from apps.live.models import Broadcast, BroadcastPin, BroadcastProduct, ChatRoomSettings
from apps.live.room import services as room_services
from apps.live.services.cards import cards_changed
from apps.live.services.replay import onair_seconds

PRODUCT_PINNED = "live.product_pinned"
LIVE_PRICE_MIN = 1
CODE_PREFIX = "A"


@transaction.atomic
def broadcast_product_add(
    *, broadcast: Broadcast, product, live_price: int | None = None
) -> BroadcastProduct:
    """Put a product on sale in the broadcast, last in the list (adding it again updates its price).

    Only the broadcasting seller's own product goes on air, and only one shoppers can see (판매중 or 품절): a hidden one would be sold from the room
    while the shop hides it. A live price is at least 1원 and never above the product's 판매가 (so never
    above its 정가 either): a "special" price higher than the shop's would mislead the viewers.
    """
    if product.seller.user_id != broadcast.seller_id:
        raise ValidationError({"product": "내 상점의 상품만 방송에 추가할 수 있어요."})
    if product.status == Product.Status.HIDDEN:
        raise ValidationError(
            {"product": "숨김 상품은 방송에 추가할 수 없어요. 상품을 판매중으로 바꿔 주세요."}
        )
    if live_price is not None and live_price < LIVE_PRICE_MIN:
        raise ValidationError({"live_price": f"라이브 특가는 {LIVE_PRICE_MIN}원 이상이어야 해요."})
    if live_price is not None and live_price > product.sale_price:
        raise ValidationError(
            {"live_price": f"라이브 특가는 판매가({product.sale_price:,}원)보다 높을 수 없어요."}
        )
    item = BroadcastProduct.objects.filter(broadcast=broadcast, product=product).first()
    if item is None:
        last = broadcast.items.aggregate(last=Max("position"))["last"]
        item = BroadcastProduct(
            broadcast=broadcast,
            product=product,
            position=0 if last is None else last + 1,
            code=_code_next(broadcast_id=broadcast.pk),
        )
    item.live_price = live_price
    item.full_clean()
    item.save()
    cards_changed(broadcast.pk)
    return item


def _code_next(*, broadcast_id: int) -> str:
    """The next chat-order code (A1, A2, …), never given before in this broadcast: a code once shown on a card
    names its product for the whole show, even after another product was taken off. The room settings' row
    lock makes two adds at once take two codes (the room's writes save that row by its fields only)."""
    ChatRoomSettings.objects.get_or_create(broadcast_id=broadcast_id)
    row = ChatRoomSettings.objects.select_for_update().get(broadcast_id=broadcast_id)
    row.codes_given += 1
    row.save(update_fields=["codes_given"])
    return f"{CODE_PREFIX}{row.codes_given}"


@transaction.atomic
def broadcast_product_remove(*, item: BroadcastProduct) -> None:
    """Take a product off the broadcast; its pins stay (the replay's chapters keep the moment)."""
    broadcast_id, product_id = item.broadcast_id, item.product_id
    item.delete()
    cards_changed(broadcast_id, product_ids=(product_id,))


@transaction.atomic
def broadcast_product_sold_out_set(*, item: BroadcastProduct, sold_out: bool) -> BroadcastProduct:
    item.is_sold_out = sold_out
    item.save(update_fields=["is_sold_out"])
    room_services.stock_announce(broadcast_id=item.broadcast_id, item=item)
    return item


@transaction.atomic
def broadcast_product_pin(*, item: BroadcastProduct) -> BroadcastPin | None:
    """Present a product now: it becomes the only pinned one, and on air the moment becomes a chapter.

    Before the broadcast starts the pin only marks the product to show first (no moment to keep).
    """
    broadcast = Broadcast.objects.select_for_update().get(pk=item.broadcast_id)
    broadcast.items.exclude(pk=item.pk).filter(is_pinned=True).update(is_pinned=False)
    item.is_pinned = True
    item.save(update_fields=["is_pinned"])
    # Every viewer's page shows the card within a second (through the room, after commit).
    room_services.pin_announce(item=item)
    if broadcast.status != Broadcast.Status.LIVE or broadcast.started_at is None:
        return None
    now = timezone.now()
    pin = BroadcastPin(
        broadcast=broadcast,
        product_id=item.product_id,
        pinned_at=now,
        # Time on air without the drops so far: the replay leaves them out (it sets the exact time when made).
        offset_seconds=round(onair_seconds(broadcast=broadcast, at=now), 2),
    )
    pin.full_clean()
    pin.save()
    publish(PRODUCT_PINNED, {"broadcast_id": broadcast.pk, "product_id": item.product_id})
    return pin


@transaction.atomic
def broadcast_product_unpin(*, item: BroadcastProduct) -> BroadcastProduct:
    item.is_pinned = False
    item.save(update_fields=["is_pinned"])
    room_services.unpin_announce(item=item)
    return item
