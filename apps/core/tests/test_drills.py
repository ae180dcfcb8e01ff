"""Fault drills of the domain events: a worker killed mid-task, and the broker down when an order commits.

A real ``celery worker`` runs against the test database. In the first drill (on the test Redis, a private
queue) the task is ``core.event_handle`` (``acks_late``, ``task_reject_on_worker_lost``) running an idempotent
subscriber of an outbox row. The first worker is killed while the subscriber runs; a second worker gets the
unacknowledged message back after the broker's visibility timeout and runs it again: the effect exists
exactly once, and it ran twice. In the second the broker is a private ``redis-server``, stopped when a
payment commits: the order is paid all the same, its events wait in the outbox, and once Redis is back the
relay sends them and the worker handles each.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from apps.catalog.models import Wishlist
from apps.catalog.tests.factories import ProductFactory, UserFactory
from apps.core.models import EventDelivery
from apps.core.tasks import event_handle, outbox_relay_pass
from apps.core.tests import drill_handlers
from apps.orders.models import Order
from apps.orders.tests.factories import order_make
from apps.payments import services as payment_services
from trimarket.celery import app

pytestmark = [
    pytest.mark.drill,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis broker"),
]

VISIBILITY_TIMEOUT = 3
CELERY = Path(sys.executable).parent / "celery"


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker_factory(tmp_path):
    """Start ``celery worker`` processes on a private queue against this test run's database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trimarket.settings.test",
        "DATABASE_URL": f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 3306}/{db['NAME']}",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    queue = f"drill-{uuid.uuid4().hex[:8]}"
    workers = []

    def start(name: str, *, queue: str = queue, redis_url: str = "") -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "trimarket",
                "worker",
                "-Q",
                queue,
                "--pool",
                "solo",
                "-n",
                f"{name}@{queue}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=settings.BASE_DIR,
            env={**env, "REDIS_URL": redis_url} if redis_url else env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append(process)
        return process

    start.queue = queue
    yield start
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_worker_killed_mid_task_runs_it_again_with_the_same_result(worker_factory):
    """kill -9 while the subscriber runs → another worker reruns it; one wishlist row, two runs."""
    user, product = UserFactory(), ProductFactory()
    payload = {"user_id": user.pk, "product_id": product.pk}
    delivery = EventDelivery.objects.create(
        event="drill.wish",
        handler=f"{drill_handlers.__name__}.slow_wish",
        payload=payload,
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    first = worker_factory("first")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        event_handle.apply_async(kwargs={"delivery_id": delivery.pk}, queue=worker_factory.queue)
    finally:
        app.conf.task_always_eager = eager
    key = drill_handlers.attempts_key(payload)
    _wait_for(lambda: cache.get(key) == 1, timeout=60, what="the first worker to start the task")

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert not Wishlist.objects.filter(user=user).exists()
    worker_factory("second")

    _wait_for(
        lambda: Wishlist.objects.filter(user=user, product=product).exists(),
        timeout=60,
        what="the second worker to run the task again",
    )
    time.sleep(VISIBILITY_TIMEOUT + 1)  # no third delivery either
    assert Wishlist.objects.filter(user=user, product=product).count() == 1
    assert cache.get(key) == 2
    delivery.refresh_from_db()
    assert delivery.state == EventDelivery.State.DONE


@contextlib.contextmanager
def _celery_on_broker(url: str):
    """This process sends tasks to ``url`` for real (not eagerly) for the duration."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


def test_broker_down_when_an_order_commits_its_events_are_handled_after_it_returns(
    worker_factory, private_redis, portone, pg_sandbox
):
    """Redis stopped as a payment commits → the order is paid, its events wait in the outbox; Redis back →
    the relay sends them and the worker handles each once."""
    order = order_make()
    payment_services.payment_start(order=order)
    paid = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    worker_factory("worker", queue="celery", redis_url=private_redis.url)

    with _celery_on_broker(private_redis.url):
        private_redis.kill()
        started = time.monotonic()
        verification = payment_services.payment_verify(
            merchant_uid=order.merchant_uid, imp_uid=paid["imp_uid"]
        )
        assert time.monotonic() - started < 10  # a refused send is given up at once, not once per event
        assert verification.paid
        assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
        rows = EventDelivery.objects.filter(event="order.paid", payload__order_id=order.pk)
        assert rows.exists()
        assert set(rows.values_list("state", flat=True)) == {EventDelivery.State.PENDING}

        assert outbox_relay_pass(now=timezone.now() + timedelta(minutes=1))["sent"] == 0  # still down
        private_redis.start()
        relayed = outbox_relay_pass(now=timezone.now() + timedelta(minutes=2))

    assert relayed["sent"] == rows.count()
    _wait_for(
        lambda: set(rows.values_list("state", flat=True)) == {EventDelivery.State.DONE},
        timeout=60,
        what="the worker to handle the relayed events",
    )
    assert all(row.failures == 0 for row in rows)
