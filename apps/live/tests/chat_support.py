"""Helpers of the chat tests: a STOMP client over Channels' WebsocketCommunicator, and live broadcasts."""

import asyncio
import json

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from apps.live.models import Broadcast
from apps.realtime import stomp
from trimarket.routing import websocket_urlpatterns

application = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


def make_live(broadcast: Broadcast) -> Broadcast:
    """Put a broadcast on air without a media server (the publish callback's effect)."""
    Broadcast.objects.filter(pk=broadcast.pk).update(status=Broadcast.Status.LIVE, started_at=timezone.now())
    broadcast.refresh_from_db()
    return broadcast


class StompTestClient:
    """Speaks STOMP frames to the consumer through a WebsocketCommunicator; keeps every frame it got."""

    def __init__(self, broadcast_id: int) -> None:
        self.broadcast_id = broadcast_id
        self.communicator = WebsocketCommunicator(
            application, f"/ws/live/{broadcast_id}/", subprotocols=["v12.stomp", "v11.stomp"]
        )
        self.parser = stomp.Parser()
        self.frames: list[stomp.Frame] = []
        self.websocket_messages: list[
            str
        ] = []  # as they came, before parsing (a message may hold several frames)
        self.closed = False

    async def connect(self, *, token: str = "", heart_beat: str = "0,0") -> stomp.Frame:
        connected, subprotocol = await self.communicator.connect()
        assert connected
        assert subprotocol == "v12.stomp"
        headers = {"accept-version": "1.2,1.1,1.0", "heart-beat": heart_beat, "host": "trimarket"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        await self.send_frame(stomp.Frame("CONNECT", headers))
        return await self.expect(lambda f: f.command in ("CONNECTED", "ERROR"))

    async def send_frame(self, frame: stomp.Frame) -> None:
        await self.communicator.send_to(text_data=stomp.serialize(frame))

    async def subscribe(self, topic: str, sub_id: str = "") -> None:
        destination = f"/topic/live.{self.broadcast_id}.{topic}"
        await self.send_frame(
            stomp.Frame("SUBSCRIBE", {"id": sub_id or f"sub-{topic}", "destination": destination})
        )

    async def say(self, text: str, *, receipt: str = "") -> None:
        headers = {"destination": f"/app/live.{self.broadcast_id}.chat", "content-type": "text/plain"}
        if receipt:
            headers["receipt"] = receipt
        await self.send_frame(stomp.Frame("SEND", headers, text))

    async def moderate(self, **data) -> None:
        headers = {
            "destination": f"/app/live.{self.broadcast_id}.moderate",
            "content-type": "application/json",
        }
        await self.send_frame(stomp.Frame("SEND", headers, json.dumps(data)))

    async def _pump(self, timeout: float) -> bool:
        # Not receive_output: on a timeout it cancels the application.
        if self.communicator.future.done():
            self.communicator.future.result()
        try:
            output = await asyncio.wait_for(self.communicator.output_queue.get(), timeout)
        except TimeoutError:
            return False
        if output["type"] == "websocket.close":
            self.closed = True
            return False
        self.websocket_messages.append(output.get("text") or "")
        for frame in self.parser.feed(output.get("text") or output.get("bytes")):
            if frame is not stomp.HEARTBEAT:
                self.frames.append(frame)
        return True

    async def expect(self, predicate, *, timeout: float = 5.0) -> stomp.Frame:
        """The first frame (already received or arriving within ``timeout``) that matches."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = 0
        while True:
            for frame in self.frames[seen:]:
                if predicate(frame):
                    self.frames.remove(frame)
                    return frame
            seen = len(self.frames)
            left = deadline - loop.time()
            if left <= 0 or self.closed:
                raise AssertionError(
                    f"no matching frame; got {[(f.command, f.body[:80]) for f in self.frames]}"
                )
            await self._pump(min(left, 0.5))

    async def expect_json(self, kind: str, *, timeout: float = 5.0) -> dict:
        frame = await self.expect(
            lambda f: f.command == "MESSAGE" and json.loads(f.body).get("type") == kind, timeout=timeout
        )
        return json.loads(frame.body)

    async def nothing_more(self, predicate, *, wait: float = 0.5) -> bool:
        while await self._pump(wait):
            pass
        return not any(predicate(frame) for frame in self.frames)

    async def close(self) -> None:
        await self.communicator.disconnect()


class RoomListener:
    """A room's bus channel heard as a process holding its viewers hears it (Redis pub/sub)."""

    def __init__(self, broadcast_id: int) -> None:
        import redis
        from django.conf import settings

        from apps.live.room import publish

        self.client = redis.Redis.from_url(settings.REDIS_URL)
        self.pubsub = self.client.pubsub()
        self.pubsub.subscribe(publish.room_channel(broadcast_id))
        # Wait for Redis to confirm the subscription: an event published before it would never be heard.
        confirmation = self.pubsub.get_message(timeout=5)
        assert confirmation is not None, "Redis did not confirm the subscription"
        assert confirmation["type"] == "subscribe", confirmation
        self.pubsub.ignore_subscribe_messages = True

    def events(self, *, wait: float = 0.3) -> list[dict]:
        """Every event published since the last call (waiting ``wait`` seconds for stragglers)."""
        received = []
        while True:
            # None also for the subscription's own confirmation (ignored): read on until ``wait`` is quiet.
            message = self.pubsub.get_message(timeout=wait)
            if message is None and not self.pubsub.connection.can_read(timeout=0):
                return received
            if message is not None:
                received.append(json.loads(message["data"]))

    def private(self, *, wait: float = 0.3) -> list[tuple[str, dict]]:
        """(to, payload) of the private events published since the last call."""
        return [
            (event["to"], json.loads(event["body"])) for event in self.events(wait=wait) if event.get("to")
        ]

    def close(self) -> None:
        self.pubsub.close()
        self.client.close()
