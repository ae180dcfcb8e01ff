"""Django's HTTP handler for the ASGI servers, with the middleware chain run synchronously.

Every view and middleware of this project is synchronous. Under ASGI, Django builds the middleware chain
in async mode and hops between the event loop and a worker thread around almost every middleware
(``MiddlewareMixin`` calls each hook through ``sync_to_async``, and a sync-only middleware such as
WhiteNoise flips the chain below it back with ``async_to_sync``): some twenty thread switches per request,
which cost more than rendering a cached page. This handler builds the chain in sync mode and runs the
whole of it in one hop, on a fixed pool of worker threads.

The pool, rather than Django's thread per request, is what lets database connections persist
(``CONN_MAX_AGE``): a connection belongs to a thread, and these threads live as long as the process.
Connections are checked and recycled at each request's start and end in the worker thread itself, which
is what Django's ``request_started``/``request_finished`` handlers do in the thread they run in.
WebSockets are untouched: Channels' consumers are routed beside this handler in ``trimarket/asgi.py``.
"""

from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.db import close_old_connections


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(
            max_workers=settings.HTTP_WORKER_THREADS, thread_name_prefix="http-worker"
        )

    def _get_response_in_worker(self, request):
        close_old_connections()
        try:
            return self.get_response(request)
        finally:
            close_old_connections()

    async def get_response_async(self, request):
        return await sync_to_async(
            self._get_response_in_worker, thread_sensitive=False, executor=self.executor
        )(request)


def get_sync_chain_asgi_application() -> SyncChainASGIHandler:
    """The replacement for ``django.core.asgi.get_asgi_application``."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
