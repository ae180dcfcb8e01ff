"""ASGI entry point: HTTP goes to Django, WebSocket to the Channels routes the modules declare."""

import os

from apps.core import gc_schedule
from apps.core.asgi import get_sync_chain_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trimarket.settings.dev")

# Django must be set up before the routing modules import models.
django_asgi_app = get_sync_chain_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.realtime.origin import BrowserOriginOrNativeClient  # noqa: E402
from trimarket.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": BrowserOriginOrNativeClient(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


# What is loaded by now lives as long as the process: frozen, no collection walks it again; from here on the
# collector runs on a clock (why: apps.core.gc_schedule).
gc_schedule.start()
