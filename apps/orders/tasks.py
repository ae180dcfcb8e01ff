from celery import shared_task

from apps.orders.services import confirmations, payment_outcomes


@shared_task(acks_late=True)
def reservations_release_expired() -> int:
    """Every minute (beat): pending orders past their reservation time give their stock back."""
    return payment_outcomes.reservations_release_expired()


@shared_task(acks_late=True)
def orders_auto_confirm() -> int:
    """Hourly (beat): orders delivered ``ORDERS_AUTO_CONFIRM_DAYS`` days ago are confirmed (구매확정)."""
    return confirmations.orders_auto_confirm()
