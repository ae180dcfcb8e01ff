"""Placing an order: re-check what checkout showed, write the order, reserve its stock last."""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.catalog.models import Product, ProductOption
from apps.core.events import publish
from apps.core.personal import personal_changed
from apps.orders.constants import LIMIT_COUNTED_STATUSES, ORDER_PLACED
from apps.orders.models import (
    Order,
    OrderLine,
    OrderStatusChange,
    Shipment,
    StockHold,
    StockReservation,
)
from apps.orders.pricing import amounts_for, option_prices, reservation_minutes
from apps.orders.services.carts import cart_locked, quantity_check
from apps.orders.services.statuses import order_payload
from apps.sellers.selectors import NOT_SELLING_MESSAGE, seller_may_sell

MERCHANT_UID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


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


def purchase_limits_check(*, user, quantities: dict[int, int], products: dict[int, Product]) -> None:
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

    Re-checks what the checkout page showed: each product on sale from a seller still selling, enough stock,
    per-buyer purchase limits and, when ``expected_total`` is given, the price (a change raises ValidationError
    so the shopper sees the new total before paying). The buyer's cart row is locked first, so two checkouts of one buyer cannot both
    pass a purchase limit. Stock is taken last (``option_stock_reserve``, sorted by option id against
    deadlocks), so the option rows stay locked only for that UPDATE and the commit. Each seller of the lines
    gets one ``Shipment`` (status 신규주문) carrying that seller's shipping fee; the order's fee is their sum.

    With ``hold`` (a live hold of this buyer, ``stock_hold_place``) the order is that hold: its units are
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
        quantity_check(quantity)
    cart_locked(user)
    options = ProductOption.objects.select_related("product__seller").in_bulk(list(items))
    if len(options) != len(items):
        raise ValidationError(_("판매가 끝난 상품이 있어요. 장바구니를 확인해 주세요."))
    quantities: dict[int, int] = {}
    products: dict[int, Product] = {}
    for option_id, quantity in items.items():
        option = options[option_id]
        if not seller_may_sell(option.product.seller):
            raise ValidationError(f"{option.product.name}: {NOT_SELLING_MESSAGE}")
        if held is not None:
            pass  # its units were taken when the hold was made
        elif not option.product.is_purchasable or option.stock < quantity:
            raise ValidationError(
                _("%(name)s의 재고가 부족해요 (남은 수량 %(stock)d개).")
                % {"name": f"{option.product.name} {option.name}", "stock": option.stock}
            )
        products[option.product_id] = option.product
        quantities[option.product_id] = quantities.get(option.product_id, 0) + quantity
    purchase_limits_check(user=user, quantities=quantities, products=products)

    ordered = sorted(options.values(), key=lambda option: option.pk)
    prices = {option.pk: option_prices(option) for option in ordered}
    if held is not None:
        prices[held.option_id] = (prices[held.option_id][0], held.unit_price)
    amounts = amounts_for(
        (option.product.seller_id, *prices[option.pk], items[option.pk]) for option in ordered
    )
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
    # The database itself checks what full_clean would ask it here (the order number's uniqueness, the member
    # row, the amounts' check constraint), each a query inside the transaction every buyer of a drop waits on.
    order.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    order.save()
    OrderStatusChange.objects.create(order=order, to_status=order.status, actor=user.username)
    personal_changed(user.pk)  # the products ordered are in the member's bag (apps/orders/personal.py)
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
            seller_id=option.product.seller_id,
            product_name=option.product.name,
            option_name=option.name,
            list_price=list_price,
            unit_price=unit_price,
            quantity=items[option.pk],
        )
        line.full_clean(exclude=["order", "product", "option", "seller"], validate_constraints=False)
        lines.append(line)
    OrderLine.objects.bulk_create(lines)
    # One parcel per seller, each with its own share of the shipping (판매자별 묶음배송).
    Shipment.objects.bulk_create(
        Shipment(order=order, seller_id=group.seller_id, shipping_fee=group.shipping)
        for group in amounts.sellers
    )
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
    publish(ORDER_PLACED, order_payload(order, from_status=""))
    return order
