"""The one way an order's status changes: logged, then published as ``order.<status>``."""

from django.core.exceptions import ValidationError

from apps.core.events import publish
from apps.orders.constants import order_status_event
from apps.orders.models import Order, OrderStatusChange


class OrderStateError(ValidationError):
    """The order is not in a status that allows this step."""


def order_payload(order: Order, *, from_status: str, **extra) -> dict:
    """The payload every ``order.*`` event carries, plus what the step adds."""
    return {
        "order_id": order.pk,
        "merchant_uid": order.merchant_uid,
        "user_id": order.user_id,
        "from_status": from_status,
        "to_status": order.status,
        **extra,
    }


def order_status_set(order: Order, to_status: str, *, note: str = "", actor: str = "", **payload) -> Order:
    """Move ``order`` (locked by the caller) to ``to_status``, log it and publish ``order.<to_status>``.

    Every status change goes through here, so the history and the shopper's mails never miss one.
    """
    from_status = order.status
    order.status = to_status
    if note:
        order.status_note = note[:255]
    order.full_clean(validate_constraints=False)
    order.save()
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=to_status, note=note[:255], actor=actor[:60]
    )
    publish(order_status_event(to_status), order_payload(order, from_status=from_status, **payload))
    return order


def order_note_add(*, order: Order, note: str, actor: str = "") -> Order:
    """Log what happened to ``order`` (locked by the caller) without changing its status: 처리 이력 and note."""
    order.status_note = note[:255]
    order.save(update_fields=["status_note", "updated_at"])
    OrderStatusChange.objects.create(
        order=order, from_status=order.status, to_status=order.status, note=note[:255], actor=actor[:60]
    )
    return order
