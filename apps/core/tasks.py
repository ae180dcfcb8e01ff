"""Sending domain-event deliveries to the workers, running them, and the relay that sends them again."""

import logging
import time
import uuid

from celery import shared_task

from apps.core import outbox

logger = logging.getLogger(__name__)

# A failing handler is retried this many times at once (2, 4, 8 s apart) before it waits for the relay;
# together they stay shorter than outbox.FIRST_RETRY_SECONDS, so the relay does not send it meanwhile.
EVENT_HANDLER_QUICK_RETRIES = 3
QUICK_RETRY_FIRST_SECONDS = 2


@shared_task(bind=True, acks_late=True, max_retries=EVENT_HANDLER_QUICK_RETRIES)
def event_handle(
    self,
    *,
    delivery_id: int | None = None,
    handler: str = "",
    event: str = "",
    payload: dict | None = None,
) -> None:
    """Run one subscriber of one domain event (an ``EventDelivery`` row), recording the outcome on the row.

    A message naming ``handler``/``event``/``payload`` instead was queued before the outbox existed: it gets
    its row first (once per message, however often the broker delivers it).
    """
    if delivery_id is None:
        publication = uuid.uuid5(uuid.NAMESPACE_URL, f"celery:{self.request.id}")
        delivery_id = outbox.delivery_adopt(
            publication=publication, event=event, handler=handler, payload=payload or {}
        )
    error = outbox.delivery_run(delivery_id=delivery_id)
    if error is not None and self.request.retries < self.max_retries:
        if self.request.retries:
            logger.warning("retry %s of event delivery %s", self.request.retries, delivery_id)
        raise self.retry(
            kwargs={"delivery_id": delivery_id},
            countdown=QUICK_RETRY_FIRST_SECONDS * 2**self.request.retries,
            exc=error,
        )


def deliveries_send(ids: list[int]) -> int:
    """Hand these rows to the workers (or run them here when tasks are eager); returns how many were sent.

    A broker that refuses one refuses the rest too: the pass stops there instead of waiting on each, and the
    relay sends them later (rows written by ``publish`` are due then anyway).
    """
    for sent, delivery_id in enumerate(ids):
        try:
            event_handle.delay(delivery_id=delivery_id)
        except Exception as error:  # the broker (kombu) raises its own errors for a lost connection
            logger.warning(
                "broker refused event delivery %s (%s); the relay sends it later", delivery_id, error
            )
            return sent
    return len(ids)


def outbox_relay_pass(*, now=None) -> dict[str, int]:
    """One pass of the relay: send the due rows (and one probe per failing handler), mail staff about overdue
    ones, delete old delivered ones. Safe to run from several processes at once."""
    ids = outbox.deliveries_claim_due(now=now)
    sent = deliveries_send(ids)
    if sent < len(ids):
        outbox.deliveries_unsent(ids=ids[sent:], now=now)
    return {
        "sent": sent,
        "alerted": outbox.deliveries_overdue_alert(now=now),
        "purged": outbox.deliveries_purge(now=now),
    }


@shared_task(acks_late=True)
def outbox_relay() -> dict[str, int]:
    """The relay (Celery beat, every 30 seconds)."""
    return outbox_relay_pass()


# When this process last ran the relay from a request (see the function below).
_relayed_at = 0.0
RELAY_FROM_REQUESTS_SECONDS = 30.0


def outbox_relay_now_and_then() -> dict[str, int]:
    """What a finished request calls on a machine without a beat scheduler (no ``REDIS_URL``), so failed
    deliveries are still sent again: at most every ``RELAY_FROM_REQUESTS_SECONDS`` per process."""
    global _relayed_at
    now = time.monotonic()
    if now - _relayed_at < RELAY_FROM_REQUESTS_SECONDS:
        return {}
    _relayed_at = now
    return outbox_relay_pass()
