"""The on-air hold: a viewer presses 바로 구매 on the product presented in the room, and its units are held
for them at once at the live price (the orders module keeps the hold; checkout turns it into an order).

Not the product page's 바로 구매, which is orders' own flow without a hold.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.live.models import Broadcast, BroadcastProduct, LiveCouponClaim
from apps.live.room import selectors as room_selectors
from apps.live.room.services import ChatRefused, stock_announce
from apps.orders import selectors as orders_selectors
from apps.orders import services as orders_services

# Long enough to fill in the address, short enough that stock comes back.
HOLD_MINUTES = 5
HOLD_MAX_QUANTITY = 10
# Open holds per member across the shop: a shopper goes from one hold to its checkout, a few at once at most;
# without a cap one account could keep re-holding a drop's whole stock within the rate limit.
HOLDS_OPEN_MAX = 3
UNIT_PRICE_MIN = 1


@transaction.atomic
def onair_hold_place(*, broadcast: Broadcast, user, item_id: int, option_id: int, quantity: int = 1):
    """Hold units of a product on air for this buyer now and return the orders module's hold.

    The price is the live-only price when set (plus the option's extra), less an unused live coupon of this
    broadcast the buyer claimed, and never under 1원 (a coupon worth more than the price is spent whole); the per-buyer purchase limit applies (orders' ``stock_hold_place``). The
    room hears the remaining stock after commit. A member may have ``HOLDS_OPEN_MAX`` open holds at most,
    counted across every broadcast after orders took the buyer's cart lock, so parallel requests of one buyer
    cannot all pass. Refusals are ``ChatRefused``, like the room's.
    """
    if not (user and user.is_authenticated):
        raise ChatRefused("login-required", "로그인하고 구매해 주세요.")
    if not broadcast.is_live:
        raise ChatRefused("not-live", "방송 중에만 바로 구매할 수 있어요.")
    if not 1 <= quantity <= HOLD_MAX_QUANTITY:
        raise ChatRefused("invalid", f"수량은 1~{HOLD_MAX_QUANTITY}개로 골라 주세요.")
    item = BroadcastProduct.objects.select_related("product").filter(pk=item_id, broadcast=broadcast).first()
    if item is None:
        raise ChatRefused("not-found", "방송 상품을 찾을 수 없어요.")
    if item.is_sold_out:
        raise ChatRefused("sold-out", "품절된 상품이에요.")
    option = room_selectors.item_option(product_id=item.product_id, option_id=option_id)
    if option is None:
        raise ChatRefused("invalid", "옵션을 골라 주세요.")
    unit_price = item.price + option.extra_price
    claim = (
        LiveCouponClaim.objects.select_for_update()
        .select_related("coupon")
        .filter(coupon__broadcast=broadcast, user=user, used_at__isnull=True)
        .order_by("-coupon__amount")
        .first()
    )
    if claim is not None:
        # A coupon never takes a price to 0원: an order of nothing to pay would have no payment to check.
        unit_price = max(unit_price - claim.coupon.amount // quantity, UNIT_PRICE_MIN)
    try:
        hold = orders_services.stock_hold_place(
            user=user,
            option_id=option.pk,
            quantity=quantity,
            unit_price=unit_price,
            minutes=HOLD_MINUTES,
            source=f"live:{broadcast.pk}",
        )
    except ValidationError as exc:
        raise ChatRefused("refused", " ".join(exc.messages)) from exc
    if orders_selectors.stock_holds_open_count(user_id=user.pk) > HOLDS_OPEN_MAX:
        # Raising rolls the new hold and its units back with this transaction.
        raise ChatRefused(
            "too-many-holds",
            f"바로 구매는 한 번에 {HOLDS_OPEN_MAX}건까지 확보돼요. 확보한 상품을 먼저 주문해 주세요.",
        )
    if claim is not None:
        claim.used_at, claim.hold_id = timezone.now(), hold.pk
        claim.save(update_fields=["used_at", "hold_id"])
    stock_announce(broadcast_id=broadcast.pk, item=item)
    return hold
