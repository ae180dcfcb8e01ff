"""Where each parcel is, from the tracking service (``apps.orders.tracking``), when one is configured.

A shipped parcel is registered for the service's webhook (``shipment.shipped`` → ``shipment_tracking_register``);
each nudge, and an hourly poll as the safety net for a lost one, re-reads the parcel's whole history
(``shipment_tracking_refresh``). A parcel the service calls DELIVERED is 배송완료 at the time of that scan, and
the order follows once every parcel not cancelled has arrived; from then the auto-confirm clock runs.
"""

import datetime
import logging

from django.conf import settings
from django.core.signing import salted_hmac
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.orders.carriers import CARRIERS, carrier_get
from apps.orders.models import Order, Shipment, ShipmentEvent
from apps.orders.services.statuses import order_status_set
from apps.orders.tracking import TrackingError, tracker

logger = logging.getLogger(__name__)

TRACKING_ACTOR = "배송 조회"
# How long the service keeps calling back: long enough for a slow parcel, short enough to stop by itself.
WEBHOOK_DAYS = 14
# The poll's age: a parcel not heard of for this long is asked about again.
POLL_AFTER = datetime.timedelta(hours=3)


def tracking_callback_secret() -> str:
    """The secret in the callback URL the service is given (only it, and staff reading settings, know it)."""
    return salted_hmac("apps.orders.tracking", "callbacks").hexdigest()[:32]


def tracking_callback_url() -> str:
    path = reverse("orders:tracking-callback", kwargs={"secret": tracking_callback_secret()})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _tracker_id(shipment: Shipment) -> str:
    carrier = carrier_get(shipment.carrier)
    return carrier.tracker_id if carrier else ""


def shipment_tracking_register(*, shipment_id: int) -> bool:
    """Ask the service to call back when this shipped parcel moves; False when tracking is off or the parcel
    has no trackable carrier. A refusal raises ``TrackingError`` (the event is retried)."""
    client = tracker()
    shipment = Shipment.objects.filter(pk=shipment_id, status=Shipment.Status.SHIPPED).first()
    if client is None or shipment is None or not _tracker_id(shipment) or not shipment.tracking_number:
        return False
    return client.register_webhook(
        carrier_id=_tracker_id(shipment),
        tracking_number=shipment.tracking_number,
        callback_url=tracking_callback_url(),
        expires_at=timezone.now() + datetime.timedelta(days=WEBHOOK_DAYS),
    )


def shipments_for_parcel(*, carrier_id: str, tracking_number: str) -> list[int]:
    """The shipped parcels the service's callback names (by its carrier id and the tracking number)."""
    codes = [carrier.code for carrier in CARRIERS if carrier.tracker_id == carrier_id]
    return list(
        Shipment.objects.filter(
            carrier__in=codes, tracking_number=tracking_number, status=Shipment.Status.SHIPPED
        ).values_list("pk", flat=True)
    )


def shipment_tracking_refresh(*, shipment_id: int) -> str:
    """Read the parcel's history from the service and record it; returns the parcel's status afterwards.

    The service's answer is read outside any lock (it may take seconds); the write re-checks the parcel."""
    client = tracker()
    shipment = Shipment.objects.filter(pk=shipment_id).first()
    if client is None or shipment is None or shipment.status != Shipment.Status.SHIPPED:
        return shipment.status if shipment else ""
    info = client.track(carrier_id=_tracker_id(shipment), tracking_number=shipment.tracking_number)
    return _record(shipment_id=shipment_id, info=info)


@transaction.atomic
def _record(*, shipment_id: int, info) -> str:
    order = Order.objects.select_for_update().get(shipments__pk=shipment_id)
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    if shipment.status != Shipment.Status.SHIPPED:
        return shipment.status
    shipment.events.all().delete()
    ShipmentEvent.objects.bulk_create(
        ShipmentEvent(
            shipment=shipment,
            status=event.status[:24],
            at=event.time,
            description=event.description[:200],
            location=event.location[:100],
        )
        for event in info.events
    )
    shipment.tracked_at = timezone.now()
    fields = ["tracked_at"]
    if info.is_delivered:
        shipment.status = Shipment.Status.DELIVERED
        shipment.delivered_at = info.last_event.time or timezone.now()
        fields += ["status", "delivered_at"]
    shipment.save(update_fields=fields)
    if info.is_delivered:
        _order_follow_delivery(order)
    return shipment.status


def _order_follow_delivery(order: Order) -> None:
    """배송중 → 배송완료 once every parcel not cancelled has arrived (the order's other statuses are left)."""
    if order.status != Order.Status.SHIPPING:
        return
    live = order.shipments.exclude(status=Shipment.Status.CANCELLED)
    if all(shipment.status == Shipment.Status.DELIVERED for shipment in live):
        order_status_set(order, Order.Status.DELIVERED, actor=TRACKING_ACTOR)


def shipments_tracking_poll(*, limit: int = 200) -> int:
    """The safety net for a lost callback: parcels on the way not heard of for ``POLL_AFTER`` are read again,
    oldest first. One the service cannot answer for now is skipped (logged) and asked next hour."""
    if tracker() is None:
        return 0
    stale = timezone.now() - POLL_AFTER
    ids = list(
        Shipment.objects.filter(status=Shipment.Status.SHIPPED, shipped_at__lt=stale)
        .exclude(tracked_at__gte=stale)
        .order_by("tracked_at", "shipped_at")
        .values_list("pk", flat=True)[:limit]
    )
    for shipment_id in ids:
        try:
            shipment_tracking_refresh(shipment_id=shipment_id)
        except TrackingError as error:
            logger.warning("tracking %s: %s (%s)", shipment_id, error, error.code)
    return len(ids)
