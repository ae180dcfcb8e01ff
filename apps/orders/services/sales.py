"""Units sold, counted after the payment or refund commits: the catalog's figures follow the order lines."""

from django.db import transaction

from apps.catalog import services as catalog_services
from apps.orders.models import Order, OrderLine

# Lines of a paid order that still count as sold.
SOLD_LINE_STATUSES = (OrderLine.Status.ORDERED, OrderLine.Status.CANCEL_REQUESTED)


@transaction.atomic
def order_sales_sync(*, order_id: int) -> int:
    """Bring the catalog's sales figures in line with the order's lines; returns the units moved.

    Runs from ``order.paid``, ``order.cancelled`` and ``order.refunded`` after their transaction committed,
    never inside a payment's: the product's sales row is the hottest row of a live drop. Idempotent: each
    line remembers what it counted (``sales_recorded``) and only the difference is recorded.
    """
    order = Order.objects.filter(pk=order_id).only("paid_at").first()
    if order is None:
        return 0
    moved = 0
    lines = list(OrderLine.objects.select_for_update().filter(order_id=order_id).order_by("id"))
    for line in lines:
        sold = line.quantity if order.paid_at and line.status in SOLD_LINE_STATUSES else 0
        delta = sold - line.sales_recorded
        if not delta:
            continue
        if line.product_id:
            catalog_services.product_sales_record(product_id=line.product_id, quantity=delta)
        OrderLine.objects.filter(pk=line.pk).update(sales_recorded=sold)
        moved += abs(delta)
    return moved
