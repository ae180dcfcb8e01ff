"""Demo statements for `make run`: each demo shop has a few purchases confirmed today, settled, so 정산 in the
seller center shows numbers at once.

Idempotent: nothing happens once a demo shop has a statement. Orders are placed, paid (as the PG sandbox would
have confirmed), shipped, delivered and confirmed by the demo shopper through orders' own services; the
statements are written by the same jobs the nightly schedule runs (today's day and this month).
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.catalog.models import Product, ProductOption
from apps.orders import services as order_services
from apps.orders.constants import FULFILMENT_FLOW
from apps.orders.models import Order
from apps.reports.models import SellerStatement
from apps.reports.registry import Period
from apps.reports.services import job_run
from apps.sellers.models import Seller

ORDER = 50
SHOPPER = "shopper"
DEMO_SHOPS = ("seller", "seller_green", "seller_haneul")
# Units of each of a shop's first products bought in one order, one order per entry.
ORDERS_PER_SHOP = (2, 1)


def load(*, progress) -> list[tuple[str, str, str]]:
    shopper = get_user_model().objects.filter(username=SHOPPER).first()
    shops = list(Seller.objects.filter(user__username__in=DEMO_SHOPS, status=Seller.Status.APPROVED))
    if shopper is None or not shops or SellerStatement.objects.filter(seller__in=shops).exists():
        return []
    address = shopper.addresses.first()
    if address is None:
        return []
    delivery = order_services.Delivery(
        recipient=address.recipient,
        recipient_phone=address.phone,
        postcode=address.postcode,
        road_address=address.road_address,
        detail_address=address.detail_address,
    )
    orderer = order_services.Orderer(name=address.recipient, phone=address.phone, email=shopper.email)
    for shop in progress(shops, desc="데모 정산"):
        options = list(
            ProductOption.objects.filter(
                product__seller=shop, product__status=Product.Status.ON_SALE, stock__gte=5
            ).order_by("product_id", "id")[: len(ORDERS_PER_SHOP)]
        )
        for option, quantity in zip(options, ORDERS_PER_SHOP, strict=False):
            order = order_services.order_place(
                user=shopper, items={option.pk: quantity}, delivery=delivery, orderer=orderer, from_cart=False
            )
            order = order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_demo_{order.pk:08d}")
            for step in FULFILMENT_FLOW[1 : FULFILMENT_FLOW.index(Order.Status.DELIVERED) + 1]:
                order = order_services.order_status_advance(
                    order=order, to_status=step, actor="demo", tracking_number=f"6{order.pk:011d}"
                )
            order_services.order_confirm(order=order, user=shopper)
    today = timezone.localdate()
    job_run(job="orders.seller_statements_daily", period=Period.day(today), triggered_by="demo")
    job_run(job="orders.seller_statements_monthly", period=Period.month(today), triggered_by="demo")
    return []
