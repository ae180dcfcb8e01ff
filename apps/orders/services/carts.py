"""Carts: a member's cart in the database, a guest's in the session, the two merged at login."""

from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import Product, ProductOption
from apps.core.events import publish
from apps.core.personal import personal_changed
from apps.orders.constants import CART_ITEM_ADDED, GUEST_CART_SESSION_KEY, MAX_QUANTITY, cart_count_key
from apps.orders.models import Cart, CartItem
from apps.orders.pricing import option_prices
from apps.orders.selectors import guest_cart_items
from apps.sellers.selectors import NOT_SELLING_MESSAGE, seller_may_sell


def _cart_changed(user_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(cart_count_key(user_id)))
    personal_changed(user_id)


def _option_for_cart(option_id: int) -> ProductOption:
    option = ProductOption.objects.select_related("product__seller").filter(pk=option_id).first()
    if option is None or option.product.status == Product.Status.HIDDEN:
        raise ValidationError(_("상품을 찾을 수 없어요."))
    if not seller_may_sell(option.product.seller):
        raise ValidationError(NOT_SELLING_MESSAGE)
    if not option.product.is_purchasable or option.stock == 0:
        raise ValidationError(_("품절된 상품이에요."))
    return option


def quantity_check(quantity: int) -> None:
    """Raise ValidationError unless 1 ≤ ``quantity`` ≤ MAX_QUANTITY (carts, orders and holds alike)."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("수량은 1~%(max)d개로 담을 수 있어요.") % {"max": MAX_QUANTITY})


def cart_locked(user) -> Cart:
    """The member's cart row, created if missing, locked until the transaction ends.

    Every write of one buyer (cart, checkout, hold) takes this lock first, so they run one after the other.
    """
    cart, _created = Cart.objects.get_or_create(user=user)
    return Cart.objects.select_for_update().get(pk=cart.pk)


@transaction.atomic
def cart_item_add(*, user, option_id: int, quantity: int = 1) -> CartItem:
    """Put an option in the member's cart; an option already there gets the quantities added (up to stock)."""
    quantity_check(quantity)
    option = _option_for_cart(option_id)
    cart = cart_locked(user)
    item = CartItem.objects.filter(cart=cart, option=option).first()
    total = (item.quantity if item else 0) + quantity
    if total > option.stock:
        raise ValidationError(_("재고가 %(stock)d개 남아 있어요.") % {"stock": option.stock})
    item = item or CartItem(cart=cart, option=option)
    item.quantity = min(total, MAX_QUANTITY)
    item.price_at_add = option_prices(option)[1]
    item.full_clean(validate_constraints=False)
    item.save()
    _cart_changed(user.pk)
    _cart_item_added(option=option, user_id=user.pk, quantity=quantity)
    return item


def _cart_item_added(*, option: ProductOption, user_id: int | None, quantity: int) -> None:
    """Announce a "장바구니 담기" (reports counts them per pinned product in its broadcast reports)."""
    publish(
        CART_ITEM_ADDED,
        {
            "product_id": option.product_id,
            "option_id": option.pk,
            "user_id": user_id,
            "quantity": quantity,
            "added_at": timezone.now().isoformat(),
        },
    )


@transaction.atomic
def cart_item_quantity_set(*, user, option_id: int, quantity: int) -> CartItem:
    quantity_check(quantity)
    cart = cart_locked(user)
    item = CartItem.objects.select_related("option").filter(cart=cart, option_id=option_id).first()
    if item is None:
        raise ValidationError(_("장바구니에 없는 상품이에요."))
    if quantity > item.option.stock:
        raise ValidationError(_("재고가 %(stock)d개 남아 있어요.") % {"stock": item.option.stock})
    item.quantity = quantity
    item.full_clean(validate_constraints=False)
    item.save(update_fields=["quantity"])
    _cart_changed(user.pk)
    return item


@transaction.atomic
def cart_item_remove(*, user, option_id: int) -> None:
    CartItem.objects.filter(cart__user=user, option_id=option_id).delete()
    _cart_changed(user.pk)


@transaction.atomic
def cart_options_remove(*, user_id: int, option_ids: Iterable[int]) -> None:
    """Take ordered options out of the member's cart (called when the order is paid)."""
    CartItem.objects.filter(cart__user_id=user_id, option_id__in=list(option_ids)).delete()
    _cart_changed(user_id)


@transaction.atomic
def cart_empty(*, user_id: int) -> int:
    deleted, _detail = CartItem.objects.filter(cart__user_id=user_id).delete()
    _cart_changed(user_id)
    return deleted


@transaction.atomic
def cart_merge(*, user, items: dict[int, int]) -> int:
    """Add a guest cart's {option_id: quantity} to the member's cart at login; returns lines merged.

    Quantities of an option in both add up, capped at its stock and MAX_QUANTITY; options gone or sold out
    are dropped (the cart page would only show them as unavailable).
    """
    if not items:
        return 0
    cart = cart_locked(user)
    options = ProductOption.objects.select_related("product__seller").in_bulk(list(items))
    existing = {
        item.option_id: item for item in CartItem.objects.filter(cart=cart, option_id__in=list(items))
    }
    merged = 0
    for option_id, quantity in items.items():
        option = options.get(option_id)
        if option is None or not option.product.is_purchasable or option.stock == 0:
            continue
        if not seller_may_sell(option.product.seller):
            continue
        item = existing.get(option_id)
        current = item.quantity if item else 0
        item = item or CartItem(cart=cart, option=option)
        item.quantity = max(1, min(current + quantity, option.stock, MAX_QUANTITY))
        item.price_at_add = option_prices(option)[1]
        item.full_clean(validate_constraints=False)
        item.save()
        merged += 1
    _cart_changed(user.pk)
    return merged


def _guest_cart_save(session, items: dict[int, int]) -> None:
    session[GUEST_CART_SESSION_KEY] = {str(option_id): quantity for option_id, quantity in items.items()}


def guest_cart_add(*, session, option_id: int, quantity: int = 1) -> None:
    quantity_check(quantity)
    option = _option_for_cart(option_id)
    items = guest_cart_items(session)
    total = items.get(option_id, 0) + quantity
    if total > option.stock:
        raise ValidationError(_("재고가 %(stock)d개 남아 있어요.") % {"stock": option.stock})
    items[option_id] = min(total, MAX_QUANTITY)
    _guest_cart_save(session, items)
    _cart_item_added(option=option, user_id=None, quantity=quantity)


def guest_cart_quantity_set(*, session, option_id: int, quantity: int) -> None:
    quantity_check(quantity)
    items = guest_cart_items(session)
    if option_id not in items:
        raise ValidationError(_("장바구니에 없는 상품이에요."))
    stock = ProductOption.objects.filter(pk=option_id).values_list("stock", flat=True).first() or 0
    if quantity > stock:
        raise ValidationError(_("재고가 %(stock)d개 남아 있어요.") % {"stock": stock})
    items[option_id] = quantity
    _guest_cart_save(session, items)


def guest_cart_remove(*, session, option_id: int) -> None:
    items = guest_cart_items(session)
    items.pop(option_id, None)
    _guest_cart_save(session, items)


def guest_cart_merge_at_login(*, session, user) -> int:
    """Move the session's guest cart into the member's cart (``user_logged_in``); the session cart empties."""
    items = guest_cart_items(session)
    if not items:
        return 0
    merged = cart_merge(user=user, items=items)
    session.pop(GUEST_CART_SESSION_KEY, None)
    return merged
