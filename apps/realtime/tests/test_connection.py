"""The STOMP connection with a minimal room of its own (an echo room on the in-process bus): no domain, no
database; Channels' WebsocketCommunicator stands in for the server."""

import asyncio

from channels.testing import WebsocketCommunicator

from apps.realtime import bus, connection, rooms, stomp
from apps.realtime.presence import LocalPresence

ECHO_BUS = bus.LocalBus()
ECHO_ROOM = rooms.RoomSpec(
    name="echo",
    topics=("echo",),
    destination=lambda room_id, topic: f"/topic/echo.{room_id}",
    channel=lambda room_id: f"echo:{room_id}",
    bus=lambda: ECHO_BUS,
    presence=LocalPresence,
)


class EchoConnection(connection.StompConnection):
    """Room 1 only; a SEND to /app/echo is published to every subscriber, except a body "no" (refused)."""

    spec = ECHO_ROOM

    async def room_open(self) -> int | None:
        return 1 if self.scope["path"] == "/echo/1/" else None

    async def on_connect(self, frame: stomp.Frame) -> dict[str, str] | None:
        if frame.get("passcode") == "bad":
            await self.fatal("invalid token", "no")
            return None
        return {"user-name": "echo"}

    def topic_of(self, destination: str) -> str | None:
        return "echo" if destination == "/topic/echo.1" else None

    async def on_subscribe(self, sub_id: str, topic: str) -> None:
        self.message(sub_id, topic, {"type": "welcome"}, "welcome-1")

    async def on_send(self, frame: stomp.Frame) -> None:
        if frame.get("destination") != "/app/echo":
            await self.fatal("unknown destination", frame.get("destination"))
        elif frame.body == "no":
            self.refuse(frame, "refused", "아니요")
        else:
            body = rooms.message_body({"type": "echo", "text": frame.body})
            ECHO_BUS.publish("echo:1", {"topic": "echo", "body": body, "message_id": frame.body})


class Client:
    def __init__(self, path: str = "/echo/1/") -> None:
        self.communicator = WebsocketCommunicator(EchoConnection.as_asgi(), path, subprotocols=["v12.stomp"])
        self.parser = stomp.Parser()

    async def open(self, **headers: str) -> stomp.Frame:
        connected, subprotocol = await self.communicator.connect()
        assert (connected, subprotocol) == (True, "v12.stomp")
        await self.send("CONNECT", {"accept-version": "1.2", "heart-beat": "0,0", **headers})
        return await self.frame()

    async def send(self, command: str, headers: dict, body: str = "") -> None:
        await self.communicator.send_to(text_data=stomp.serialize(stomp.Frame(command, headers, body)))

    async def frame(self) -> stomp.Frame | dict:
        """The next frame, or the close event."""
        while True:
            output = await asyncio.wait_for(self.communicator.output_queue.get(), 3)
            if output["type"] == "websocket.close":
                return output
            frames = [f for f in self.parser.feed(output["text"]) if f is not stomp.HEARTBEAT]
            if frames:
                [frame] = frames
                return frame


def test_connect_subscribe_send_receipt_and_a_refused_send_keeps_the_connection():
    """CONNECTED carries the hook's headers; SUBSCRIBE's first message and RECEIPT; a SEND reaches the
    subscriber through the bus; a refused SEND is ERROR with the receipt-id, and the connection reads on."""

    async def scenario():
        client = Client()
        connected = await client.open()
        assert connected.command == "CONNECTED"
        assert connected.headers["version"] == "1.2"
        assert connected.headers["user-name"] == "echo"
        await client.send("SUBSCRIBE", {"id": "s", "destination": "/topic/echo.1", "receipt": "r1"})
        welcome = await client.frame()
        assert (welcome.command, welcome.headers["subscription"]) == ("MESSAGE", "s")
        assert (await client.frame()).headers["receipt-id"] == "r1"
        await client.send("SEND", {"destination": "/app/echo", "receipt": "r2"}, "no")
        error = await client.frame()
        assert (error.command, error.headers["message"], error.headers["receipt-id"]) == (
            "ERROR",
            "refused",
            "r2",
        )
        await client.send("SEND", {"destination": "/app/echo"}, "hello")
        echo = await client.frame()
        assert (echo.command, echo.headers["message-id"], echo.headers["subscription"]) == (
            "MESSAGE",
            "hello",
            "s",
        )
        await client.send("DISCONNECT", {"receipt": "bye"})
        assert (await client.frame()).headers["receipt-id"] == "bye"
        assert await client.frame() == {"type": "websocket.close", "code": 1000}

    rooms.rooms_reset()
    asyncio.run(scenario())


def test_protocol_errors_close_and_an_unknown_room_is_refused():
    """An unknown room closes with 4404; a refused CONNECT, a frame before CONNECT and an unknown destination
    are ERROR frames followed by the close."""

    async def scenario():
        nowhere = WebsocketCommunicator(EchoConnection.as_asgi(), "/echo/2/")
        connected, code = await nowhere.connect()
        assert (connected, code) == (False, connection.CLOSE_NOT_FOUND)

        refused = Client()
        error = await refused.open(passcode="bad")
        assert (error.command, error.headers["message"]) == ("ERROR", "invalid token")
        assert (await refused.frame())["type"] == "websocket.close"

        early = Client()
        await early.communicator.connect()
        await early.send("SUBSCRIBE", {"id": "s", "destination": "/topic/echo.1"})
        assert (await early.frame()).headers["message"] == "not connected"

        lost = Client()
        await lost.open()
        await lost.send("SUBSCRIBE", {"id": "s", "destination": "/topic/echo.9"})
        assert (await lost.frame()).headers["message"] == "unknown destination"
        assert (await lost.frame())["type"] == "websocket.close"

    rooms.rooms_reset()
    asyncio.run(scenario())


def test_server_heartbeats_follow_the_negotiated_schedule(monkeypatch):
    """The server sends EOL heart-beats every negotiated interval, from the room's pulse."""
    monkeypatch.setattr(connection, "SERVER_HEARTBEAT_MS", (300, 300))
    monkeypatch.setattr(rooms, "PULSE_SECONDS", 0.1)

    async def scenario():
        client = Client()
        connected = await client.open(**{"heart-beat": "0,300"})
        assert connected.headers["heart-beat"] == "300,300"
        output = await asyncio.wait_for(client.communicator.output_queue.get(), 3)
        assert output["text"] == "\n"
        await client.communicator.disconnect()

    rooms.rooms_reset()
    asyncio.run(scenario())


class SlowHistoryConnection(EchoConnection):
    """A subscription whose first messages take a while to read; a message is published meanwhile."""

    async def on_subscribe(self, sub_id: str, topic: str) -> None:
        body = rooms.message_body({"type": "echo", "text": "live"})
        ECHO_BUS.publish("echo:1", {"topic": "echo", "body": body, "message_id": "live"})
        await asyncio.sleep(0.2)
        self.message(sub_id, topic, {"type": "history"}, "history")


def test_what_arrives_while_a_subscription_reads_its_history_comes_after_the_history():
    """A message published while a reconnecting page's history is read reaches it after that history: the
    page never holds a newer message than one it still lacks (it resumes from its newest)."""

    async def scenario() -> list[str]:
        client = Client()
        client.communicator = WebsocketCommunicator(
            SlowHistoryConnection.as_asgi(), "/echo/1/", subprotocols=["v12.stomp"]
        )
        await client.open()
        await client.send("SUBSCRIBE", {"id": "s", "destination": "/topic/echo.1"})
        order = [(await client.frame()).headers["message-id"], (await client.frame()).headers["message-id"]]
        await client.communicator.disconnect()
        return order

    rooms.rooms_reset()
    assert asyncio.run(scenario()) == ["history", "live"]
