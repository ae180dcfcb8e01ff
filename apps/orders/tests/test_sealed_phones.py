"""An order's recipient and orderer phones are sealed in the database; the shopper's order page and staff's
order desk show their last four digits (the seller's parcel page has the whole number)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import connection

from apps.orders.models import Order
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db

sealing_migration = importlib.import_module("apps.orders.migrations.0011_sealed_phones_and_refund_accounts")


def _stored(order) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_phone, orderer_phone FROM orders_order WHERE id = %s", [order.pk])
        return cursor.fetchone()


def test_the_order_table_holds_no_phone_number():
    """A SELECT of the order's phone columns returns tokens; the order reads the numbers back."""
    order = order_make()

    for stored in _stored(order):
        assert stored.startswith("gAAAAA")
        assert "5678" not in stored
    order = Order.objects.get(pk=order.pk)
    assert (order.recipient_phone, order.orderer_phone) == ("010-1234-5678", "010-1234-5678")


def test_the_shopper_and_staff_see_the_recipients_phone_masked(client):
    """The shopper's order page and the admin's order page show ***-****-5678, never the whole number."""
    order = order_make()
    client.force_login(order.user)
    shopper_page = client.get(order.get_absolute_url()).content.decode()
    staff = type(order.user).objects.create(username="desk", is_staff=True, is_superuser=True)
    client.force_login(staff)
    listing = client.get("/admin/orders/order/", {"q": order.merchant_uid}).content.decode()
    staff_page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "***-****-5678" in shopper_page
    assert "***-****-5678" in staff_page
    assert order.merchant_uid in listing
    for page in (shopper_page, listing, staff_page):
        assert "1234-5678" not in page


def test_the_migration_seals_the_rows_written_before_it():
    """Plain numbers and refund accounts left in the columns are sealed by the migration's data step."""
    order = order_make()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order SET recipient_phone = %s, orderer_phone = %s WHERE id = %s",
            ["010-3333-4444", "010-5555-6666", order.pk],
        )
    assert _stored(order) == ("010-3333-4444", "010-5555-6666")

    for operation in sealing_migration.Migration.operations:
        if hasattr(operation, "code"):
            operation.code(global_apps, SimpleNamespace(connection=connection))

    recipient, orderer = _stored(order)
    assert recipient.startswith("gAAAAA")
    assert "4444" not in recipient
    assert "6666" not in orderer
    order = Order.objects.get(pk=order.pk)
    assert (order.recipient_phone, order.orderer_phone) == ("010-3333-4444", "010-5555-6666")
