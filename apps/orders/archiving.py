"""Which of orders' rows the nightly archive may take: stock reservations whose order is settled.

The archive reads a chunk with ``stock_reservations_archivable``, writes it somewhere durable, and only then
calls ``stock_reservations_archived_delete`` with the chunk's ids.
"""

from datetime import datetime

from django.db import models, transaction

from apps.orders.models import Order, StockReservation

STOCK_RESERVATIONS_TABLE = StockReservation._meta.db_table

# A pending order is still being paid; a 확인필요 order may still need its reservations, since resolving it
# retakes the units its released reservations held.
_ORDERS_STILL_USING_RESERVATIONS = (Order.Status.PENDING, Order.Status.NEEDS_CHECK)


def _settled(before: datetime) -> models.QuerySet[StockReservation]:
    return StockReservation.objects.filter(
        state__in=(StockReservation.State.RELEASED, StockReservation.State.COMMITTED), created_at__lt=before
    ).exclude(order__status__in=_ORDERS_STILL_USING_RESERVATIONS)


def stock_reservations_archivable(*, before: datetime, limit: int) -> list[dict]:
    """Up to ``limit`` released or committed reservations taken before ``before`` whose order is neither
    pending nor 확인필요, lowest id first, every column by name."""
    columns = [f.attname for f in StockReservation._meta.concrete_fields]
    return list(_settled(before).order_by("pk").values(*columns)[:limit])


@transaction.atomic
def stock_reservations_archived_delete(*, before: datetime, ids: list[int]) -> int:
    """Delete the reservations of ``ids`` that still qualify for ``before``; returns rows deleted.

    Call only once those rows are safely archived: a row deleted here is gone from the database.
    """
    deleted, _detail = _settled(before).filter(pk__in=ids).delete()
    return deleted
