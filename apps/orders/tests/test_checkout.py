"""Placing orders: amounts, stock reservations (never oversold, released on expiry), purchase limits."""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.catalog import services as catalog_services
from apps.catalog.models import Product, ProductOption
from apps.orders import pricing
from apps.orders.models import Order, StockReservation
from apps.orders.services import cancels, payment_outcomes
from apps.orders.tests.factories import ProductFactory, ProductOptionFactory, UserFactory, order_make

pytestmark = pytest.mark.django_db


def test_order_reserves_stock_and_snapshots_prices(shopper, option):
    """Checkout takes the units at once, holds them 15 minutes and copies names and prices."""
    order = order_make(user=shopper, option=option, quantity=3)

    option.refresh_from_db()
    reservation = StockReservation.objects.get(order=order)
    line = order.lines.get()
    assert order.status == Order.Status.PENDING
    assert option.stock == 7
    assert reservation.state == StockReservation.State.HELD
    assert reservation.quantity == 3
    expected_expiry = timezone.now() + datetime.timedelta(minutes=pricing.reservation_minutes())
    assert abs((reservation.expires_at - expected_expiry).total_seconds()) < 60
    assert (line.product_name, line.option_name, line.unit_price, line.quantity) == (
        option.product.name,
        option.name,
        24000,
        3,
    )


def test_shipping_is_free_from_the_threshold(shopper, option):
    """Below 50,000원 the fee is charged; from 50,000원 shipping is free."""
    one = order_make(user=shopper, option=option, quantity=1)
    three = order_make(user=shopper, option=option, quantity=3)

    assert (one.items_amount, one.discount_amount, one.shipping_fee, one.total_amount) == (
        30000,
        6000,
        3000,
        27000,
    )
    assert (three.shipping_fee, three.total_amount) == (0, 72000)


def test_staff_runtime_threshold_applies_on_the_next_order(shopper, option):
    """The free-shipping threshold staff set in admin (constance) decides the next order's shipping."""
    from constance import config

    config.FREE_SHIPPING_THRESHOLD = 20000
    try:
        assert order_make(user=shopper, option=option).shipping_fee == 0
    finally:
        config.FREE_SHIPPING_THRESHOLD = 50000


def test_a_changed_price_stops_the_checkout(shopper, option):
    """When the total is not the one the shopper saw, the order is not placed and stock is untouched."""
    with pytest.raises(ValidationError, match="바뀌었어요"):
        order_make(user=shopper, option=option, expected_total=1000)

    option.refresh_from_db()
    assert option.stock == 10
    assert not Order.objects.exists()


def test_not_enough_stock_is_refused(shopper):
    """An order for more than the stock fails whole; nothing is reserved."""
    option = ProductOptionFactory(stock=2)

    with pytest.raises(ValidationError, match="재고가 부족"):
        order_make(user=shopper, option=option, quantity=3)

    assert ProductOption.objects.get(pk=option.pk).stock == 2
    assert not StockReservation.objects.exists()


def test_last_unit_sells_the_product_out(shopper):
    """Taking the last unit marks the product 품절; a released reservation puts it back on sale."""
    option = ProductOptionFactory(stock=1)
    order = order_make(user=shopper, option=option)
    assert Product.objects.get(pk=option.product_id).status == Product.Status.SOLD_OUT

    cancels.order_cancel(order=order, actor=shopper.username)

    assert Product.objects.get(pk=option.product_id).status == Product.Status.ON_SALE
    assert ProductOption.objects.get(pk=option.pk).stock == 1


def test_expired_reservation_releases_stock(shopper, option):
    """A pending order past its 15 minutes is cancelled by the sweep and its units go back on sale."""
    order = order_make(user=shopper, option=option, quantity=4)
    StockReservation.objects.filter(order=order).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    fresh = order_make(user=UserFactory(), option=option, quantity=1)

    released = payment_outcomes.reservations_release_expired()

    order.refresh_from_db()
    assert released == 1
    assert order.status == Order.Status.CANCELLED
    assert order.cancel_reason == Order.CancelReason.EXPIRED
    assert StockReservation.objects.get(order=order).state == StockReservation.State.RELEASED
    assert StockReservation.objects.get(order=fresh).state == StockReservation.State.HELD
    assert ProductOption.objects.get(pk=option.pk).stock == 9


def test_expiry_task_runs_the_sweep(shopper, option):
    """The beat task apps.orders.tasks.reservations_release_expired releases what is due."""
    from apps.orders.tasks import reservations_release_expired

    order = order_make(user=shopper, option=option, quantity=2)
    StockReservation.objects.filter(order=order).update(expires_at=timezone.now())

    assert reservations_release_expired.delay().get() == 1
    assert ProductOption.objects.get(pk=option.pk).stock == 10
    assert "orders-reservations-release-expired" in settings.CELERY_BEAT_SCHEDULE


def test_purchase_limit_per_buyer(shopper):
    """A live drop's 1인 구매 한도 counts what the buyer already ordered; other buyers are not affected."""
    product = ProductFactory()
    product.purchase_limit = 2
    catalog_services.product_save(product=product)
    option = ProductOptionFactory(product=product, stock=10)
    order_make(user=shopper, option=option, quantity=1)

    with pytest.raises(ValidationError, match="1인당 2개"):
        order_make(user=shopper, option=option, quantity=2)
    order_make(user=shopper, option=option, quantity=1)
    order_make(user=UserFactory(), option=option, quantity=2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_from_several_processes_never_oversell():
    """4 processes × 6 threads race for 10 units: exactly 10 orders are placed and stock ends at 0."""
    option = ProductOptionFactory(stock=10)
    users = [UserFactory() for _ in range(24)]
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 3306}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "trimarket.settings.test",
    }
    start = time.time() + 4
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "apps.orders.tests.race_buyers", str(start), str(option.pk)]
            + [str(user.pk) for user in users[i::4]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=settings.BASE_DIR,
            text=True,
        )
        for i in range(4)
    ]
    outputs = [process.communicate(timeout=90) for process in processes]

    results = [line for out, _err in outputs for line in out.split()]
    assert all(process.returncode == 0 for process in processes), [err for _out, err in outputs]
    assert results.count("ok") == 10, outputs
    assert results.count("no") == 14
    assert ProductOption.objects.get(pk=option.pk).stock == 0
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 10
    assert sum(StockReservation.objects.values_list("quantity", flat=True)) == 10
