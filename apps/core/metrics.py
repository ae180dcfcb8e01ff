"""Application metrics for Prometheus, exposed at ``/metrics`` (``apps.reports.views.metrics``).

Any module increments these without importing anything above ``core``::

    from apps.core.metrics import CHAT_MESSAGES, LIVE_VIEWERS, ORDERS_PLACED

    CHAT_MESSAGES.inc()                      # a chat message was accepted (live)
    LIVE_VIEWERS.labels(broadcast="17").inc() # a viewer joined; .dec() when they leave (live)
    ORDERS_PLACED.labels(channel="live").inc()  # an order was placed, after commit (orders)

Counters are per process; Prometheus scrapes every web replica and sums them (``rate(...[1m])`` gives
messages per second and ``increase(...[1m])`` orders per minute). Request latency and cache hits come from
django-prometheus; database query counts and durations from ``query_observe``, installed on every
connection by ``install_database_metrics``.
"""

import time
from collections.abc import Iterable

from django.conf import settings
from django.db.backends.signals import connection_created
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

LIVE_VIEWERS = Gauge("trimarket_live_viewers", "Viewers connected to a live broadcast's room", ["broadcast"])
CHAT_MESSAGES = Counter("trimarket_chat_messages", "Chat messages accepted in live rooms")
ORDERS_PLACED = Counter("trimarket_orders_placed", "Orders placed", ["channel"])
JOB_RUNS = Counter("trimarket_job_runs", "Scheduled job runs by outcome", ["job", "status"])

DB_QUERIES = Counter("trimarket_db_queries", "Database queries executed", ["vendor", "kind"])
DB_QUERY_SECONDS = Histogram(
    "trimarket_db_query_seconds",
    "Database query duration",
    ["vendor"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DB_QUERY_ERRORS = Counter("trimarket_db_query_errors", "Database queries that raised", ["vendor"])

# Celery's Redis transport keeps each queue as a list named after it.
CELERY_QUEUES = ("celery",)


def _statement_kind(sql: str) -> str:
    word = sql.lstrip().split(None, 1)[0].lower() if sql.strip() else ""
    return word if word in {"select", "insert", "update", "delete"} else "other"


def query_observe(execute, sql, params, many, context):
    """A ``connection.execute_wrappers`` entry: count and time every query."""
    vendor = context["connection"].vendor
    DB_QUERIES.labels(vendor=vendor, kind=_statement_kind(sql)).inc()
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception:
        DB_QUERY_ERRORS.labels(vendor=vendor).inc()
        raise
    finally:
        DB_QUERY_SECONDS.labels(vendor=vendor).observe(time.perf_counter() - started)


def _connection_observe(sender, connection, **kwargs) -> None:
    if query_observe not in connection.execute_wrappers:
        connection.execute_wrappers.append(query_observe)


class CeleryQueueCollector(Collector):
    """``trimarket_celery_queue_length``: tasks waiting in each broker queue, read from Redis at scrape time."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "trimarket_celery_queue_length", "Tasks waiting in the Celery broker queue", labels=["queue"]
        )
        broker = getattr(settings, "CELERY_BROKER_URL", "")
        if broker.startswith(("redis://", "rediss://")):
            import redis

            client = redis.Redis.from_url(broker, socket_connect_timeout=1, socket_timeout=1)
            try:
                for queue in CELERY_QUEUES:
                    family.add_metric([queue], client.llen(queue))
            except redis.RedisError:
                pass  # an unreachable broker leaves the gauge out; /healthz reports it
            finally:
                client.close()
        yield family


_installed = False


def install_database_metrics() -> None:
    """Observe every database connection from now on and register the Celery queue collector (once)."""
    global _installed
    if _installed:
        return
    connection_created.connect(_connection_observe, dispatch_uid="trimarket-metrics")
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _connection_observe(sender=None, connection=connection)
    REGISTRY.register(CeleryQueueCollector())
    _installed = True
