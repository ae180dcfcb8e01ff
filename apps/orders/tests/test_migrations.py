"""The data steps of orders' migrations, run against rows the site made."""

import importlib

import pytest
from django.apps import apps as global_apps

from apps.orders.models import Order, OrderStatusChange
from apps.orders.services import payment_outcomes
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db

needs_check_migration = importlib.import_module("apps.orders.migrations.0004_order_status_needs_check")


def test_the_needs_check_rename_converts_orders_and_their_history_both_ways():
    """확인필요 orders stored as ``review`` become ``needs_check`` with their history, and back."""
    order = order_make()
    payment_outcomes.order_mark_needs_check(order=order, reason="결제 금액 불일치")
    Order.objects.filter(pk=order.pk).update(status="review")
    OrderStatusChange.objects.filter(order=order, to_status="needs_check").update(to_status="review")

    needs_check_migration.forwards(global_apps, None)

    assert Order.objects.get(pk=order.pk).status == Order.Status.NEEDS_CHECK
    assert list(OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "needs_check"),
    ]
    assert (
        OrderStatusChange.objects.get(order=order, to_status="needs_check").get_to_status_display()
        == "확인필요"
    )

    needs_check_migration.backwards(global_apps, None)

    assert Order.objects.get(pk=order.pk).status == "review"
    assert OrderStatusChange.objects.filter(order=order, to_status="review").count() == 1
