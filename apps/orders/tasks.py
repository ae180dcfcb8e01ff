from celery import shared_task

from apps.orders.services import confirmations, payment_outcomes, tracking
from apps.orders.tracking import TrackingError


@shared_task(acks_late=True)
def reservations_release_expired() -> int:
    """Every minute (beat): pending orders past their reservation time give their stock back."""
    return payment_outcomes.reservations_release_expired()


@shared_task(acks_late=True)
def orders_auto_confirm() -> int:
    """Hourly (beat): orders delivered ``ORDERS_AUTO_CONFIRM_DAYS`` days ago are confirmed (구매확정)."""
    return confirmations.orders_auto_confirm()


@shared_task(acks_late=True, autoretry_for=(TrackingError,), retry_backoff=60, max_retries=5)
def shipment_tracking_refresh(*, shipment_id: int) -> str:
    """The tracking service called back about this parcel: read where it is now."""
    return tracking.shipment_tracking_refresh(shipment_id=shipment_id)


@shared_task(acks_late=True)
def shipments_tracking_poll() -> int:
    """Hourly (beat): parcels on the way not heard of for a while are read again (a lost callback)."""
    return tracking.shipments_tracking_poll()
