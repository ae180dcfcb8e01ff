"""Domain events: the monolith's answer to the seed's Kafka topics.

A module publishes a named event (``account.withdrawn``, ``order.paid``) inside the transaction that made
the change. Nothing is sent unless that transaction commits; then every subscriber is handled in its own
Celery task, retried with backoff, so a failing subscriber never blocks the publisher or the others.

Subscribers live in each module's ``events.py`` (imported at start-up by ``CoreConfig.ready``)::

    @subscribe("account.withdrawn")
    def cart_empty_on_withdrawal(*, event: str, payload: dict) -> None: ...

Handlers must be idempotent: a retried or redelivered task runs them again. Payloads are JSON (ids, not
model instances), because they travel through the broker.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

Handler = Callable[..., None]

_subscribers: dict[str, list[str]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as a handler of ``event``."""

    def register(handler: Handler) -> Handler:
        path = f"{handler.__module__}.{handler.__qualname__}"
        if path not in _subscribers[event]:
            _subscribers[event].append(path)
        return handler

    return register


def subscribers_of(event: str) -> list[str]:
    return list(_subscribers.get(event, []))


def publish(event: str, payload: dict) -> None:
    """Announce ``event`` once the current transaction commits (at once when there is none)."""
    from apps.core.tasks import event_handle

    def send() -> None:
        for handler in subscribers_of(event):
            event_handle.delay(handler=handler, event=event, payload=payload)

    transaction.on_commit(send, robust=True)
