"""WebSocket routes of every module, gathered in one list for asgi.py."""

from apps.live.routing import websocket_urlpatterns as live_websocket_urlpatterns

websocket_urlpatterns: list = [*live_websocket_urlpatterns]
