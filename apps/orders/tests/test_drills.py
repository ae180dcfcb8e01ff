"""Fault drill: MariaDB drops the connection in the middle of a checkout.

The fault is real: a second connection ``KILL``s the checkout's own connection right after its stock UPDATE
(the order, its lines and reservations are written and the stock already taken inside the same transaction).
The shopper must find no half order and no units missing, and pressing 결제하기 again must work.
"""

import MySQLdb
import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

from apps.catalog.models import ProductOption
from apps.orders.models import Order, OrderLine, StockReservation
from apps.orders.services import carts, placing
from apps.orders.tests.factories import ProductOptionFactory, ShippingAddressFactory, UserFactory

pytestmark = [
    pytest.mark.drill,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql", reason="drills MariaDB"
    ),
]


def _killer():
    """A second connection that can KILL the first (same user: no extra privilege needed)."""
    db = settings.DATABASES["default"]
    return MySQLdb.connect(
        host=db["HOST"], port=int(db["PORT"] or 3306), user=db["USER"], password=db["PASSWORD"]
    )


class KillConnectionAt:
    """An execute wrapper that kills this connection on the server right before the first statement
    containing ``marker`` runs (with ``after``: right before the statement that follows it), as a network
    cut or a MariaDB restart would."""

    def __init__(self, marker: str, *, after: bool = False) -> None:
        self.marker = marker
        self.after = after
        self.armed = False
        self.fired = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONNECTION_ID()")
            self.connection_id = cursor.fetchone()[0]

    def __call__(self, execute, sql, params, many, context):
        if not self.after and self.marker in sql:
            self.armed = True
        if self.armed and not self.fired:
            self.fired = True
            killer = _killer()
            try:
                killer.cursor().execute(f"KILL {int(self.connection_id)}")
            finally:
                killer.close()
        if self.after and self.marker in sql:
            self.armed = True
        return execute(sql, params, many, context)


def _checkout_data(address, total: int) -> dict:
    return {
        "address": address.pk,
        "orderer_name": "김고객",
        "orderer_phone": "010-1111-2222",
        "orderer_email": "buyer@example.com",
        "expected_total": total,
        "agree": "on",
    }


def test_connection_dropped_mid_checkout_leaves_no_half_order_and_the_retry_succeeds():
    """Killed with the stock taken, before the commit: no order, line or reservation, stock whole; retry pays."""
    user = UserFactory()
    option = ProductOptionFactory(stock=10)
    address = ShippingAddressFactory(user=user, is_default=True)
    carts.cart_item_add(user=user, option_id=option.pk, quantity=2)
    shopper = Client(raise_request_exception=False)
    shopper.force_login(user)
    total = shopper.get("/checkout/").context["amounts"].total

    fault = KillConnectionAt("UPDATE `catalog_productoption`", after=True)
    with connection.execute_wrapper(fault):
        response = shopper.post("/checkout/", _checkout_data(address, total))

    assert fault.fired
    assert response.status_code == 500
    # The next request of a real server starts on a fresh connection (close_old_connections); here, by hand.
    connection.close()
    assert not Order.objects.filter(user=user).exists()
    assert not OrderLine.objects.exists()
    assert not StockReservation.objects.exists()
    assert ProductOption.objects.get(pk=option.pk).stock == 10

    retry = shopper.post("/checkout/", _checkout_data(address, total))

    order = Order.objects.get(user=user)
    assert retry["Location"] == f"/payments/pay/{order.merchant_uid}/?method=card"
    assert order.status == Order.Status.PENDING
    assert StockReservation.objects.get(order=order).quantity == 2
    assert ProductOption.objects.get(pk=option.pk).stock == 8


def test_a_dropped_connection_at_the_stock_update_is_not_an_oversell():
    """Killed on the stock UPDATE itself: the service raises, nothing is taken, nothing is written."""
    user = UserFactory()
    option = ProductOptionFactory(stock=1)
    fault = KillConnectionAt("UPDATE `catalog_productoption`")

    with connection.execute_wrapper(fault), pytest.raises(OperationalError):
        placing.order_place(
            user=user,
            items={option.pk: 1},
            delivery=placing.Delivery(
                recipient="김고객",
                recipient_phone="010-1234-5678",
                postcode="04778",
                road_address="서울 성동구 성수이로 100",
                detail_address="",
                delivery_request="",
            ),
            orderer=placing.Orderer(name="김고객", phone="010-1234-5678", email="a@example.com"),
        )

    assert fault.fired
    connection.close()
    assert ProductOption.objects.get(pk=option.pk).stock == 1
    assert not Order.objects.exists()
