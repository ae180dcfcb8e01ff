"""Django's HTTP handler for the ASGI servers, with the middleware chain run synchronously.

Every view and middleware of this project is synchronous. Under ASGI, Django builds the middleware chain
in async mode and hops between the event loop and a worker thread around almost every middleware
(``MiddlewareMixin`` calls each hook through ``sync_to_async``, and a sync-only middleware such as
WhiteNoise flips the chain below it back with ``async_to_sync``): some twenty thread switches per request,
which cost more than rendering a cached page. This handler builds the chain in sync mode and runs the
whole of it in one worker thread per request, so a request pays one switch. WebSockets are untouched:
Channels' consumers are routed beside it in ``trimarket/asgi.py``.
"""

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        # Thread-sensitive: inside the ThreadSensitiveContext that ASGIHandler opens per request, so each
        # request has its own thread and the ORM's per-thread connection stays with it.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_sync_chain_asgi_application() -> SyncChainASGIHandler:
    """The replacement for ``django.core.asgi.get_asgi_application``."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
