"""WebSocket routes of the live module (gathered by trimarket/routing.py)."""

from django.urls import path

from apps.live.room.consumer import LiveRoomConsumer

websocket_urlpatterns = [
    path("ws/live/<int:broadcast_id>/", LiveRoomConsumer.as_asgi()),
]
