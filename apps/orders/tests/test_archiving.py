"""Archiving: orders hands over the released or committed reservations of settled orders, and deletes only
those."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.orders import services
from apps.orders.archiving import stock_reservations_archivable, stock_reservations_archived_delete
from apps.orders.models import Order, StockReservation
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db

OLD = timedelta(days=40)


def _reservation(
    *, age: timedelta, cancelled: bool = True, order_status: str | None = None
) -> StockReservation:
    order = order_make()
    if cancelled:
        services.order_cancel(order=order, actor="shopper")
    reservation = StockReservation.objects.get(order=order)
    StockReservation.objects.filter(pk=reservation.pk).update(created_at=timezone.now() - age)
    if order_status:
        Order.objects.filter(pk=order.pk).update(status=order_status)
    return reservation


def test_settled_reservations_older_than_the_cutoff_are_archivable():
    """A released reservation of a cancelled order is archivable; a recent one, a held one and one of an
    order that needs checking stay."""
    old = [_reservation(age=OLD) for _ in range(2)]
    _reservation(age=timedelta(days=2))
    _reservation(age=OLD, cancelled=False)
    _reservation(age=OLD, order_status=Order.Status.NEEDS_CHECK)
    before = timezone.now() - timedelta(days=30)

    rows = stock_reservations_archivable(before=before, limit=100)

    assert [row["id"] for row in rows] == [r.pk for r in old]
    assert {row["state"] for row in rows} == {StockReservation.State.RELEASED}
    assert [row["id"] for row in stock_reservations_archivable(before=before, limit=1)] == [old[0].pk]


def test_the_delete_keeps_reservations_that_do_not_qualify():
    """Handed a held reservation's id too, the delete removes only the settled one."""
    old, held = _reservation(age=OLD), _reservation(age=OLD, cancelled=False)

    deleted = stock_reservations_archived_delete(
        before=timezone.now() - timedelta(days=30), ids=[old.pk, held.pk]
    )

    assert deleted == 1
    assert list(StockReservation.objects.values_list("pk", flat=True)) == [held.pk]
