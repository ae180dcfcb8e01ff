"""Domain-event handlers for the worker drills, imported by the drill's own Celery worker.

``slow_wish`` stands for any idempotent subscriber: on its first run it records that it started and hangs
(the drill kills the worker there); every run then applies the effect with ``get_or_create``.
``steady_wish`` is a job that takes a few seconds, counting its runs: the rollout drill stops the worker
(warm shutdown) while it runs, and it must run to its effect once.
"""

import time

from django.core.cache import cache

from apps.catalog.models import Wishlist

HANG_SECONDS = 60
STEADY_SECONDS = 4


def attempts_key(payload: dict) -> str:
    return f"drill:attempts:{payload['user_id']}:{payload['product_id']}"


def slow_wish(*, event: str, payload: dict) -> None:
    key = attempts_key(payload)
    cache.add(key, 0, timeout=600)
    if cache.incr(key) == 1:
        time.sleep(HANG_SECONDS)
    Wishlist.objects.get_or_create(user_id=payload["user_id"], product_id=payload["product_id"])


def runs_key(payload: dict) -> str:
    return f"drill:runs:{payload['user_id']}:{payload['product_id']}"


def steady_wish(*, event: str, payload: dict) -> None:
    key = runs_key(payload)
    cache.add(key, 0, timeout=600)
    cache.incr(key)
    time.sleep(STEADY_SECONDS)
    Wishlist.objects.get_or_create(user_id=payload["user_id"], product_id=payload["product_id"])
