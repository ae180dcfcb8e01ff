"""Reads from the read replica where a moment's lag cannot hurt; everything else on the primary.

With ``DATABASE_REPLICA_URL`` set there is a second database alias, ``replica``. A read goes there only when
all of these hold, and to ``default`` (the primary) otherwise:

- it is a catalog model (``REPLICA_APPS``) read by a safe HTTP request (a page), or the code runs inside
  ``replica_reads()`` (the reports' read-only selectors: figures of days that are over);
- the request is not pinned to the primary: an unsafe request (a write) is, and so is the same browser for
  ``DATABASE_REPLICA_PIN_SECONDS`` after it (``PrimaryPinMiddleware``), so the order page right after paying
  and my page after an edit show the write;
- no transaction is open on the primary: reads inside ``transaction.atomic`` decide what gets written
  (except inside ``replica_reads()``, whose caller vouches that seconds of lag cannot change the result);
- the replica is reachable and at most ``DATABASE_REPLICA_MAX_LAG`` seconds behind (``replica_usable``,
  measured at most once a second per process).

Celery tasks, WebSocket frames and commands read catalog rows from the primary: they mostly run right after
the commit that made them (an outbox event, a stock change), which a replica may not have yet.
Every write goes to the primary; the replica's user cannot write (docker/dev/replica.sh makes it read-only).
The router never raises: a replica it cannot reach is simply not used.
"""

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
# Models whose reads may lag by seconds: the catalog's pages (list, detail, search, reviews).
REPLICA_APPS = frozenset({"catalog"})
PIN_COOKIE = "tm_primary"

_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("tm_db_pinned", default=False)
_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("tm_db_replica_reads", default=False)
_page_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("tm_db_page_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.DATABASE_REPLICA_READS


@contextlib.contextmanager
def pinned_to_primary():
    """Every read inside goes to the primary (a service reading back what it has just written)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


@contextlib.contextmanager
def page_reads():
    """A safe HTTP request not pinned to the primary: its catalog reads may come from the replica."""
    token = _page_reads.set(True)
    try:
        yield
    finally:
        _page_reads.reset(token)


class replica_reads(contextlib.ContextDecorator):
    """Reads of any model inside may come from the replica: only for reads that tolerate seconds of lag."""

    def __enter__(self):
        self._token = _replica_reads.set(True)
        return self

    def __exit__(self, *exc):
        _replica_reads.reset(self._token)
        return False


# --- How far behind the replica is ------------------------------------------------------------------------
_lag_lock = threading.Lock()
_lag_state = {"checked_at": float("-inf"), "usable": False, "lag": None}
# A replica found healthy is trusted for a second; one found down or behind is asked again after a few
# seconds, so a dead replica costs one connection attempt per process now and then, not one per request.
HEALTHY_RECHECK = 1.0
UNHEALTHY_RECHECK = 3.0


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary, or None: unreachable, or not replicating (stopped, broken)."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW SLAVE STATUS")
            row = cursor.fetchone()
            columns = [col[0] for col in cursor.description or ()]
    except Exception as error:
        log.warning("replica unreachable: %s", error)
        with contextlib.suppress(Exception):
            connection.close()
        return None
    if row is None:
        return None
    status = dict(zip(columns, row, strict=False))
    if status.get("Slave_SQL_Running") != "Yes":
        return None
    lag = status.get("Seconds_Behind_Master")
    return None if lag is None else float(lag)


def replica_usable() -> bool:
    now = time.monotonic()
    with _lag_lock:
        recheck = HEALTHY_RECHECK if _lag_state["usable"] else UNHEALTHY_RECHECK
        if now - _lag_state["checked_at"] < recheck:
            return _lag_state["usable"]
        # Claimed before measuring, so concurrent requests do not all measure at once.
        _lag_state["checked_at"] = now
    lag = replica_lag()
    usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG
    with _lag_lock:
        _lag_state.update(checked_at=time.monotonic(), usable=usable, lag=lag)
    return usable


def replica_lag_forget() -> None:
    """Measure again on the next read (tests; after a drill restarts the replica)."""
    with _lag_lock:
        _lag_state.update(checked_at=float("-inf"), usable=False, lag=None)


# --- The router -----------------------------------------------------------------------------------------
class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured() or _pinned.get():
            return PRIMARY
        # replica_reads() vouches for its reads even inside a transaction: a report job's figures of a day that
        # is over, which the job then writes to the primary.
        # replica_reads() vouches for its reads even inside a transaction: a report job's figures of a day that
        # is over, which the job then writes to the primary.
        if not _replica_reads.get() and (
            not _page_reads.get()
            or model._meta.app_label not in REPLICA_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA if replica_usable() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica may point at one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryPinMiddleware:
    """An unsafe request, and the same browser for a few seconds after it, reads from the primary.

    A cookie, not the session: pinning must hold before the session is loaded and for anonymous carts too.
    Its value is only a deadline; a forged one merely sends that browser's reads to the primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if unsafe or self._cookie_pins(request):
            with pinned_to_primary():
                response = self.get_response(request)
        else:
            with page_reads():
                response = self.get_response(request)
        if unsafe:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    @staticmethod
    def _cookie_pins(request: HttpRequest) -> bool:
        try:
            return int(request.COOKIES.get(PIN_COOKIE, "0")) >= time.time()
        except ValueError:
            return False
