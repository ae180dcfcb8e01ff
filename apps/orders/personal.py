"""What orders puts in a member's bag (``apps.core.personal``): the cart badge's count and the products the
member ever ordered (catalog renders such a product's page for them alone: it may offer 리뷰 쓰기). The cart
services and ``order_place`` call ``personal_changed``; an order's later steps never add a product to it."""

from django.utils.html import format_html

from apps.core.personal import personal_fill_register, personal_provide
from apps.orders.models import CartItem, OrderLine
from apps.orders.selectors import guest_cart_items


def _entries(user) -> dict:
    return {
        "cart_count": CartItem.objects.filter(cart__user=user).count(),
        "ordered_product_ids": frozenset(
            OrderLine.objects.filter(order__user=user).values_list("product_id", flat=True).distinct()
        ),
    }


def cart_count_of(request, bag: dict) -> int:
    """The header badge's count: a member's from their bag, a guest's from the session."""
    if bag:
        return bag["cart_count"]
    session = getattr(request, "session", None)
    return len(guest_cart_items(session)) if session is not None else 0


def _cart_badge(request, bag: dict, argument: str) -> str:
    count = cart_count_of(request, bag)
    return format_html('<span class="badge-count" data-testid="cart-count">{}</span>', count) if count else ""


def register() -> None:
    personal_provide("orders", _entries)
    personal_fill_register("cart_badge", _cart_badge)
