"""Domain events: the monolith's answer to the seed's Kafka topics, kept in a transactional outbox.

A module publishes a named event (``account.withdrawn``, ``order.paid``) inside the transaction that made
the change. ``publish`` writes one ``EventDelivery`` row per subscriber in that same transaction, so the event
exists exactly when the change does (a rollback leaves no row). Once it commits each row is handed to the
workers; a subscriber that fails is retried a few times at once, and the relay (``core`` task
``outbox_relay``, every 30 s) sends again every row whose subscriber has not yet run without an error, with
capped exponential backoff, until it has (``apps.core.outbox``). A failing subscriber never blocks the
publisher or the others, and a broker down at the commit only delays the event.

Subscribers live in each module's ``events.py`` (imported at start-up by ``CoreConfig.ready``)::

    @subscribe("account.withdrawn")
    def cart_empty_on_withdrawal(*, event: str, payload: dict) -> None: ...

Handlers must be idempotent: a delivery whose success was not recorded yet (a worker killed after the
handler, a message sent twice) runs them again. Payloads are JSON (ids, not model instances), because they
are stored and travel through the broker.
"""

import uuid
from collections.abc import Callable

from django.db import transaction

from apps.core import outbox
from apps.core.tasks import deliveries_send

Handler = Callable[..., None]


def subscribe(
    event: str, *, alert_after_minutes: Callable[[], int] | None = None, alert_label: str = ""
) -> Callable[[Handler], Handler]:
    """Register the decorated function as a handler of ``event``.

    With ``alert_after_minutes`` (called at each relay pass, so it may read runtime settings) staff get one
    mail about each delivery to this handler still not done that many minutes after its publication.
    """

    def register(handler: Handler) -> Handler:
        path = f"{handler.__module__}.{handler.__qualname__}"
        alert = None
        if alert_after_minutes is not None:
            alert = outbox.OverdueAlert(minutes=alert_after_minutes, label=alert_label or path)
        outbox.subscriber_add(event=event, path=path, alert=alert)
        return handler

    return register


def subscribers_of(event: str) -> list[str]:
    return outbox.subscribers_of(event)


def publish(event: str, payload: dict) -> None:
    """Record ``event`` for each subscriber in the current transaction; hand it to the workers on commit.

    Without a transaction the rows are written (and sent) at once. An event nobody subscribes to writes
    nothing.
    """
    ids = outbox.deliveries_create(event=event, payload=payload, publication=uuid.uuid4())
    if ids:
        transaction.on_commit(lambda: deliveries_send(ids), robust=True)
