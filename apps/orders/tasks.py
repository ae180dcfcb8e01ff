from celery import shared_task

from apps.orders.services import payment_outcomes


@shared_task(acks_late=True)
def reservations_release_expired() -> int:
    """Every minute (beat): pending orders past their reservation time give their stock back."""
    return payment_outcomes.reservations_release_expired()
