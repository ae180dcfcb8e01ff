import pytest

from apps.accounts import demo as accounts_demo
from apps.catalog import demo as catalog_demo
from apps.orders import demo
from apps.orders.models import Order, ReturnRequest, Shipment
from apps.sellers import demo as sellers_demo


def _quiet(iterable, desc: str):
    return iterable


@pytest.mark.django_db
def test_demo_orders_leave_each_demo_shop_orders_to_ship_and_a_second_run_adds_nothing():
    """Every demo shop has paid parcels waiting (신규주문), the demo seller one 배송준비중; the shopper's
    shipped order has a carrier and tracking link; a second run changes nothing."""
    accounts_demo.load(progress=_quiet)
    sellers_demo.load(progress=_quiet)
    catalog_demo.load(progress=_quiet, products=30, images_per_product=1)
    demo.load(progress=_quiet)
    count = Order.objects.count()

    demo.load(progress=_quiet)

    assert Order.objects.count() == count
    for username in demo.DEMO_SHOPS:
        waiting = Shipment.objects.filter(
            seller__user__username=username, order__paid_at__isnull=False, status=Shipment.Status.NEW
        )
        assert waiting.exists(), username
    assert Shipment.objects.filter(seller__user__username="seller", status=Shipment.Status.PREPARING).exists()
    assert (
        Shipment.objects.values("order")
        .filter(order__shipments__seller__user__username="seller_green")
        .exists()
    )
    shipped = Shipment.objects.filter(status=Shipment.Status.SHIPPED).first()
    assert shipped.tracking_url.startswith("https://www.cjlogistics.com/")
    waiting_return = ReturnRequest.objects.get()
    assert waiting_return.shipment.seller.user.username == "seller"
    assert waiting_return.status == ReturnRequest.Status.REQUESTED
