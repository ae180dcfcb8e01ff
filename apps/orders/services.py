"""Every write of the orders module: carts, checkout with stock reservations, order statuses, cancels.

Invariants kept here:
- stock is only taken by ``apps.catalog.services.option_stock_reserve`` (one conditional UPDATE), so no number
  of processes can oversell; each unit taken is a ``StockReservation`` that ends committed (paid) or released
  (expired, failed, cancelled), exactly once;
- an order's status changes only through ``_status_set``, which logs the change and publishes
  ``order.<status>`` after commit (the shopper's mail is sent by a subscriber, ``apps.orders.events``);
- payments never writes these rows itself: it locks the order with ``order_lock`` and calls
  ``order_mark_paid`` / ``order_mark_payment_failed`` / ``order_mark_review`` / ``order_refund_record`` here.
  Orders never imports payments: a cancel of a paid order is published as ``order.cancel_requested``.
"""

import datetime
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.catalog.models import Product, ProductOption
from apps.core.events import publish
from apps.orders.models import (
    Cart,
    CartItem,
    Order,
    OrderLine,
    OrderStatusChange,
    StockHold,
    StockReservation,
)

MAX_QUANTITY = 99
GUEST_CART_SESSION_KEY = "orders:cart"
BUY_NOW_SESSION_KEY = "orders:buy-now"
CANCEL_REQUESTED = "order.cancel_requested"
# A 바로 구매 hold gave its units back unused (payload: hold_id, user_id): whatever it spent comes back too.
STOCK_HOLD_RELEASED = "stock_hold.released"
REFUND_REQUESTED = "order.refund_requested"
CART_ITEM_ADDED = "cart.item_added"
MERCHANT_UID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Statuses staff move an order through, in order; each may only go one step forward.
FULFILMENT_FLOW = (
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPING,
    Order.Status.DELIVERED,
    Order.Status.CONFIRMED,
)
# Orders whose units count against a per-buyer purchase limit.
LIMIT_COUNTED_STATUSES = (
    Order.Status.PENDING,
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPING,
    Order.Status.DELIVERED,
    Order.Status.CONFIRMED,
    Order.Status.CANCEL_REQUESTED,
    Order.Status.REVIEW,
)


class OrderStateError(ValidationError):
    """The order is not in a status that allows this step."""


# ---- Amounts ------------------------------------------------------------------------------------------


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


# ---- Carts --------------------------------------------------------------------------------------------


def cart_count_key(user_id: int) -> str:
    return f"orders:cart-count:{user_id}"


def _cart_changed(user_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(cart_count_key(user_id)))


def _option_for_cart(option_id: int) -> ProductOption:
    option = ProductOption.objects.select_related("product").filter(pk=option_id).first()
    if option is None or option.product.status == Product.Status.HIDDEN:
        raise ValidationError(_("상품을 찾을 수 없어요."))
    if not option.product.is_purchasable or option.stock == 0:
        raise ValidationError(_("품절된 상품이에요."))
    return option


def _quantity_check(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("수량은 1~%(max)d개로 담을 수 있어요.") % {"max": MAX_QUANTITY})


def _cart_locked(user) -> Cart:
    """The member's cart row, created if missing, locked until the transaction ends (serialises their writes)."""
    cart, _created = Cart.objects.get_or_create(user=user)
    return Cart.objects.select_for_update().get(pk=cart.pk)


@transaction.atomic
def cart_item_add(*, user, option_id: int, quantity: int = 1) -> CartItem:
    """Put an option in the member's cart; an option already there gets the quantities added (up to stock)."""
    _quantity_check(quantity)
    option = _option_for_cart(option_id)
    cart = _cart_locked(user)
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
    _quantity_check(quantity)
    cart = _cart_locked(user)
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
    cart = _cart_locked(user)
    options = ProductOption.objects.select_related("product").in_bulk(list(items))
    existing = {
        item.option_id: item for item in CartItem.objects.filter(cart=cart, option_id__in=list(items))
    }
    merged = 0
    for option_id, quantity in items.items():
        option = options.get(option_id)
        if option is None or not option.product.is_purchasable or option.stock == 0:
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


def guest_cart_items(session) -> dict[int, int]:
    """A guest's cart, kept in the session as {option_id: quantity}."""
    return {
        int(option_id): int(quantity)
        for option_id, quantity in session.get(GUEST_CART_SESSION_KEY, {}).items()
    }


def _guest_cart_save(session, items: dict[int, int]) -> None:
    session[GUEST_CART_SESSION_KEY] = {str(option_id): quantity for option_id, quantity in items.items()}


def guest_cart_add(*, session, option_id: int, quantity: int = 1) -> None:
    _quantity_check(quantity)
    option = _option_for_cart(option_id)
    items = guest_cart_items(session)
    total = items.get(option_id, 0) + quantity
    if total > option.stock:
        raise ValidationError(_("재고가 %(stock)d개 남아 있어요.") % {"stock": option.stock})
    items[option_id] = min(total, MAX_QUANTITY)
    _guest_cart_save(session, items)
    _cart_item_added(option=option, user_id=None, quantity=quantity)


def guest_cart_quantity_set(*, session, option_id: int, quantity: int) -> None:
    _quantity_check(quantity)
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


# ---- Placing an order ---------------------------------------------------------------------------------


def merchant_uid_new() -> str:
    """An order number a shopper can read out on the phone: TM + date + 8 unambiguous characters."""
    suffix = "".join(secrets.choice(MERCHANT_UID_ALPHABET) for _ in range(8))
    return f"TM{timezone.localdate():%y%m%d}-{suffix}"


@dataclass(frozen=True)
class Delivery:
    recipient: str
    recipient_phone: str
    postcode: str
    road_address: str
    detail_address: str = ""
    delivery_request: str = ""


@dataclass(frozen=True)
class Orderer:
    name: str
    phone: str
    email: str = ""


def _purchase_limits_check(*, user, quantities: dict[int, int], products: dict[int, Product]) -> None:
    limited = {pid: p for pid, p in products.items() if p.purchase_limit}
    if not limited:
        return
    bought = dict(
        OrderLine.objects.filter(
            order__user=user,
            order__status__in=LIMIT_COUNTED_STATUSES,
            product_id__in=list(limited),
            status__in=(OrderLine.Status.ORDERED, OrderLine.Status.CANCEL_REQUESTED),
        )
        .values_list("product_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for product_id, product in limited.items():
        if bought.get(product_id, 0) + quantities[product_id] > product.purchase_limit:
            left = max(product.purchase_limit - bought.get(product_id, 0), 0)
            raise ValidationError(
                _("%(name)s은(는) 1인당 %(limit)d개까지 살 수 있어요 (남은 수량 %(left)d개).")
                % {"name": product.name, "limit": product.purchase_limit, "left": left}
            )


@transaction.atomic
def order_place(
    *,
    user,
    items: dict[int, int],
    delivery: Delivery,
    orderer: Orderer,
    from_cart: bool = True,
    expected_total: int | None = None,
    hold: StockHold | None = None,
) -> Order:
    """Create a pending order of {option_id: quantity} and reserve its stock until it is paid or expires.

    Re-checks what the checkout page showed: each product on sale, enough stock, per-buyer purchase limits
    and, when ``expected_total`` is given, the price (a change raises ValidationError so the shopper sees the
    new total before paying). The buyer's cart row is locked first, so two checkouts of one buyer cannot both
    pass a purchase limit. Stock is taken last (``option_stock_reserve``, sorted by option id against
    deadlocks), so the option rows stay locked only for that UPDATE and the commit.

    With ``hold`` (a 바로 구매 hold of this buyer, ``stock_hold_place``) the order is that hold: its units are
    already taken, so they become the order's reservation at the hold's unit price, and the hold is used.
    """
    held: StockHold | None = None
    if hold is not None:
        held = StockHold.objects.select_for_update().filter(pk=hold.pk, user=user).first()
        if held is None or held.state != StockHold.State.HELD:
            raise ValidationError(_("확보한 재고의 결제 시간이 지났어요. 방송에서 다시 구매해 주세요."))
        items = {held.option_id: held.quantity}
    if not items:
        raise ValidationError(_("주문할 상품이 없어요."))
    for quantity in items.values():
        _quantity_check(quantity)
    _cart_locked(user)
    options = ProductOption.objects.select_related("product").in_bulk(list(items))
    if len(options) != len(items):
        raise ValidationError(_("판매가 끝난 상품이 있어요. 장바구니를 확인해 주세요."))
    quantities: dict[int, int] = {}
    products: dict[int, Product] = {}
    for option_id, quantity in items.items():
        option = options[option_id]
        if held is not None:
            pass  # its units were taken when the hold was made
        elif not option.product.is_purchasable or option.stock < quantity:
            raise ValidationError(
                _("%(name)s의 재고가 부족해요 (남은 수량 %(stock)d개).")
                % {"name": f"{option.product.name} {option.name}", "stock": option.stock}
            )
        products[option.product_id] = option.product
        quantities[option.product_id] = quantities.get(option.product_id, 0) + quantity
    _purchase_limits_check(user=user, quantities=quantities, products=products)

    ordered = sorted(options.values(), key=lambda option: option.pk)
    prices = {option.pk: option_prices(option) for option in ordered}
    if held is not None:
        prices[held.option_id] = (prices[held.option_id][0], held.unit_price)
    amounts = amounts_for((*prices[option.pk], items[option.pk]) for option in ordered)
    if expected_total is not None and expected_total != amounts.total:
        raise ValidationError(
            _("주문 금액이 %(total)s원으로 바뀌었어요. 금액을 확인하고 다시 결제해 주세요.")
            % {"total": f"{amounts.total:,}"}
        )
    order = Order(
        merchant_uid=merchant_uid_new(),
        user=user,
        items_amount=amounts.items,
        discount_amount=amounts.discount,
        shipping_fee=amounts.shipping,
        total_amount=amounts.total,
        recipient=delivery.recipient,
        recipient_phone=delivery.recipient_phone,
        postcode=delivery.postcode,
        road_address=delivery.road_address,
        detail_address=delivery.detail_address,
        delivery_request=delivery.delivery_request,
        orderer_name=orderer.name,
        orderer_phone=orderer.phone,
        orderer_email=orderer.email,
        from_cart=from_cart,
    )
    order.full_clean()
    order.save()
    OrderStatusChange.objects.create(order=order, to_status=order.status, actor=user.username)
    # The stock is taken last, just before the commit: from that UPDATE to the commit the option rows stay
    # locked, and in a live drop every buyer waits for that lock. The lines and reservations go in first, which
    # works because their option and product columns carry no database constraint (an insert checking one
    # would share-lock the option row, and two orders holding those could never both take it for the UPDATE).
    lines = []
    for option in ordered:
        list_price, unit_price = prices[option.pk]
        line = OrderLine(
            order=order,
            product=option.product,
            option=option,
            product_name=option.product.name,
            option_name=option.name,
            list_price=list_price,
            unit_price=unit_price,
            quantity=items[option.pk],
        )
        line.full_clean(exclude=["order"])
        lines.append(line)
    OrderLine.objects.bulk_create(lines)
    expires_at = timezone.now() + datetime.timedelta(minutes=reservation_minutes())
    StockReservation.objects.bulk_create(
        StockReservation(option=option, order=order, quantity=items[option.pk], expires_at=expires_at)
        for option in ordered
    )
    for option in ordered if held is None else ():
        if not catalog_services.option_stock_reserve(option_id=option.pk, quantity=items[option.pk]):
            # Another buyer took the last units between the check above and now: undo the whole order.
            raise ValidationError(
                _("%(name)s이(가) 방금 품절되었어요.") % {"name": f"{option.product.name} {option.name}"}
            )
    if held is not None:
        held.state, held.order = StockHold.State.USED, order
        held.save(update_fields=["state", "order"])
    publish("order.placed", _payload(order, from_status=""))
    return order


# ---- Holds before checkout (바로 구매 on air) -----------------------------------------------------------


@transaction.atomic
def stock_hold_place(
    *, user, option_id: int, quantity: int, minutes: int, unit_price: int | None = None, source: str = ""
) -> StockHold:
    """Take ``quantity`` units of an option for ``user`` at once, for ``minutes``, before checkout.

    The per-buyer purchase limit counts the buyer's orders and their other live holds; the buyer's cart row
    is locked first, so one buyer's parallel holds cannot both pass it. ``unit_price`` (a live price, less a
    coupon) defaults to the sale price and may not exceed it. Raises ValidationError when sold out.
    """
    _quantity_check(quantity)
    _cart_locked(user)
    option = ProductOption.objects.select_related("product").filter(pk=option_id).first()
    if option is None or option.product.status == Product.Status.HIDDEN:
        raise ValidationError(_("상품을 찾을 수 없어요."))
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
    _purchase_limits_check(
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
    hold.full_clean()
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


# ---- Statuses -----------------------------------------------------------------------------------------


def _payload(order: Order, *, from_status: str, **extra) -> dict:
    return {
        "order_id": order.pk,
        "merchant_uid": order.merchant_uid,
        "user_id": order.user_id,
        "from_status": from_status,
        "to_status": order.status,
        **extra,
    }


def _status_set(order: Order, to_status: str, *, note: str = "", actor: str = "", **payload) -> Order:
    """Move ``order`` (locked by the caller) to ``to_status``, log it and publish ``order.<to_status>``."""
    from_status = order.status
    order.status = to_status
    if note:
        order.status_note = note[:255]
    order.full_clean(validate_constraints=False)
    order.save()
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=to_status, note=note[:255], actor=actor[:60]
    )
    publish(f"order.{to_status}", _payload(order, from_status=from_status, **payload))
    return order


def order_lock(*, merchant_uid: str) -> Order:
    """The order, locked (SELECT … FOR UPDATE) until the caller's transaction ends.

    Call inside ``transaction.atomic``: every path that decides a payment (browser return, webhook,
    reconciliation) locks first, so concurrent verifications of one order run one after the other.
    """
    return Order.objects.select_for_update().select_related("user").get(merchant_uid=merchant_uid)


def _reservations_release(order: Order) -> None:
    held = list(
        StockReservation.objects.filter(order=order, state=StockReservation.State.HELD).order_by("option_id")
    )
    for reservation in held:
        catalog_services.option_stock_release(option_id=reservation.option_id, quantity=reservation.quantity)
    StockReservation.objects.filter(pk__in=[r.pk for r in held]).update(state=StockReservation.State.RELEASED)


def _reservations_commit_or_retake(order: Order) -> None:
    """Commit the order's held units; units already released (it expired) are taken again if still there."""
    reservations = list(StockReservation.objects.filter(order=order).order_by("option_id"))
    with transaction.atomic():
        for reservation in reservations:
            if (
                reservation.state == StockReservation.State.RELEASED
                and not catalog_services.option_stock_reserve(
                    option_id=reservation.option_id, quantity=reservation.quantity
                )
            ):
                raise OrderStateError(_("결제 시간이 지나는 사이 상품이 품절되었어요."))
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
        state=StockReservation.State.COMMITTED
    )


@transaction.atomic
def order_mark_paid(*, order: Order, imp_uid: str, amount: int, actor: str = "payments") -> Order:
    """Record the verified payment: pending → 결제완료, reserved stock committed, sales counted.

    Precondition: ``order`` was locked with ``order_lock`` in the caller's transaction and the PG said
    ``paid`` with ``amount``. An order that only expired unpaid comes back if its units can be taken again;
    otherwise OrderStateError (the caller refunds the payment).
    """
    if order.status in FULFILMENT_FLOW and order.imp_uid == imp_uid:
        return order
    revivable = order.status == Order.Status.CANCELLED and order.cancel_reason == Order.CancelReason.EXPIRED
    if order.status != Order.Status.PENDING and not revivable:
        raise OrderStateError(
            _("결제할 수 없는 주문 상태예요 (%(status)s).") % {"status": order.get_status_display()}
        )
    if amount != order.total_amount:
        raise OrderStateError(_("결제 금액이 주문 금액과 달라요."))
    _reservations_commit_or_retake(order)
    order.imp_uid = imp_uid
    order.paid_at = timezone.now()
    order.cancel_reason = ""
    lines = list(order.lines.all())
    for line in lines:
        if line.product_id:
            catalog_services.product_sales_record(product_id=line.product_id, quantity=line.quantity)
    if order.from_cart:
        cart_options_remove(
            user_id=order.user_id, option_ids=[line.option_id for line in lines if line.option_id]
        )
    return _status_set(order, Order.Status.PAID, note="", actor=actor)


@transaction.atomic
def order_mark_paid_demo(*, order: Order, imp_uid: str) -> Order:
    """Demo data only: record a payment the PG sandbox would have confirmed, taking the lock itself."""
    return order_mark_paid(
        order=order_lock(merchant_uid=order.merchant_uid),
        imp_uid=imp_uid,
        amount=order.total_amount,
        actor="demo",
    )


@transaction.atomic
def order_mark_payment_failed(*, order: Order, reason: str, actor: str = "payments") -> Order:
    """An unpaid order whose payment failed or was abandoned: 취소, its stock back on sale. Idempotent."""
    if order.status != Order.Status.PENDING:
        return order
    _reservations_release(order)
    order.cancel_reason = Order.CancelReason.PAYMENT_FAILED
    return _status_set(order, Order.Status.CANCELLED, note=reason, actor=actor)


@transaction.atomic
def order_mark_review(*, order: Order, reason: str, actor: str = "payments") -> Order:
    """Send the order to staff (확인필요): a payment whose amount or status did not match, a failed refund.

    Held stock is released: a payment under review is not a sale until staff decide.
    """
    if order.status == Order.Status.REVIEW:
        return order
    _reservations_release(order)
    return _status_set(order, Order.Status.REVIEW, note=reason, actor=actor)


@transaction.atomic
def order_expire(*, order_id: int) -> bool:
    """Cancel a pending order whose reservations ran out; returns whether it expired now."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    now = timezone.now()
    if order is None or order.status != Order.Status.PENDING:
        return False
    if StockReservation.objects.filter(
        order=order, state=StockReservation.State.HELD, expires_at__gt=now
    ).exists():
        return False
    _reservations_release(order)
    order.cancel_reason = Order.CancelReason.EXPIRED
    _status_set(
        order, Order.Status.CANCELLED, note=_("결제 시간이 지나 주문이 취소되었어요."), actor="system"
    )
    return True


# When this process last looked for expired reservations from a checkout (see the function below).
_released_at = 0.0
RELEASE_FROM_CHECKOUT_SECONDS = 10.0


def reservations_release_expired_now_and_then() -> int:
    """What a checkout calls so a machine without a beat scheduler still gets expired stock back: at most
    every ``RELEASE_FROM_CHECKOUT_SECONDS`` per process (a live drop brings hundreds of checkouts a second)."""
    global _released_at
    now = time.monotonic()
    if now - _released_at < RELEASE_FROM_CHECKOUT_SECONDS:
        return 0
    _released_at = now
    return reservations_release_expired(limit=20)


def reservations_release_expired(*, limit: int = 500) -> int:
    """Expire every pending order whose reservation time is up (Celery beat, every minute); returns how many."""
    order_ids = (
        StockReservation.objects.filter(
            state=StockReservation.State.HELD,
            expires_at__lte=timezone.now(),
            order__status=Order.Status.PENDING,
        )
        .values_list("order_id", flat=True)
        .distinct()[:limit]
    )
    stock_holds_release_expired(limit=limit)
    return sum(order_expire(order_id=order_id) for order_id in list(order_ids))


@transaction.atomic
def order_status_advance(*, order: Order, to_status: str, actor: str, tracking_number: str = "") -> Order:
    """Staff: move an order one step along 결제완료 → 배송준비중 → 배송중 → 배송완료 → 구매확정.

    배송중 needs a tracking number (given here or already on the order).
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in FULFILMENT_FLOW or to_status not in FULFILMENT_FLOW:
        raise OrderStateError(
            _("%(status)s 주문은 이 단계로 옮길 수 없어요.") % {"status": order.get_status_display()}
        )
    if FULFILMENT_FLOW.index(to_status) != FULFILMENT_FLOW.index(order.status) + 1:
        raise OrderStateError(
            _("%(from)s에서 %(to)s(으)로 바로 옮길 수 없어요.")
            % {"from": order.get_status_display(), "to": Order.Status(to_status).label}
        )
    if tracking_number:
        order.tracking_number = tracking_number.strip()
    if to_status == Order.Status.SHIPPING and not order.tracking_number:
        raise OrderStateError(_("송장번호를 먼저 입력해 주세요 (%(uid)s).") % {"uid": order.merchant_uid})
    return _status_set(order, to_status, actor=actor)


def orders_status_advance(*, orders: Iterable[Order], to_status: str, actor: str) -> tuple[int, list[str]]:
    """Staff bulk action: each order in its own transaction; returns (moved, reasons of those skipped)."""
    moved, skipped = 0, []
    for order in orders:
        try:
            order_status_advance(order=order, to_status=to_status, actor=actor)
            moved += 1
        except ValidationError as error:
            skipped.append(f"{order.merchant_uid}: {' '.join(error.messages)}")
    return moved, skipped


@transaction.atomic
def order_tracking_set(*, order: Order, tracking_number: str, actor: str) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.tracking_number = tracking_number.strip()
    order.full_clean(validate_constraints=False)
    order.save(update_fields=["tracking_number", "updated_at"])
    return order


@transaction.atomic
def order_confirm(*, order: Order, user) -> Order:
    """The shopper confirms the purchase (구매확정), which opens the review of each line."""
    order = Order.objects.select_for_update().get(pk=order.pk, user=user)
    if not order.can_confirm:
        raise OrderStateError(_("배송 중이거나 배송이 끝난 주문만 구매 확정할 수 있어요."))
    return _status_set(order, Order.Status.CONFIRMED, actor=user.username)


# ---- Cancels and refunds ------------------------------------------------------------------------------


def _active_lines(order: Order, line_ids: Iterable[int] | None) -> list[OrderLine]:
    lines = [line for line in order.lines.all() if line.is_active]
    if line_ids is not None:
        wanted = {int(line_id) for line_id in line_ids}
        lines = [line for line in lines if line.pk in wanted]
    if not lines:
        raise OrderStateError(_("취소할 수 있는 상품이 없어요."))
    return lines


def refund_amount_for(*, order: Order, line_ids: Iterable[int]) -> int:
    """What a refund of these lines gives back: their amounts, or everything left when no line stays.

    The last refund carries the shipping fee too; a partial refund that takes the rest under the free-shipping
    threshold does not charge shipping afterwards.
    """
    wanted = {int(line_id) for line_id in line_ids}
    remaining = [
        line
        for line in order.lines.all()
        if line.status in (OrderLine.Status.ORDERED, OrderLine.Status.CANCEL_REQUESTED)
        and line.pk not in wanted
    ]
    if not remaining:
        return order.refundable_amount
    amount = sum(line.amount for line in order.lines.all() if line.pk in wanted)
    return min(amount, order.refundable_amount)


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    actor: str,
    line_ids: Iterable[int] | None = None,
    reason: str = "",
    by_staff: bool = False,
) -> Order:
    """Cancel before shipping, whole (``line_ids`` None) or some lines.

    Unpaid: cancelled at once and the stock released. Paid (결제완료, 배송준비중): the lines become 취소요청 and
    ``order.cancel_requested`` is published; payments refunds through the PG and calls ``order_refund_record``.
    The caller checked access (``selectors.order_get_for_user``) for shoppers.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    reason = reason or (_("관리자 취소") if by_staff else _("고객 요청 취소"))
    if order.status == Order.Status.PENDING:
        if line_ids is not None:
            raise OrderStateError(_("결제 전 주문은 전체만 취소할 수 있어요."))
        _reservations_release(order)
        order.cancel_reason = Order.CancelReason.STAFF if by_staff else Order.CancelReason.SHOPPER
        OrderLine.objects.filter(order=order).update(status=OrderLine.Status.CANCELLED)
        return _status_set(order, Order.Status.CANCELLED, note=reason, actor=actor)
    if order.status not in (Order.Status.PAID, Order.Status.PREPARING):
        raise OrderStateError(_("배송이 시작된 주문은 취소할 수 없어요. 반품은 고객센터로 문의해 주세요."))
    return _refund_request(
        order=order,
        lines=_active_lines(order, line_ids),
        actor=actor,
        reason=reason,
        final_status=Order.Status.CANCELLED,
        restock=True,
        cancel_reason=Order.CancelReason.STAFF if by_staff else Order.CancelReason.SHOPPER,
    )


@transaction.atomic
def order_refund_request(
    *,
    order: Order,
    actor: str,
    line_ids: Iterable[int] | None = None,
    reason: str = "",
    restock: bool = False,
) -> Order:
    """Staff: refund a paid order (any status after payment), whole or some lines, through payments."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.paid_at or order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
        raise OrderStateError(_("환불할 결제가 없는 주문이에요 (%(uid)s).") % {"uid": order.merchant_uid})
    before_shipping = order.status in (Order.Status.PAID, Order.Status.PREPARING)
    return _refund_request(
        order=order,
        lines=_active_lines(order, line_ids),
        actor=actor,
        reason=reason or _("관리자 환불"),
        final_status=Order.Status.CANCELLED if before_shipping else Order.Status.REFUNDED,
        restock=restock or before_shipping,
        cancel_reason=Order.CancelReason.STAFF,
    )


def _refund_request(
    *,
    order: Order,
    lines: list[OrderLine],
    actor: str,
    reason: str,
    final_status: str,
    restock: bool,
    cancel_reason: str,
) -> Order:
    line_ids = [line.pk for line in lines]
    OrderLine.objects.filter(pk__in=line_ids).update(status=OrderLine.Status.CANCEL_REQUESTED)
    payload = {
        "line_ids": line_ids,
        "amount": refund_amount_for(order=order, line_ids=line_ids),
        "reason": reason,
        "final_status": final_status,
        "restock": restock,
        "cancel_reason": cancel_reason,
    }
    whole = not any(line.is_active and line.pk not in line_ids for line in order.lines.all())
    if whole:
        return _status_set(order, Order.Status.CANCEL_REQUESTED, note=reason, actor=actor, **payload)
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        note=f"부분 취소 요청: {reason}"[:255],
        actor=actor,
    )
    publish(CANCEL_REQUESTED, _payload(order, from_status=order.status, **payload))
    return order


@transaction.atomic
def order_refund_record(
    *,
    order: Order,
    line_ids: Iterable[int],
    amount: int,
    final_status: str,
    restock: bool,
    cancel_reason: str = "",
    actor: str = "payments",
) -> Order:
    """Record a refund the PG made: lines 취소/환불, refunded amount, stock back when ``restock``.

    Precondition: ``order`` locked with ``order_lock`` and the PG cancel succeeded for ``amount``. When no
    line is left the order takes ``final_status`` (취소 or 환불).
    """
    line_ids = [int(line_id) for line_id in line_ids]
    lines = list(
        order.lines.filter(pk__in=line_ids).exclude(
            status__in=(OrderLine.Status.CANCELLED, OrderLine.Status.REFUNDED)
        )
    )
    line_status = (
        OrderLine.Status.CANCELLED if final_status == Order.Status.CANCELLED else OrderLine.Status.REFUNDED
    )
    for line in lines:
        if restock and line.option_id:
            catalog_services.option_stock_release(option_id=line.option_id, quantity=line.quantity)
        if line.product_id:
            catalog_services.product_sales_record(product_id=line.product_id, quantity=-line.quantity)
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(status=line_status)
    order.refunded_amount = min(order.refunded_amount + amount, order.total_amount)
    still_open = order.lines.filter(
        status__in=(OrderLine.Status.ORDERED, OrderLine.Status.CANCEL_REQUESTED)
    ).exists()
    if still_open:
        order.full_clean(validate_constraints=False)
        order.save(update_fields=["refunded_amount", "updated_at"])
        OrderStatusChange.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            note=f"부분 {Order.Status(final_status).label} {amount:,}원",
            actor=actor,
        )
        publish(
            f"order.{final_status}",
            _payload(order, from_status=order.status, line_ids=line_ids, amount=amount, partial=True),
        )
        return order
    order.cancel_reason = cancel_reason if final_status == Order.Status.CANCELLED else ""
    return _status_set(
        order,
        final_status,
        note=f"{Order.Status(final_status).label} {amount:,}원",
        actor=actor,
        amount=amount,
    )


@transaction.atomic
def order_refund_failed(
    *, order: Order, line_ids: Iterable[int], reason: str, actor: str = "payments"
) -> Order:
    """The PG refused a refund: the lines go back to 주문 and the order to staff (확인필요)."""
    OrderLine.objects.filter(
        order=order, pk__in=list(line_ids), status=OrderLine.Status.CANCEL_REQUESTED
    ).update(status=OrderLine.Status.ORDERED)
    return _status_set(order, Order.Status.REVIEW, note=reason, actor=actor)


@transaction.atomic
def order_review_resolve(*, order: Order, to_status: str, actor: str, note: str = "") -> Order:
    """Staff close a 확인필요 order: back to 결제완료 (the payment was fine) or 취소."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.REVIEW or to_status not in (Order.Status.PAID, Order.Status.CANCELLED):
        raise OrderStateError(_("확인필요 주문만 결제완료 또는 취소로 정리할 수 있어요."))
    if to_status == Order.Status.PAID:
        if not order.paid_at:
            raise OrderStateError(_("결제 기록이 없는 주문은 결제완료로 돌릴 수 없어요."))
        _reservations_commit_or_retake(order)
    return _status_set(order, to_status, note=note or _("관리자 확인"), actor=actor)
