"""Demo orders for `make run`: the demo shopper's past orders, one delivered so a review can be written, and
orders waiting in each demo shop's seller center (신규주문, one 배송준비중, one order of two shops, and a
delivered order of the demo seller's with a return request waiting).

Idempotent and quick: nothing happens once the shopper has an order. Orders are placed and moved through
the same services the site uses (the payment is recorded as the PG sandbox would have confirmed it).
"""

from django.contrib.auth import get_user_model

from apps.accounts import services as accounts_services
from apps.catalog.models import Product, ProductOption
from apps.orders.models import Order, ReturnRequest, Shipment
from apps.orders.services.fulfilment import order_status_advance
from apps.orders.services.payment_outcomes import order_mark_paid_demo
from apps.orders.services.placing import Delivery, Orderer, order_place
from apps.orders.services.returns import return_request
from apps.orders.services.shipments import shipment_acknowledge, shipment_ship

ORDER = 30
SHOPPER = "shopper"
# The member shops (apps.sellers.demo) whose seller centers get orders to ship.
DEMO_SHOPS = ("seller", "seller_green", "seller_haneul")
# (status the order ends in, units of one option)
DEMO_ORDERS = (
    (Order.Status.DELIVERED, 1),
    (Order.Status.SHIPPING, 2),
    (Order.Status.PAID, 1),
)


def load(*, progress) -> list[tuple[str, str, str]]:
    user = get_user_model().objects.filter(username=SHOPPER).first()
    if user is None or Order.objects.filter(user=user).exists():
        return []
    if not user.addresses.exists():
        accounts_services.address_create(
            user=user,
            label="집",
            recipient=user.name or "김쇼핑",
            phone="010-1234-5678",
            postcode="04778",
            road_address="서울 성동구 성수이로 100",
            detail_address="101동 1001호",
            is_default=True,
        )
    options = list(
        ProductOption.objects.filter(product__status=Product.Status.ON_SALE, stock__gte=5)
        .select_related("product")
        .order_by("product_id", "id")[: len(DEMO_ORDERS) * 7 : 7]
    )
    address = user.addresses.first()
    delivery = Delivery(
        recipient=address.recipient,
        recipient_phone=address.phone,
        postcode=address.postcode,
        road_address=address.road_address,
        detail_address=address.detail_address,
        delivery_request="문 앞에 놓아 주세요",
    )
    orderer = Orderer(name=address.recipient, phone=address.phone, email=user.email)

    def paid(items: dict[int, int]) -> Order:
        order = order_place(user=user, items=items, delivery=delivery, orderer=orderer, from_cart=False)
        return order_mark_paid_demo(order=order, imp_uid=f"imp_demo_{order.pk:08d}")

    for (status, quantity), option in progress(
        list(zip(DEMO_ORDERS, options, strict=False)), desc="데모 주문"
    ):
        order = paid({option.pk: quantity})
        if status in (Order.Status.SHIPPING, Order.Status.DELIVERED):
            for shipment in order.shipments.all():
                shipment_ship(
                    shipment=shipment,
                    seller_id=shipment.seller_id,
                    carrier="cj",
                    tracking_number=f"6{order.pk:011d}",
                    actor="demo",
                )
        if status == Order.Status.DELIVERED:
            order_status_advance(order=Order.objects.get(pk=order.pk), to_status=status, actor="demo")
    _orders_to_ship(paid)
    return []


def _orders_to_ship(paid) -> None:
    """Two paid orders per demo shop (the demo seller's first one acknowledged) and one of two shops."""
    firsts = []
    for username in DEMO_SHOPS:
        options = list(
            ProductOption.objects.filter(
                product__seller__user__username=username, product__status=Product.Status.ON_SALE, stock__gte=5
            ).order_by("product_id", "id")[:2]
        )
        for index, option in enumerate(options):
            order = paid({option.pk: 1})
            if username == DEMO_SHOPS[0] and index == 0:
                shipment = order.shipments.get()
                shipment_acknowledge(shipment=shipment, seller_id=shipment.seller_id, actor="demo")
        firsts.extend(options[:1])
    if len(firsts) >= 2:
        paid({firsts[0].pk: 1, firsts[1].pk: 1})
    if firsts:
        _return_waiting(paid, firsts[0])


def _return_waiting(paid, option) -> None:
    """A delivered order of the demo seller's with the shopper's return of one unit waiting for an answer."""
    order = paid({option.pk: 2})
    shipment = order.shipments.get()
    shipment_ship(
        shipment=shipment,
        seller_id=shipment.seller_id,
        carrier="cj",
        tracking_number=f"6{order.pk:011d}",
        actor="demo",
    )
    order_status_advance(order=Order.objects.get(pk=order.pk), to_status=Order.Status.DELIVERED, actor="demo")
    return_request(
        shipment=Shipment.objects.get(pk=shipment.pk),
        user=order.user,
        kind=ReturnRequest.Kind.RETURN,
        reason=ReturnRequest.Reason.DEFECTIVE,
        detail="소매 박음질이 풀려 있어요",
        quantities={order.lines.get().pk: 1},
    )
