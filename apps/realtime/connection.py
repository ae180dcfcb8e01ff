"""One client's STOMP 1.2 connection over WebSocket, as a Channels consumer that a domain subclasses.

The base speaks the protocol and owns the transport; the subclass says what the room, the client and the
destinations are, through five hooks: ``room_open`` (which room, or none: closed with ``CLOSE_NOT_FOUND``),
``on_connect`` (who the client is: extra CONNECTED headers, or a refusal), ``topic_of`` (a SUBSCRIBE
destination → one of the room's topics), ``on_subscribe`` (what a new subscriber gets first) and ``on_send``
(a SEND, which the subclass may ``refuse``).

Protocol kept here: CONNECT/STOMP → CONNECTED (version 1.2 only; heart-beats negotiated, the server sends its
own on schedule and closes a client silent for twice its interval); SUBSCRIBE / UNSUBSCRIBE; ACK and NACK
accepted with nothing to do; RECEIPT for any frame with ``receipt`` (not for a refused SEND, whose ERROR
carries the ``receipt-id``); DISCONNECT answered with its receipt, then closed. A protocol error (malformed frame,
unknown command or destination, a frame before CONNECT) is an ERROR frame and the connection is closed, as
STOMP says. A refused SEND is an ERROR frame whose ``message`` header names the reason, **and the connection
stays open**: a sender loses sending, never reading (stompjs and stomp.py both keep reading a connection the
server keeps).

Output is written at once from the room's fan-out, never through a task per frame. Under uvicorn
(websockets-sansio) ``deliver`` writes the room's encoded frame to the client's socket itself. Under any other
server it goes to the ASGI send (daphne's completes without suspending while the socket is writable); while a
send is suspended (a slow socket), frames queue here and go together in one WebSocket message when it
completes. A client left behind (``MAX_BUFFERED_BYTES`` unsent on its socket, or ``MAX_PENDING_FRAMES``
queued) is dropped with ``CLOSE_TOO_SLOW``; it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets

from channels.consumer import AsyncConsumer, StopConsumer
from channels.utils import await_many_dispatch

from apps.realtime import rooms, stomp
from apps.realtime.websocket import OPEN, direct_socket, unwrapped, websocket_text_frame

logger = logging.getLogger(__name__)

SUBPROTOCOL = "v12.stomp"
# What the server offers in CONNECTED: it sends and wants heart-beats every 10 s (at most).
SERVER_HEARTBEAT_MS = (10_000, 10_000)
# A client this many frames behind is dropped (it reconnects and gets what the room sends on subscribe again).
MAX_PENDING_FRAMES = 1000
# A client whose socket holds this much unsent data is too far behind (direct writes).
MAX_BUFFERED_BYTES = 1 << 20
CLOSE_TOO_SLOW = 4008
CLOSE_NO_HEARTBEAT = 4002
CLOSE_NOT_FOUND = 4404
# How long a closing connection waits for a send in flight before it closes anyway.
CLOSE_FLUSH_SECONDS = 2.0
TEXT_PLAIN = "text/plain;charset=utf-8"


class StompConnection(AsyncConsumer):
    """One client's STOMP connection to one room of ``spec``'s kind."""

    spec: rooms.RoomSpec
    # CONNECTED's ``server`` header.
    server_name = "realtime/1"

    async def __call__(self, scope, receive, send):
        """Unlike Channels' default, no channel-layer channel per client: the room holds one subscription per
        process."""
        self.scope = scope
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive], self.dispatch)

    async def dispatch(self, message):
        # Channels' dispatch closes stale DB connections before every frame (a thread hop each); the
        # subclass's database calls go through database_sync_to_async, which does that itself.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is not None:
            await handler(message)

    # ---- Hooks (the domain's subclass) ----------------------------------------------------------------------

    async def room_open(self) -> int | None:
        """The id of the room this connection is for, or None when there is none (closed at once)."""
        raise NotImplementedError

    async def on_connect(self, frame: stomp.Frame) -> dict[str, str] | None:
        """Who the client is (set ``presence_key``); extra CONNECTED headers, or None after ``fatal``."""
        return {}

    def topic_of(self, destination: str) -> str | None:
        raise NotImplementedError

    async def on_subscribe(self, sub_id: str, topic: str) -> None:
        """Send what a new subscriber of ``topic`` gets first (``message`` / ``messages``); its SUBSCRIBE frame,
        for headers such as where a reconnecting client left off, is ``self.subscribe_frame``."""

    async def on_send(self, frame: stomp.Frame) -> None:
        """A SEND: act on it, or ``refuse`` it (the connection stays open), or ``fatal`` (it closes)."""
        await self.fatal("unknown destination", f"cannot send to {frame.get('destination')!r}")

    # ---- WebSocket ------------------------------------------------------------------------------------------

    async def websocket_connect(self, message) -> None:
        room_id = await self.room_open()
        if room_id is None:
            await self.base_send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})
            return
        self.room_id = room_id
        self.parser = stomp.Parser()
        self.connected = False
        self.subscriptions: dict[str, str] = {}  # subscription id → topic
        # Replaced, never changed in place: the room uses these tuples as keys of the frames it built.
        self.by_topic: dict[str, tuple[str, ...]] = dict.fromkeys(self.spec.topics, ())
        self.send_every = self.expect_every = 0.0
        loop = asyncio.get_running_loop()
        self.last_read = self.last_write = loop.time()
        # Set by every write and folded into last_write by the next pulse: a clock read per frame costs more
        # than the heart-beat's one-second precision is worth.
        self.wrote = False
        self.pending: list[str] = []
        # While a SUBSCRIBE's first messages (a chat's history) are read, the room's frames wait here: the
        # client gets what came before, then what came after, and never resumes from past a message it lacks.
        self.held: list[tuple[str, bytes | None]] | None = None
        self.sending = False
        self.closing = False
        self.room: rooms.Room | None = None
        self.close_code = 1000
        self.refused = False
        session = self.scope.get("session")
        session_key = getattr(session, "session_key", None)
        self.presence_key = f"a:{session_key or secrets.token_hex(8)}"
        offered = self.scope.get("subprotocols") or []
        accept = {"type": "websocket.accept"}
        if SUBPROTOCOL in offered:
            accept["subprotocol"] = SUBPROTOCOL
        await self.base_send(accept)
        self.raw_send = unwrapped(self.base_send)
        socket = direct_socket(self.raw_send)
        self.transport = socket.transport if socket is not None else None
        self.conn = socket.conn if socket is not None else None

    async def websocket_receive(self, message) -> None:
        data = message.get("text") if message.get("text") is not None else message.get("bytes") or b""
        self.last_read = asyncio.get_running_loop().time()
        try:
            frames = self.parser.feed(data)
        except stomp.FrameError as exc:
            await self.fatal("malformed frame", str(exc))
            return
        for frame in frames:
            if frame is stomp.HEARTBEAT:
                continue
            await self._frame(frame)
            if self.closing:
                return

    async def websocket_disconnect(self, message) -> None:
        await self._leave()
        raise StopConsumer

    # ---- Frames ---------------------------------------------------------------------------------------------

    async def _frame(self, frame: stomp.Frame) -> None:
        if frame.command in ("CONNECT", "STOMP"):
            await self._connect(frame)
            return
        if not self.connected:
            await self.fatal("not connected", "CONNECT first")
            return
        handler = {
            "SUBSCRIBE": self._subscribe,
            "UNSUBSCRIBE": self._unsubscribe,
            "SEND": self.on_send,
            "DISCONNECT": self._disconnect,
            "ACK": self._noop,
            "NACK": self._noop,
        }.get(frame.command)
        if handler is None:
            await self.fatal("unsupported command", f"{frame.command} is not supported here")
            return
        self.refused = False
        await handler(frame)
        if frame.get("receipt") and frame.command != "DISCONNECT" and not self.closing and not self.refused:
            self.write(stomp.serialize(stomp.Frame("RECEIPT", {"receipt-id": frame.get("receipt")})))

    async def _connect(self, frame: stomp.Frame) -> None:
        if self.connected:
            await self.fatal("already connected", "CONNECT was sent twice")
            return
        versions = [v.strip() for v in frame.get("accept-version", "1.0").split(",")]
        if "1.2" not in versions:
            await self.fatal("unsupported version", "this server speaks STOMP 1.2")
            return
        try:
            client_heartbeat = stomp.heartbeat_parse(frame.get("heart-beat"))
        except stomp.FrameError as exc:
            await self.fatal("bad heart-beat", str(exc))
            return
        extra = await self.on_connect(frame)
        if extra is None or self.closing:
            return
        send_ms, expect_ms = stomp.heartbeat_negotiate(client=client_heartbeat, server=SERVER_HEARTBEAT_MS)
        self.send_every, self.expect_every = send_ms / 1000, expect_ms / 1000
        self.connected = True
        headers = {
            "version": "1.2",
            "heart-beat": f"{SERVER_HEARTBEAT_MS[0]},{SERVER_HEARTBEAT_MS[1]}",
            "server": self.server_name,
            "session": secrets.token_hex(8),
            **extra,
        }
        self.write(stomp.serialize(stomp.Frame("CONNECTED", headers)))
        self.room = await rooms.room_join(self.spec, self.room_id, self)

    async def _subscribe(self, frame: stomp.Frame) -> None:
        sub_id, destination = frame.get("id"), frame.get("destination")
        topic = self.topic_of(destination)
        if not sub_id or topic is None:
            await self.fatal("unknown destination", f"cannot subscribe to {destination!r}")
            return
        if sub_id in self.subscriptions:
            await self.fatal("duplicate subscription", f"subscription id {sub_id!r} is in use")
            return
        self.subscriptions[sub_id] = topic
        self.by_topic[topic] = (*self.by_topic[topic], sub_id)
        self.subscribe_frame = frame
        self.held = []
        try:
            await self.on_subscribe(sub_id, topic)
        finally:
            held, self.held = self.held, None
            for text, wire in held:
                self.deliver(text, wire)

    async def _unsubscribe(self, frame: stomp.Frame) -> None:
        topic = self.subscriptions.pop(frame.get("id"), None)
        if topic is not None:
            self.by_topic[topic] = tuple(sub for sub in self.by_topic[topic] if sub != frame.get("id"))

    async def _noop(self, frame: stomp.Frame) -> None:
        return None

    async def _disconnect(self, frame: stomp.Frame) -> None:
        if frame.get("receipt"):
            self.write(stomp.serialize(stomp.Frame("RECEIPT", {"receipt-id": frame.get("receipt")})))
        await self._close()

    # ---- Output ---------------------------------------------------------------------------------------------

    def deliver(self, text: str, wire: bytes | None = None) -> None:
        """Write a frame to this client now, or queue it behind a write in flight. The room calls this for
        every client of every message, so the direct path (uvicorn: the encoded frame straight to the socket) is
        written out here rather than through helpers."""
        if self.closing:
            return
        if self.held is not None:
            if len(self.held) >= MAX_PENDING_FRAMES:
                self._drop(CLOSE_TOO_SLOW)
                return
            self.held.append((text, wire))
            return
        transport = self.transport
        if transport is not None:
            if transport.is_closing() or self.conn.state is not OPEN:
                return
            if transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
                logger.info(
                    "room %s: dropping a viewer whose socket is %d bytes behind",
                    self.room_id,
                    transport.get_write_buffer_size(),
                )
                self._drop(CLOSE_TOO_SLOW)
                return
            self.wrote = True
            transport.write(wire if wire is not None else websocket_text_frame(text))
            return
        if self.sending:
            if len(self.pending) >= MAX_PENDING_FRAMES:
                logger.info("room %s: dropping a viewer %d frames behind", self.room_id, len(self.pending))
                self._drop(CLOSE_TOO_SLOW)
                return
            self.pending.append(text)
            return
        self._send_now(text)

    def write(self, text: str) -> None:
        """This connection's own frame (CONNECTED, a subscription's first messages, a RECEIPT): never held."""
        held, self.held = self.held, None
        try:
            self.deliver(text)
        finally:
            self.held = held

    def message(self, sub_id: str, topic: str, payload: dict, message_id: str) -> None:
        """One MESSAGE to one of this client's subscriptions."""
        self.messages(sub_id, topic, [(payload, message_id)])

    def messages(self, sub_id: str, topic: str, items: list[tuple[dict, str]]) -> None:
        """MESSAGE frames (payload, message id) to one subscription, as one WebSocket message."""
        destination = self.spec.destination(self.room_id, topic)
        frames = []
        for payload, message_id in items:
            head, tail = stomp.message_parts(
                destination=destination,
                message_id=message_id,
                body=rooms.message_body(payload),
                content_type=rooms.CONTENT_TYPE,
            )
            frames.append(head + stomp.escape(sub_id) + tail)
        if frames:
            self.write("".join(frames))

    def refuse(self, frame: stomp.Frame, code: str, text: str) -> None:
        """An ERROR frame for one refused SEND; the connection stays open (see the module's docstring)."""
        self.refused = True
        headers = {"message": code, "content-type": TEXT_PLAIN}
        if frame.get("receipt"):
            headers["receipt-id"] = frame.get("receipt")
        self.write(stomp.serialize(stomp.Frame("ERROR", headers, text)))

    async def fatal(self, summary: str, detail: str) -> None:
        """A protocol error: ERROR frame, then close (STOMP 1.2)."""
        frame = stomp.Frame("ERROR", {"message": summary, "content-type": TEXT_PLAIN}, detail)
        with contextlib.suppress(Exception):
            await self.base_send({"type": "websocket.send", "text": stomp.serialize(frame)})
        await self._close()

    def _flush(self) -> None:
        if self.pending and not self.sending and not self.closing:
            text = "".join(self.pending)
            self.pending.clear()
            self._send_now(text)

    def _send_now(self, text: str) -> None:
        self.sending = True
        self.wrote = True
        self._drive(self.raw_send({"type": "websocket.send", "text": text}))

    def _drive(self, coroutine) -> None:
        """Run the send coroutine without a task: usually it finishes at once; if it waits (the socket is
        not writable), resume it when what it waits for is done, as a task would."""
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            self.sending = False
            if self.pending:
                self._flush()
            return
        except Exception:  # the socket is gone; the disconnect event cleans up
            logger.debug("room %s: send failed", self.room_id, exc_info=True)
            self.sending, self.closing = False, True
            return
        if hasattr(waiting, "_asyncio_future_blocking"):
            waiting._asyncio_future_blocking = False
        waiting.add_done_callback(lambda _done: self._drive(coroutine))

    def _drop(self, code: int) -> None:
        self.pending.clear()
        self.closing, self.close_code = True, code
        task = asyncio.ensure_future(self.base_send({"type": "websocket.close", "code": code}))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    def pulse(self, now: float) -> None:
        if self.closing:
            return
        if self.wrote:
            self.last_write, self.wrote = now, False
        if self.send_every and now - self.last_write >= self.send_every:
            self.deliver(stomp.HEARTBEAT)
        if self.expect_every and now - self.last_read > 2 * self.expect_every:
            logger.info("room %s: closing a connection silent past its heart-beat", self.room_id)
            self._drop(CLOSE_NO_HEARTBEAT)

    async def _close(self) -> None:
        """Flush what is queued (the RECEIPT of a DISCONNECT), then close."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_FLUSH_SECONDS
        while self.sending and loop.time() < deadline:
            await asyncio.sleep(0.01)
        if self.pending and not self.sending:
            text = "".join(self.pending)
            self.pending.clear()
            with contextlib.suppress(Exception):
                await self.base_send({"type": "websocket.send", "text": text})
        self.closing = True
        with contextlib.suppress(Exception):
            await self.base_send({"type": "websocket.close", "code": self.close_code})
        await self._leave()

    async def _leave(self) -> None:
        if getattr(self, "room", None) is not None:
            self.room = None
            await rooms.room_leave(self.spec, self.room_id, self)
