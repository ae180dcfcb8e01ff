"""Parcels tracked through the tracking service (the local fake answering as tracker.delivery does): a seller's
발송 registers the parcel, the service's callback makes the shop read it again, scans fill the shopper's
timeline, and DELIVERED makes the parcel (and, with every parcel in, the order) 배송완료."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.orders.models import Order, OrderStatusChange, Shipment
from apps.orders.services import confirmations, payment_outcomes, shipment_ship, tracking
from apps.orders.tests.factories import ProductOptionFactory, order_make
from apps.orders.tracking.fake import FakeDeliveryTracker

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def fake_server():
    server = FakeDeliveryTracker().start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_server, settings, live_server):
    """The tracking service configured, its callbacks reaching this test's server."""
    fake_server.reset()
    settings.DELIVERY_TRACKER_URL = fake_server.url
    settings.DELIVERY_TRACKER_CLIENT_ID = fake_server.client_id
    settings.DELIVERY_TRACKER_CLIENT_SECRET = fake_server.client_secret
    settings.SITE_URL = live_server.url
    return fake_server


def _paid(order):
    return payment_outcomes.order_mark_paid_demo(order=order, imp_uid=f"imp_track_{order.pk}")


def _ship(order, shipment, number: str, carrier: str = "cj"):
    return shipment_ship(
        shipment=shipment,
        seller_id=shipment.seller_id,
        carrier=carrier,
        tracking_number=number,
        actor="seller",
    )


def test_shipping_registers_the_parcel_and_scans_reach_the_shoppers_page(
    fake, shopper, option, django_capture_on_commit_callbacks
):
    order = _paid(order_make(user=shopper, option=option))
    shipment = order.shipments.get()
    with django_capture_on_commit_callbacks(execute=True):
        _ship(order, shipment, "6401-2345-6789")

    registration = fake.requests[-1]
    assert "registerTrackWebhook" in registration["query"]
    hook = registration["variables"]["input"]
    assert (hook["carrierId"], hook["trackingNumber"]) == ("kr.cjlogistics", "640123456789")
    secret_path = reverse("orders:tracking-callback", kwargs={"secret": tracking.tracking_callback_secret()})
    assert hook["callbackUrl"] == tracking.tracking_callback_url()
    assert hook["callbackUrl"].endswith(secret_path)

    fake.scan("kr.cjlogistics", "640123456789", "AT_PICKUP", location="성수 집배점", description="집화처리")
    fake.scan("kr.cjlogistics", "640123456789", "IN_TRANSIT", location="곤지암 Hub", description="간선상차")
    # The callback reached the site (202) and the task read the parcel again (tasks run eagerly in tests).
    assert [code for _url, _body, code in fake.callbacks_sent] == [202, 202]

    client = Client()
    client.force_login(shopper)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "간선상차" in page
    assert "곤지암 Hub" in page
    assert Shipment.objects.get(pk=shipment.pk).status == Shipment.Status.SHIPPED

    fake.scan("kr.cjlogistics", "640123456789", "DELIVERED", location="서울 마포", description="배달완료")
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_at is not None
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    change = OrderStatusChange.objects.filter(order=order).latest("at", "id")
    assert (change.to_status, change.actor) == (Order.Status.DELIVERED, tracking.TRACKING_ACTOR)


def test_a_two_shop_order_is_delivered_when_its_last_parcel_arrives(fake, shopper):
    a, b = ProductOptionFactory(stock=5), ProductOptionFactory(stock=5)
    order = _paid(order_make(user=shopper, items={a.pk: 1, b.pk: 1}))
    first, second = order.shipments.order_by("pk")
    _ship(order, first, "640000000001")
    _ship(order, second, "1234567890123", carrier="epost")
    fake.scan("kr.cjlogistics", "640000000001", "DELIVERED")
    fake.scan("kr.epost", "1234567890123", "IN_TRANSIT")

    assert tracking.shipment_tracking_refresh(shipment_id=first.pk) == Shipment.Status.DELIVERED
    assert tracking.shipment_tracking_refresh(shipment_id=second.pk) == Shipment.Status.SHIPPED
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPING

    fake.scan("kr.epost", "1234567890123", "DELIVERED")
    tracking.shipment_tracking_refresh(shipment_id=second.pk)
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED


def test_the_delivered_scan_starts_the_auto_confirm_clock(fake, shopper, option):
    """Delivered (by the tracking service) 7 days ago: the hourly job confirms the order."""
    order = _paid(order_make(user=shopper, option=option))
    shipment = order.shipments.get()
    _ship(order, shipment, "640000000002")
    fake.scan("kr.cjlogistics", "640000000002", "DELIVERED")
    tracking.shipment_tracking_refresh(shipment_id=shipment.pk)
    OrderStatusChange.objects.filter(order=order, to_status=Order.Status.DELIVERED).update(
        at=timezone.now() - datetime.timedelta(days=7, minutes=5)
    )

    assert confirmations.orders_auto_confirm() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED


def test_a_lost_callback_is_made_up_by_the_hourly_poll(fake, shopper, option):
    order = _paid(order_make(user=shopper, option=option))
    shipment = order.shipments.get()
    _ship(order, shipment, "640000000003")
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=timezone.now() - datetime.timedelta(hours=4))
    fake.reset()  # the service lost the registration: the scan below calls nobody back
    fake.scan("kr.cjlogistics", "640000000003", "OUT_FOR_DELIVERY", description="배송출발")
    assert fake.callbacks_sent == []

    assert tracking.shipments_tracking_poll() == 1
    assert Shipment.objects.get(pk=shipment.pk).events.get().description == "배송출발"
    # Heard of just now: the next hour's poll leaves it alone.
    assert tracking.shipments_tracking_poll() == 0


def test_the_callback_needs_the_secret_and_a_body(fake, client):
    assert client.post("/delivery-tracking/wrong/", "{}", content_type="application/json").status_code == 404
    url = reverse("orders:tracking-callback", kwargs={"secret": tracking.tracking_callback_secret()})
    bad = client.post(url, "not json", content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"] == "bad_request"
    # A parcel the shop does not ship is answered like any other (probing learns nothing).
    unknown = client.post(
        url, {"carrierId": "kr.hanjin", "trackingNumber": "1"}, content_type="application/json"
    )
    assert unknown.status_code == 202


def test_without_a_configured_service_nothing_is_asked(settings, shopper, option):
    settings.DELIVERY_TRACKER_CLIENT_ID = ""
    order = _paid(order_make(user=shopper, option=option))
    shipment = order.shipments.get()
    _ship(order, shipment, "640000000004")
    assert tracking.shipment_tracking_register(shipment_id=shipment.pk) is False
    assert tracking.shipment_tracking_refresh(shipment_id=shipment.pk) == Shipment.Status.SHIPPED
    assert tracking.shipments_tracking_poll() == 0
