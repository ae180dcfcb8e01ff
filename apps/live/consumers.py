"""The live room's WebSocket: a STOMP 1.2 server at ``/ws/live/<broadcast id>/`` (subprotocol ``v12.stomp``).

Thin, like a view: parse a frame (``apps.live.stomp``), call a service or selector through
``database_sync_to_async``, answer. Fan-out to viewers is the process's room (``apps.live.chat_room``).

Frames: CONNECT/STOMP → CONNECTED (heart-beats negotiated; the server sends its own on schedule and drops a
client silent for twice its interval); SUBSCRIBE ``/topic/live.<id>.chat`` (the last 50 messages follow as
MESSAGE frames) or ``/topic/live.<id>.events`` (a ``welcome`` with the pinned card first); UNSUBSCRIBE; SEND to
``/app/live.<id>.chat`` (a message), ``/app/live.<id>.like`` (hearts), ``/app/live.<id>.moderate`` (JSON
``{"action": …}``, moderators only); RECEIPT for any frame with ``receipt``; DISCONNECT (with its receipt).

Errors: a protocol error (malformed frame, unknown destination, a frame before CONNECT) is an ERROR frame and
the connection is closed, as STOMP says. A refused SEND (not logged in, token expired, rate limit, slow mode,
muted, banned word, too long) is an ERROR frame whose ``message`` header names the reason
(``rate-limited``, …) with a Korean body, **and the connection stays open**: the issue's rule is that a sender
loses sending, never reading. stompjs and stomp.py both keep a connection the server keeps.

Auth: the page's session (``AuthMiddlewareStack``), or a JWT access token from the accounts API in the
CONNECT headers (``Authorization: Bearer <token>``, ``token``, ``passcode``). Anonymous viewers read. A token's
``exp`` is remembered: after it the connection still reads but may not send.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections import deque

from channels.consumer import AsyncConsumer, StopConsumer
from channels.db import database_sync_to_async
from channels.utils import await_many_dispatch
from django.db import DatabaseError

from apps.live import chat_room, stomp
from apps.live.models import Broadcast
from apps.live.room import selectors as chat_selectors
from apps.live.room import services as chat

try:
    from websockets.protocol import State

    _OPEN = State.OPEN
except ImportError:  # pragma: no cover - websockets is pinned; without it no socket is written directly
    _OPEN = None

logger = logging.getLogger(__name__)

SUBPROTOCOL = "v12.stomp"
# What the server offers in CONNECTED: it sends and wants heart-beats every 10 s (at most).
SERVER_HEARTBEAT_MS = (10_000, 10_000)
# A viewer this many frames behind is dropped (it reconnects and gets the last 50 messages again).
MAX_PENDING_FRAMES = 1000
# A viewer whose socket holds this much unsent data is too far behind (direct writes).
MAX_BUFFERED_BYTES = 1 << 20
CLOSE_TOO_SLOW = 4008
CLOSE_NO_HEARTBEAT = 4002
LIKES_PER_SECOND = 5
MODERATE_ACTIONS = ("delete", "mute", "unmute", "slow_mode", "banned_words", "announce", "coupon")


class LiveRoomConsumer(AsyncConsumer):
    """One viewer's STOMP connection to one broadcast's room."""

    async def __call__(self, scope, receive, send):
        """Unlike Channels' default, no channel-layer channel per viewer: the room holds one per process."""
        self.scope = scope
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch([receive], self.dispatch)

    async def dispatch(self, message):
        # Channels' dispatch closes stale DB connections before every frame (a thread hop each); the
        # database calls here go through database_sync_to_async, which does that itself.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is not None:
            await handler(message)

    # ---- WebSocket ------------------------------------------------------------------------------------------

    async def websocket_connect(self, message) -> None:
        self.broadcast_id = int(self.scope["url_route"]["kwargs"]["broadcast_id"])
        self.broadcast: Broadcast | None = await database_sync_to_async(
            Broadcast.objects.filter(pk=self.broadcast_id).first
        )()
        if self.broadcast is None:
            await self.base_send({"type": "websocket.close", "code": 4404})
            return
        self.parser = stomp.Parser()
        self.connected = False
        self.user = self.scope.get("user")
        self.token_expires_at: float | None = None
        self.subscriptions: dict[str, str] = {}  # subscription id → topic
        # Replaced, never changed in place: the room uses these tuples as keys of the frames it built.
        self.by_topic: dict[str, tuple[str, ...]] = {"chat": (), "events": ()}
        self.send_every = self.expect_every = 0.0
        loop = asyncio.get_running_loop()
        self.last_read = self.last_write = loop.time()
        # Set by every write and folded into last_write by the next pulse: a clock read per frame costs more
        # than the heart-beat's one-second precision is worth.
        self.wrote = False
        self.pending: deque[str] = deque()
        self.sending = False
        self.closing = False
        self.like_times: deque[float] = deque()
        self.room: chat_room.Room | None = None
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
        self.raw_send = _unwrapped(self.base_send)
        socket = _direct_socket(self.raw_send)
        self.transport = socket.transport if socket is not None else None
        self.conn = socket.conn if socket is not None else None

    async def websocket_receive(self, message) -> None:
        data = message.get("text") if message.get("text") is not None else message.get("bytes") or b""
        self.last_read = asyncio.get_running_loop().time()
        try:
            frames = self.parser.feed(data)
        except stomp.FrameError as exc:
            await self._fatal("malformed frame", str(exc))
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
            await self._fatal("not connected", "CONNECT first")
            return
        handler = {
            "SUBSCRIBE": self._subscribe,
            "UNSUBSCRIBE": self._unsubscribe,
            "SEND": self._send,
            "DISCONNECT": self._disconnect,
            "ACK": self._noop,
            "NACK": self._noop,
        }.get(frame.command)
        if handler is None:
            await self._fatal("unsupported command", f"{frame.command} is not supported here")
            return
        self.refused = False
        await handler(frame)
        if frame.get("receipt") and frame.command != "DISCONNECT" and not self.closing and not self.refused:
            self._write(stomp.serialize(stomp.Frame("RECEIPT", {"receipt-id": frame.get("receipt")})))

    async def _connect(self, frame: stomp.Frame) -> None:
        if self.connected:
            await self._fatal("already connected", "CONNECT was sent twice")
            return
        versions = [v.strip() for v in frame.get("accept-version", "1.0").split(",")]
        if "1.2" not in versions:
            await self._fatal("unsupported version", "this server speaks STOMP 1.2")
            return
        try:
            client_heartbeat = stomp.heartbeat_parse(frame.get("heart-beat"))
        except stomp.FrameError as exc:
            await self._fatal("bad heart-beat", str(exc))
            return
        token = _token_from(frame)
        if token:
            user, expires_at = await database_sync_to_async(_user_for_token)(token)
            if user is None:
                await self._fatal(
                    "invalid token", "토큰이 올바르지 않거나 만료되었어요. 다시 로그인해 주세요."
                )
                return
            self.user, self.token_expires_at = user, expires_at
        send_ms, expect_ms = stomp.heartbeat_negotiate(client=client_heartbeat, server=SERVER_HEARTBEAT_MS)
        self.send_every, self.expect_every = send_ms / 1000, expect_ms / 1000
        self.identity = await database_sync_to_async(_identity)(self.user, self.broadcast)
        if self.identity["user_id"]:
            self.presence_key = f"u:{self.identity['user_id']}"
        self.connected = True
        headers = {
            "version": "1.2",
            "heart-beat": f"{SERVER_HEARTBEAT_MS[0]},{SERVER_HEARTBEAT_MS[1]}",
            "server": "TriMarket/1",
            "session": secrets.token_hex(8),
            "user-name": self.identity["name"],
        }
        self._write(stomp.serialize(stomp.Frame("CONNECTED", headers)))
        self.room = await chat_room.room_join(self.broadcast_id, self)
        # Who the page is (and whether to show the moderation menu): a MESSAGE needs a subscription, so the
        # identity rides on the events topic's welcome.

    async def _subscribe(self, frame: stomp.Frame) -> None:
        sub_id, destination = frame.get("id"), frame.get("destination")
        topic = _topic_of(destination, self.broadcast_id)
        if not sub_id or topic is None:
            await self._fatal("unknown destination", f"cannot subscribe to {destination!r}")
            return
        if sub_id in self.subscriptions:
            await self._fatal("duplicate subscription", f"subscription id {sub_id!r} is in use")
            return
        self.subscriptions[sub_id] = topic
        self.by_topic[topic] = (*self.by_topic[topic], sub_id)
        if topic == "chat":
            history = await database_sync_to_async(chat_selectors.chat_history)(
                broadcast_id=self.broadcast_id
            )
            # One WebSocket message for the whole history.
            frames = [self._message_frame(sub_id, topic, p, f"chat-{p['id']}") for p in history]
            if frames:
                self._write("".join(frames))
        else:
            welcome = await database_sync_to_async(chat_selectors.room_welcome)(
                broadcast_id=self.broadcast_id
            )
            welcome["me"] = self.identity
            self._message(sub_id, topic, welcome, f"welcome-{secrets.token_hex(4)}")

    async def _unsubscribe(self, frame: stomp.Frame) -> None:
        topic = self.subscriptions.pop(frame.get("id"), None)
        if topic is not None:
            self.by_topic[topic] = tuple(sub for sub in self.by_topic[topic] if sub != frame.get("id"))

    async def _noop(self, frame: stomp.Frame) -> None:
        return None

    async def _send(self, frame: stomp.Frame) -> None:
        destination = frame.get("destination")
        prefix = f"/app/live.{self.broadcast_id}."
        kind = destination[len(prefix) :] if destination.startswith(prefix) else ""
        if kind not in ("chat", "like", "moderate"):
            await self._fatal("unknown destination", f"cannot send to {destination!r}")
            return
        if kind == "like":
            self._like()
            return
        if self.token_expires_at is not None and time.time() >= self.token_expires_at:
            self._refuse(
                frame, "token-expired", "로그인이 만료되어 메시지를 보낼 수 없어요. 새로고침해 주세요."
            )
            return
        try:
            if kind == "chat":
                text = _text_of(frame)
                await database_sync_to_async(chat.chat_message_post)(
                    broadcast_id=self.broadcast_id, user=self.user, text=text
                )
            else:
                await database_sync_to_async(_moderate)(self.broadcast, self.user, _json_of(frame))
        except chat.ChatRefused as refusal:
            self._refuse(frame, refusal.code, refusal.message)
        except DatabaseError:
            # Nothing was kept (the transaction rolled back): refused, so the viewer knows to send again.
            logger.exception("room %s: a SEND failed on the database", self.broadcast_id)
            self._refuse(frame, "unavailable", chat.UNAVAILABLE_MESSAGE)

    async def _disconnect(self, frame: stomp.Frame) -> None:
        if frame.get("receipt"):
            self._write(stomp.serialize(stomp.Frame("RECEIPT", {"receipt-id": frame.get("receipt")})))
        await self._close()

    # ---- Likes ----------------------------------------------------------------------------------------------

    def _like(self) -> None:
        """Hearts: at most ``LIKES_PER_SECOND`` per connection count; the room sums them every tick."""
        now = time.monotonic()
        while self.like_times and now - self.like_times[0] > 1:
            self.like_times.popleft()
        if len(self.like_times) < LIKES_PER_SECOND and self.room is not None:
            self.like_times.append(now)
            self.room.likes_pending += 1

    # ---- Output: written at once from the room's fan-out, never through a task per frame ---------------------
    #
    # Under uvicorn ``deliver`` writes the room's encoded frame to the viewer's socket itself. Under any other
    # server it goes to the ASGI send (daphne's completes without suspending while the socket is writable);
    # while a send is suspended (a slow socket), frames queue here and go together in one WebSocket message
    # when it completes. A large room coalesces before it delivers (``chat_room.Room.dispatch``), not here.

    def deliver(self, text: str, wire: bytes | None = None) -> None:
        """Write a frame to this viewer now, or queue it behind a write in flight. The room calls this for every
        viewer of every message, so the direct path (uvicorn: the encoded frame straight to the socket) is
        written out here rather than through helpers. A socket holding ``MAX_BUFFERED_BYTES`` unsent, or a
        queue ``MAX_PENDING_FRAMES`` long, is a viewer left behind: dropped, it reconnects."""
        if self.closing:
            return
        transport = self.transport
        if transport is not None:
            if transport.is_closing() or self.conn.state is not _OPEN:
                return
            if transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
                logger.info(
                    "room %s: dropping a viewer whose socket is %d bytes behind",
                    self.broadcast_id,
                    transport.get_write_buffer_size(),
                )
                self._drop(CLOSE_TOO_SLOW)
                return
            self.wrote = True
            transport.write(wire if wire is not None else chat_room.websocket_text_frame(text))
            return
        if self.sending:
            if len(self.pending) >= MAX_PENDING_FRAMES:
                logger.info(
                    "room %s: dropping a viewer %d frames behind", self.broadcast_id, len(self.pending)
                )
                self._drop(CLOSE_TOO_SLOW)
                return
            self.pending.append(text)
            return
        self._send_now(text)

    def _write(self, text: str) -> None:
        self.deliver(text)

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
            logger.debug("room %s: send failed", self.broadcast_id, exc_info=True)
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
            logger.info("room %s: closing a connection silent past its heart-beat", self.broadcast_id)
            self._drop(CLOSE_NO_HEARTBEAT)

    def _message_frame(self, sub_id: str, topic: str, payload: dict, message_id: str) -> str:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        destination = (
            chat.chat_destination(self.broadcast_id)
            if topic == "chat"
            else chat.events_destination(self.broadcast_id)
        )
        head, tail = stomp.message_parts(
            destination=destination, message_id=message_id, body=body, content_type=chat_room.CONTENT_TYPE
        )
        return head + stomp.escape(sub_id) + tail

    def _message(self, sub_id: str, topic: str, payload: dict, message_id: str) -> None:
        self._write(self._message_frame(sub_id, topic, payload, message_id))

    def _refuse(self, frame: stomp.Frame, code: str, text: str) -> None:
        """An ERROR frame for one refused SEND; the connection stays open (see the module's docstring)."""
        self.refused = True
        headers = {"message": code, "content-type": "text/plain;charset=utf-8"}
        if frame.get("receipt"):
            headers["receipt-id"] = frame.get("receipt")
        self._write(stomp.serialize(stomp.Frame("ERROR", headers, text)))

    async def _fatal(self, summary: str, detail: str) -> None:
        """A protocol error: ERROR frame, then close (STOMP 1.2)."""
        frame = stomp.Frame("ERROR", {"message": summary, "content-type": "text/plain;charset=utf-8"}, detail)
        with contextlib.suppress(Exception):
            await self.base_send({"type": "websocket.send", "text": stomp.serialize(frame)})
        await self._close()

    async def _close(self) -> None:
        """Flush what is queued (the RECEIPT of a DISCONNECT), then close."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2
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
            await chat_room.room_leave(self.broadcast_id, self)


# ---- Helpers (sync ones run through database_sync_to_async) --------------------------------------------------


def _unwrapped(send):
    """The server's own send under Channels' SessionMiddleware, which wraps it to save sessions on HTTP
    responses (a WebSocket never sends one) at a cost on every frame."""
    while getattr(getattr(send, "__self__", None), "real_send", None) is not None:
        send = send.__self__.real_send
    return send


def _direct_socket(send):
    """uvicorn's websockets-sansio protocol behind ``send`` when the room may write to its socket directly.

    Only uvicorn's sansio protocol is written to directly (its transport and its connection state are known);
    any other server, and the test communicator, get the ASGI send.
    """
    protocol = getattr(send, "__self__", None)
    if protocol is None or type(protocol).__name__ != "WebSocketsSansIOProtocol":
        return None
    if not (hasattr(protocol, "transport") and hasattr(protocol, "conn")):
        return None
    return protocol


def _topic_of(destination: str, broadcast_id: int) -> str | None:
    if destination == chat.chat_destination(broadcast_id):
        return "chat"
    if destination == chat.events_destination(broadcast_id):
        return "events"
    return None


def _text_of(frame: stomp.Frame) -> str:
    """A chat SEND's text: the body as plain text, or ``{"text": …}`` when the content type is JSON."""
    if frame.get("content-type", "").startswith("application/json"):
        with contextlib.suppress(ValueError, AttributeError):
            return str(json.loads(frame.body).get("text", ""))
        return ""
    return frame.body


def _json_of(frame: stomp.Frame) -> dict:
    try:
        data = json.loads(frame.body or "{}")
    except ValueError as exc:
        raise chat.ChatRefused("invalid", "요청을 이해하지 못했어요.") from exc
    if not isinstance(data, dict):
        raise chat.ChatRefused("invalid", "요청을 이해하지 못했어요.")
    return data


def _token_from(frame: stomp.Frame) -> str:
    for name in ("Authorization", "authorization"):
        value = frame.get(name)
        if value.lower().startswith("bearer "):
            return value[7:].strip()
    return frame.get("token") or frame.get("passcode")


def _user_for_token(token: str):
    """(user, expiry as unix time) of a valid access token of an active user, else (None, None)."""
    from rest_framework_simplejwt.authentication import JWTAuthentication
    from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError

    auth = JWTAuthentication()
    try:
        validated = auth.get_validated_token(token)
        user = auth.get_user(validated)
    except (InvalidToken, TokenError, AuthenticationFailed):
        return None, None
    if not user.is_active:
        return None, None
    return user, float(validated["exp"])


def _identity(user, broadcast: Broadcast) -> dict:
    if not (user and user.is_authenticated):
        return {"user_id": None, "name": "", "seller": False, "moderator": False}
    return {
        "user_id": user.pk,
        "name": chat_selectors.display_name_of(user),
        "seller": broadcast.seller_id == user.pk,
        "moderator": chat_selectors.may_moderate(user=user, broadcast=broadcast),
    }


def _moderate(broadcast: Broadcast, user, data: dict) -> None:
    """A moderator's action from the page's menu; each is a service that checks the permission itself."""
    action = data.get("action")
    if action not in MODERATE_ACTIONS:
        raise chat.ChatRefused("invalid", "알 수 없는 관리 동작이에요.")
    if not (user and user.is_authenticated):
        raise chat.ChatRefused("forbidden", "채팅 관리 권한이 없어요.")
    try:
        if action == "delete":
            chat.chat_message_delete(broadcast=broadcast, message_id=int(data["id"]), actor=user)
        elif action in ("mute", "unmute"):
            chat.chat_user_mute(
                broadcast=broadcast, user_id=int(data["user_id"]), actor=user, on=action == "mute"
            )
        elif action == "slow_mode":
            chat.chat_slow_mode_set(broadcast=broadcast, seconds=int(data["seconds"]), actor=user)
        elif action == "banned_words":
            chat.chat_banned_words_set(broadcast=broadcast, words=list(data["words"]), actor=user)
        elif action == "announce":
            chat.chat_announcement_set(broadcast=broadcast, text=str(data.get("text", "")), actor=user)
        elif action == "coupon":
            chat.coupon_drop(
                broadcast=broadcast,
                actor=user,
                title=str(data.get("title", "")),
                amount=int(data["amount"]),
                quantity=int(data["quantity"]),
                minutes=int(data.get("minutes", 10)),
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise chat.ChatRefused("invalid", "요청을 이해하지 못했어요.") from exc
