"""Django's HTTP handler for the ASGI servers, with the middleware chain run synchronously.

Every view and middleware of this project is synchronous. Under ASGI, Django builds the middleware chain
in async mode and hops between the event loop and a worker thread around almost every middleware
(``MiddlewareMixin`` calls each hook through ``sync_to_async``, and a sync-only middleware such as
WhiteNoise flips the chain below it back with ``async_to_sync``): some twenty thread switches per request,
which cost more than rendering a cached page. This handler builds the chain in sync mode and runs the
whole of it in one hop, on a fixed pool of worker threads.

The pool, rather than Django's thread per request, is what lets database connections persist
(``CONN_MAX_AGE``): a connection belongs to a thread, and these threads live as long as the process.
Django's ``request_started``/``request_finished`` handlers check and recycle the connections of the thread
they run in, so they are sent from the worker thread that serves the request.
WebSockets are untouched: Channels' consumers are routed beside this handler in ``trimarket/asgi.py``.
"""

from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(
            max_workers=settings.HTTP_WORKER_THREADS, thread_name_prefix="http-worker"
        )

    async def __call__(self, scope, receive, send):
        # Not Django's ``ThreadSensitiveContext``: it starts a thread for each request (and joins it at the
        # end) to run the request signals and ``response.close``, which here run in the worker instead.
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self._in_worker(self._respond, scope, body_file)
            await self.send_response(response, send)
            if response.streaming:
                # Its content was produced while sending; its files close (and request_finished fires) now.
                await self._in_worker(response.close)
        finally:
            body_file.close()

    def _respond(self, scope, body_file):
        """The whole request in one worker thread: request_started (which checks this thread's database
        connections), the middleware chain and view, and, for a response already in memory, its close
        (request_finished: the connections are recycled here too). A client that disconnects meanwhile does
        not cancel a synchronous view in any case."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response = error_response if request is None else self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    async def _in_worker(self, function, *args):
        return await sync_to_async(function, thread_sensitive=False, executor=self.executor)(*args)


def get_sync_chain_asgi_application() -> SyncChainASGIHandler:
    """The replacement for ``django.core.asgi.get_asgi_application``."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
