"""What an order costs: amounts, shipping, and the runtime settings staff tune in admin.

Both the checkout pages (selectors) and order placing (services) price a cart, so this sits below both.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from apps.catalog.models import ProductOption


def _runtime_setting(name: str, default: int) -> int:
    """A value staff change in admin → 운영 설정 (django-constance) when it is configured, else ``default``."""
    if name not in getattr(settings, "CONSTANCE_CONFIG", {}):
        return default
    import redis
    from constance import config

    try:
        return int(getattr(config, name))
    except redis.exceptions.ConnectionError:
        # Unreadable for a moment (Redis saturated): the default, never a failed checkout. A total that moves
        # because of it is caught by order_place's expected_total check.
        return default


def free_shipping_threshold() -> int:
    return _runtime_setting("FREE_SHIPPING_THRESHOLD", settings.ORDERS_FREE_SHIPPING_THRESHOLD)


def reservation_minutes() -> int:
    return _runtime_setting("RESERVATION_HOLD_MINUTES", settings.ORDERS_RESERVATION_MINUTES)


@dataclass(frozen=True)
class SellerAmounts:
    """One seller's group of a cart or order (판매자별 묶음배송): its items and its own shipping fee."""

    seller_id: int
    items: int
    discount: int
    shipping: int
    threshold: int = 0

    @property
    def after_discount(self) -> int:
        return self.items - self.discount

    @property
    def total(self) -> int:
        return self.after_discount + self.shipping

    @property
    def free_shipping_gap(self) -> int:
        """What this seller's group misses for free shipping (0 when free already)."""
        return max(self.threshold - self.after_discount, 0) if self.items else 0


@dataclass(frozen=True)
class Amounts:
    items: int
    discount: int
    shipping: int
    threshold: int = 0
    sellers: tuple[SellerAmounts, ...] = ()

    @property
    def after_discount(self) -> int:
        return self.items - self.discount

    @property
    def total(self) -> int:
        return self.items - self.discount + self.shipping

    @property
    def free_shipping_gap(self) -> int:
        """What is missing for free shipping (0 when it is free already or the cart is empty).

        With two sellers or more each group has its own gap (``sellers``); the whole cart has none."""
        return self.sellers[0].free_shipping_gap if len(self.sellers) == 1 else 0

    def seller(self, seller_id: int) -> SellerAmounts:
        return next(group for group in self.sellers if group.seller_id == seller_id)


def amounts_for(rows: Iterable[tuple[int, int, int, int]]) -> Amounts:
    """Amounts of (seller id, list price, sale price, quantity) rows, shipping charged per seller.

    Each seller ships its own parcel, so each seller's group pays ``ORDERS_SHIPPING_FEE`` unless its own
    after-discount subtotal reaches ``free_shipping_threshold()`` (a one-seller cart prices as it always did).
    Groups keep the order the sellers first appear in.
    """
    groups: dict[int, list[int]] = {}
    for seller_id, list_price, unit_price, quantity in rows:
        group = groups.setdefault(seller_id, [0, 0])
        group[0] += list_price * quantity
        group[1] += (list_price - unit_price) * quantity
    groups = {seller_id: group for seller_id, group in groups.items() if group[0]}
    if not groups:
        return Amounts(0, 0, 0)
    threshold = free_shipping_threshold()
    sellers = tuple(
        SellerAmounts(
            seller_id=seller_id,
            items=items,
            discount=discount,
            shipping=0 if items - discount >= threshold else settings.ORDERS_SHIPPING_FEE,
            threshold=threshold,
        )
        for seller_id, (items, discount) in groups.items()
    )
    return Amounts(
        items=sum(group.items for group in sellers),
        discount=sum(group.discount for group in sellers),
        shipping=sum(group.shipping for group in sellers),
        threshold=threshold,
        sellers=sellers,
    )


def option_prices(option: ProductOption) -> tuple[int, int]:
    """(list price, sale price) of one unit of an option: the product's prices plus the option's extra."""
    return option.product.list_price + option.extra_price, option.product.sale_price + option.extra_price
