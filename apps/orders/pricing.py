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
class Amounts:
    items: int
    discount: int
    shipping: int
    threshold: int = 0

    @property
    def after_discount(self) -> int:
        return self.items - self.discount

    @property
    def total(self) -> int:
        return self.items - self.discount + self.shipping

    @property
    def free_shipping_gap(self) -> int:
        """What is missing for free shipping (0 when it is free already or the cart is empty)."""
        if not self.items:
            return 0
        return max(self.threshold - self.after_discount, 0)


def amounts_for(rows: Iterable[tuple[int, int, int]]) -> Amounts:
    """Amounts of (list price, sale price, quantity) rows: shipping is free from ``free_shipping_threshold()``."""
    items = discount = 0
    for list_price, unit_price, quantity in rows:
        items += list_price * quantity
        discount += (list_price - unit_price) * quantity
    if not items:
        return Amounts(0, 0, 0)
    threshold = free_shipping_threshold()
    shipping = 0 if items - discount >= threshold else settings.ORDERS_SHIPPING_FEE
    return Amounts(items, discount, shipping, threshold)


def option_prices(option: ProductOption) -> tuple[int, int]:
    """(list price, sale price) of one unit of an option: the product's prices plus the option's extra."""
    return option.product.list_price + option.extra_price, option.product.sale_price + option.extra_price
