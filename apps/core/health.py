"""Liveness of the parts the site stands on: database, cache, channel layer and Celery broker.

Each check returns a dict with ``ok`` and what a person on call needs (backend, milliseconds, error).
"""

import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection

CHECK_TIMEOUT_SECONDS = 2


def _timed(check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # a health check reports every failure instead of raising it
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"backend": connection.vendor}


def _cache() -> dict:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _channel_layer() -> dict:
    layer = get_channel_layer()

    async def round_trip() -> None:
        import asyncio

        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=CHECK_TIMEOUT_SECONDS)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("unexpected message on the channel layer")

    async_to_sync(round_trip)()
    return {"backend": type(layer).__name__}


def _celery_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL.startswith("memory://"):
        return {"backend": "in-process"}
    from trimarket.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
        return {"backend": conn.transport_cls}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "celery_broker": _celery_broker,
}


def health_report() -> dict:
    """Run every check; ``down`` names the parts that failed."""
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    down = [name for name, result in checks.items() if not result["ok"]]
    return {
        "status": "down" if down else "ok",
        "down": down,
        "version": settings.TRIMARKET_VERSION,
        "checks": checks,
    }
