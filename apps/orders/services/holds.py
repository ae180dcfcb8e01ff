"""Holds before checkout: units taken for one buyer at once (a live room's 바로 구매), used by their order or
given back when their time is up."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.catalog.models import Product, ProductOption
from apps.core.events import publish
from apps.orders.constants import STOCK_HOLD_RELEASED
from apps.orders.models import StockHold
from apps.orders.pricing import option_prices
from apps.orders.services.carts import cart_locked, quantity_check
from apps.orders.services.placing import purchase_limits_check
from apps.sellers.selectors import NOT_SELLING_MESSAGE, seller_may_sell


@transaction.atomic
def stock_hold_place(
    *, user, option_id: int, quantity: int, minutes: int, unit_price: int | None = None, source: str = ""
) -> StockHold:
    """Take ``quantity`` units of an option for ``user`` at once, for ``minutes``, before checkout.

    The per-buyer purchase limit counts the buyer's orders and their other live holds; the buyer's cart row
    is locked first, so one buyer's parallel holds cannot both pass it. ``unit_price`` (a live price, less a
    coupon) defaults to the sale price and may not exceed it. Raises ValidationError when sold out.
    """
    quantity_check(quantity)
    cart_locked(user)
    option = ProductOption.objects.select_related("product__seller").filter(pk=option_id).first()
    if option is None or option.product.status == Product.Status.HIDDEN:
        raise ValidationError(_("상품을 찾을 수 없어요."))
    if not seller_may_sell(option.product.seller):
        raise ValidationError(NOT_SELLING_MESSAGE)
    if not option.product.is_purchasable or option.stock < quantity:
        raise ValidationError(_("품절된 상품이에요."))
    sale_price = option_prices(option)[1]
    if unit_price is None or unit_price > sale_price:
        unit_price = sale_price
    holding = (
        StockHold.objects.filter(
            user=user, option__product=option.product, state=StockHold.State.HELD
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    purchase_limits_check(
        user=user,
        quantities={option.product_id: quantity + holding},
        products={option.product_id: option.product},
    )
    if not catalog_services.option_stock_reserve(option_id=option.pk, quantity=quantity):
        raise ValidationError(_("품절된 상품이에요."))
    hold = StockHold(
        user=user,
        option=option,
        quantity=quantity,
        unit_price=max(unit_price, 0),
        source=source[:40],
        expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    # The member and the option were just read; checking their rows again is the database's job.
    hold.full_clean(exclude=["user", "option", "order"])
    hold.save()
    return hold


@transaction.atomic
def stock_hold_release(*, hold_id: int) -> bool:
    """Give a hold's units back if it is still held; returns whether it was released now."""
    hold = StockHold.objects.select_for_update().filter(pk=hold_id, state=StockHold.State.HELD).first()
    if hold is None:
        return False
    catalog_services.option_stock_release(option_id=hold.option_id, quantity=hold.quantity)
    hold.state = StockHold.State.RELEASED
    hold.save(update_fields=["state"])
    publish(STOCK_HOLD_RELEASED, {"hold_id": hold.pk, "user_id": hold.user_id})
    return True


def stock_holds_release_expired(*, limit: int = 500) -> int:
    """Release every hold whose time is up (swept with the reservations); returns how many."""
    ids = StockHold.objects.filter(state=StockHold.State.HELD, expires_at__lte=timezone.now()).values_list(
        "pk", flat=True
    )[:limit]
    return sum(stock_hold_release(hold_id=hold_id) for hold_id in list(ids))
