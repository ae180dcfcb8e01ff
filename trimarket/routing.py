"""WebSocket routes of every module, gathered in one list for asgi.py."""

websocket_urlpatterns: list = []
