"""Escrow (구매안전서비스): switched on by staff, a card payment asks the PG for escrow, and each parcel that
leaves is registered at the PG (``/escrows/logis/{imp_uid}``) with PortOne's carrier code and the number."""

import pytest
from constance import config

from apps.catalog.tests.factories import ProductFactory
from apps.orders.models import Order
from apps.orders.services import shipment_ship
from apps.orders.tests.factories import ProductOptionFactory, UserFactory, order_make
from apps.payments import escrow
from apps.payments.tests.test_methods import _pay_with

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def escrow_on():
    config.ESCROW_ENABLED = True
    yield
    config.ESCROW_ENABLED = False


def _ship(order: Order, shipment, carrier: str, number: str) -> None:
    shipment_ship(
        shipment=shipment,
        seller_id=shipment.seller_id,
        carrier=carrier,
        tracking_number=number,
        actor="seller",
    )


def test_an_escrow_payments_parcels_are_registered_at_the_pg_as_they_leave(
    client, portone, pg_sandbox, live_server, escrow_on
):
    shopper = UserFactory()
    client.force_login(shopper)
    a = ProductOptionFactory(stock=5, product=ProductFactory())
    b = ProductOptionFactory(stock=5, product=ProductFactory())
    order = order_make(user=shopper, items={a.pk: 1, b.pk: 1})

    result = _pay_with(client, pg_sandbox, live_server, order, "card")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert pg_sandbox.ledger.payments[order.imp_uid]["escrow"] is True
    first, second = order.shipments.order_by("pk")
    _ship(order, first, "cj", "640123456789")
    registered = pg_sandbox.ledger.escrow_logis[order.imp_uid]
    assert registered["logis"]["company"] == "CJGLS"
    assert registered["logis"]["invoice"] == "640123456789"
    assert registered["receiver"]["name"] == order.recipient
    assert registered["sender"]["name"] == first.seller.business_name
    # The second parcel replaces the registration (PUT after the PG's 409): the PG waits for the last one.
    _ship(order, second, "lotte", "123456789012")
    logis = pg_sandbox.ledger.escrow_logis[order.imp_uid]["logis"]
    assert (logis["company"], logis["invoice"]) == ("HYUNDAI", "123456789012")
    assert logis["sent_at"] > 0
    assert result["imp_success"] == "true"


def test_without_escrow_nothing_is_asked_or_registered(client, portone, pg_sandbox, live_server):
    shopper = UserFactory()
    client.force_login(shopper)
    order = order_make(user=shopper)
    page = client.get(f"/payments/pay/{order.merchant_uid}/", {"method": "card"})
    assert "escrow" not in page.context["params"]

    _pay_with(client, pg_sandbox, live_server, order, "card")
    order.refresh_from_db()
    _ship(order, order.shipments.get(), "cj", "640123456780")
    assert order.imp_uid not in pg_sandbox.ledger.escrow_logis
    assert escrow.escrow_delivery_register(shipment_id=order.shipments.get().pk) is False


def test_easy_pay_is_not_asked_for_escrow(escrow_on):
    assert escrow.escrow_requested("card")
    assert escrow.escrow_requested("vbank")
    assert not escrow.escrow_requested("kakaopay")
