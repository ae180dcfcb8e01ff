"""Fault drill: the Celery worker is killed (SIGKILL) in the middle of a task.

A real ``celery worker`` runs against the test Redis (a private queue) and the test database. The task is
``core.event_handle`` (``acks_late``, ``task_reject_on_worker_lost``) running an idempotent subscriber. The
first worker is killed while the subscriber runs; a second worker gets the unacknowledged message back after
the broker's visibility timeout and runs it again: the effect exists exactly once, and it ran twice.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from apps.catalog.models import Wishlist
from apps.catalog.tests.factories import ProductFactory, UserFactory
from apps.core.tasks import event_handle
from apps.core.tests import drill_handlers
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

    def start(name: str) -> subprocess.Popen:
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
            env=env,
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
    handler = f"{drill_handlers.__name__}.slow_wish"
    first = worker_factory("first")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        event_handle.apply_async(
            kwargs={"handler": handler, "event": "drill.wish", "payload": payload}, queue=worker_factory.queue
        )
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
