"""Auto-confirm: a delivered order its shopper never confirmed is confirmed after ORDERS_AUTO_CONFIRM_DAYS."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.orders import services as order_services
from apps.orders.models import Order, OrderStatusChange
from apps.orders.services.confirmations import AUTO_CONFIRM_ACTOR, orders_auto_confirm
from apps.orders.tasks import orders_auto_confirm as orders_auto_confirm_task
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db


def delivered(days_ago: float) -> Order:
    order = order_services.order_mark_paid_demo(order=order_make(), imp_uid="")
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order = order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="1"
        )
    OrderStatusChange.objects.filter(order=order, to_status=Order.Status.DELIVERED).update(
        at=timezone.now() - timedelta(days=days_ago)
    )
    return order


@pytest.fixture(autouse=True)
def _default_days():
    from constance import config

    config.ORDERS_AUTO_CONFIRM_DAYS = 7
    yield
    config.ORDERS_AUTO_CONFIRM_DAYS = 7


def test_an_order_delivered_seven_days_ago_is_confirmed_once():
    """7 days after 배송완료 (the default) the order is 구매확정, logged as the auto-confirm; a rerun confirms
    nothing again."""
    old, recent = delivered(7.01), delivered(6.9)

    assert orders_auto_confirm() == 1
    assert orders_auto_confirm() == 0

    assert Order.objects.get(pk=old.pk).status == Order.Status.CONFIRMED
    assert Order.objects.get(pk=recent.pk).status == Order.Status.DELIVERED
    change = OrderStatusChange.objects.get(order=old, to_status=Order.Status.CONFIRMED)
    assert change.actor == AUTO_CONFIRM_ACTOR
    assert "7일" in change.note


def test_the_days_are_a_runtime_setting():
    """Staff shorten the wait in admin → 운영 설정; the next pass uses it."""
    from constance import config

    order = delivered(3.5)
    assert orders_auto_confirm() == 0
    config.ORDERS_AUTO_CONFIRM_DAYS = 3

    assert orders_auto_confirm_task.delay().get() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED


def test_an_order_the_shopper_confirmed_or_that_is_still_shipping_is_left_alone():
    """Only 배송완료 orders: one the shopper confirmed keeps its own confirmation."""
    order = delivered(10)
    order_services.order_confirm(order=order, user=order.user)
    shipping = order_services.order_mark_paid_demo(order=order_make(), imp_uid="")

    assert orders_auto_confirm() == 0
    assert OrderStatusChange.objects.filter(order=order, to_status=Order.Status.CONFIRMED).count() == 1
    assert Order.objects.get(pk=shipping.pk).status == Order.Status.PAID


def test_the_auto_confirm_runs_on_the_beat_schedule():
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "apps.orders.tasks.orders_auto_confirm" in tasks
