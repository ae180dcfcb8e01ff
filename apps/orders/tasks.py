from celery import shared_task

from apps.orders import services


@shared_task(acks_late=True)
def reservations_release_expired() -> int:
    """Every minute (beat): pending orders past their 15 minutes give their stock back."""
    return services.reservations_release_expired()
