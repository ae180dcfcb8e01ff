"""The live room's WebSocket: STOMP 1.2 at ``/ws/live/<broadcast id>/`` (subprotocol ``v12.stomp``).

Thin, like a view: the protocol, the transport and the fan-out are ``apps.realtime``'s; this maps the room's
destinations to the room's services and reads (through ``database_sync_to_async``):

- SUBSCRIBE ``/topic/live.<id>.chat``: the last 50 messages, then every new one; with a ``since-id`` header (the
  last message a reconnecting page shows) the messages after that one instead (up to ``RESUME_SIZE``), so a
  viewer whose socket dropped misses none;
- SUBSCRIBE ``/topic/live.<id>.events``: a ``welcome`` (who you are, the pinned card, …), then room events;
- SEND ``/app/live.<id>.chat`` (text/plain, or JSON ``{"text"}``): a message, or a chat-command order
  (``#A1 2``, ``apps.live.room.commands``), answered on the events topic to that member alone;
- SEND ``/app/live.<id>.like``: hearts, at most ``ratelimit.LIVE_LIKE`` per connection, summed by the ticker;
- SEND ``/app/live.<id>.moderate`` (JSON ``{"action": …}``): a moderator's action.

A refused SEND (``ChatRefused``: not logged in, token expired, rate limit, slow mode, muted, banned word, too
long, …) is an ERROR frame naming the reason, and the connection stays open.

Auth: the page's session (``AuthMiddlewareStack``), or a JWT access token from the accounts API in the
CONNECT headers (``Authorization: Bearer <token>``, ``token``, ``passcode``; ``apps.live.room.auth``).
Anonymous viewers read, in a browser. A client without an ``Origin`` header (a phone app, a bot; see
``apps.realtime.origin``) must send a token: its CONNECT without one gets an ERROR frame
(``message: authentication required``) and the connection closes. A token's ``exp`` is remembered: after it
the connection still reads but may not send.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time

from channels.db import database_sync_to_async
from django.db import DatabaseError
from django.http import Http404

from apps.accounts.bans import ban_message
from apps.accounts.selectors import member_ban_active
from apps.core import ratelimit
from apps.live import selectors
from apps.live.room import auth, commands, publish, questions
from apps.live.room import selectors as room_selectors
from apps.live.room import services as room_services
from apps.live.room.hub import CHAT, EVENTS, LIVE_ROOM
from apps.live.room.ticker import LIKES
from apps.realtime import stomp
from apps.realtime.connection import StompConnection
from apps.realtime.origin import NATIVE_CLIENT

logger = logging.getLogger(__name__)

MODERATE_ACTIONS = ("delete", "mute", "unmute", "slow_mode", "banned_words", "announce", "coupon")
SEND_KINDS = ("chat", "like", "moderate")
RESUME_HEADER = "since-id"


class LiveRoomConsumer(StompConnection):
    """One viewer's STOMP connection to one broadcast's room."""

    spec = LIVE_ROOM
    server_name = "TriMarket/1"

    async def room_open(self) -> int | None:
        broadcast_id = int(self.scope["url_route"]["kwargs"]["broadcast_id"])
        try:
            self.broadcast = await database_sync_to_async(selectors.broadcast_get)(pk=broadcast_id)
        except Http404:
            return None
        self.user = self.scope.get("user")
        self.token_expires_at: float | None = None
        # The likes limit is per connection, not per member: two tabs may each send their hearts.
        self.like_key = f"conn:{secrets.token_hex(8)}"
        return broadcast_id

    async def on_connect(self, frame: stomp.Frame) -> dict[str, str] | None:
        token = auth.token_from(frame)
        if token:
            user, expires_at = await database_sync_to_async(auth.user_for_token)(token)
            if user is None:
                await self.fatal(
                    "invalid token", "토큰이 올바르지 않거나 만료되었어요. 다시 로그인해 주세요."
                )
                return None
            self.user, self.token_expires_at = user, expires_at
        elif self.scope.get(NATIVE_CLIENT):
            # No Origin, no token: nothing says who this program is, and only browsers watch anonymously.
            await self.fatal("authentication required", "앱에서 연결하려면 로그인 토큰이 필요해요.")
            return None
        self.identity = await database_sync_to_async(_identity)(self.user, self.broadcast)
        if self.identity["user_id"]:
            self.presence_key = publish.member_presence_key(self.identity["user_id"])
        # Who the page is (and whether to show the moderation menu) rides on the events topic's welcome: a
        # MESSAGE needs a subscription.
        return {"user-name": self.identity["name"]}

    def topic_of(self, destination: str) -> str | None:
        if destination == publish.chat_destination(self.room_id):
            return CHAT
        if destination == publish.events_destination(self.room_id):
            return EVENTS
        return None

    async def on_subscribe(self, sub_id: str, topic: str) -> None:
        if topic == CHAT:
            after = _resume_point(self.subscribe_frame)
            if after:
                history = await database_sync_to_async(room_selectors.chat_messages_after)(
                    broadcast_id=self.room_id, after_id=after
                )
            else:
                history = await database_sync_to_async(room_selectors.chat_history)(broadcast_id=self.room_id)
            self.messages(sub_id, topic, [(payload, f"chat-{payload['id']}") for payload in history])
        else:
            welcome = await database_sync_to_async(room_selectors.room_welcome)(broadcast_id=self.room_id)
            welcome["me"] = self.identity
            self.message(sub_id, topic, welcome, f"welcome-{secrets.token_hex(4)}")

    async def on_send(self, frame: stomp.Frame) -> None:
        destination = frame.get("destination")
        prefix = f"/app/live.{self.room_id}."
        kind = destination[len(prefix) :] if destination.startswith(prefix) else ""
        if kind not in SEND_KINDS:
            await self.fatal("unknown destination", f"cannot send to {destination!r}")
            return
        if kind == "like":
            if self.room is not None and ratelimit.rate_allow(ratelimit.LIVE_LIKE, user_key=self.like_key):
                self.room.count(LIKES)
            return
        if self.token_expires_at is not None and time.time() >= self.token_expires_at:
            self.refuse(
                frame, "token-expired", "로그인이 만료되어 메시지를 보낼 수 없어요. 새로고침해 주세요."
            )
            return
        try:
            if kind == "chat" and commands.looks_like_command(text := _text_of(frame)):
                await database_sync_to_async(commands.chat_command_run)(
                    broadcast_id=self.room_id, user=self.user, text=text
                )
            elif kind == "chat":
                message = await database_sync_to_async(room_services.chat_message_post)(
                    broadcast_id=self.room_id, user=self.user, text=text
                )
                await questions.question_hook(message)
            else:
                await database_sync_to_async(_moderate)(self.broadcast, self.user, _json_of(frame))
        except room_services.ChatRefused as refusal:
            self.refuse(frame, refusal.code, refusal.message)
        except DatabaseError:
            # Nothing was kept (the transaction rolled back): refused, so the viewer knows to send again.
            logger.exception("room %s: a SEND failed on the database", self.room_id)
            self.refuse(frame, "unavailable", room_services.UNAVAILABLE_MESSAGE)


# ---- Helpers (sync ones run through database_sync_to_async) -----------------------------------------------


def _resume_point(frame: stomp.Frame) -> int:
    """The chat message a reconnecting page shows last (SUBSCRIBE's ``since-id``), or 0: none, or not an id
    (then it gets the last messages, as a new viewer does)."""
    value = frame.get(RESUME_HEADER)
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else 0


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
        raise room_services.ChatRefused("invalid", "요청을 이해하지 못했어요.") from exc
    if not isinstance(data, dict):
        raise room_services.ChatRefused("invalid", "요청을 이해하지 못했어요.")
    return data


def _identity(user, broadcast) -> dict:
    if not (user and user.is_authenticated):
        return {"user_id": None, "name": "", "seller": False, "moderator": False, "banned": ""}
    ban = member_ban_active(user)
    return {
        "user_id": user.pk,
        "name": room_selectors.display_name_of(user),
        "seller": broadcast.seller_id == user.pk,
        "moderator": room_selectors.may_moderate(user=user, broadcast=broadcast),
        # The page says why the chat is closed to them before they type (the SEND is refused all the same).
        "banned": ban_message(ban) if ban else "",
    }


def _moderate(broadcast, user, data: dict) -> None:
    """A moderator's action from the page's menu; each is a service that checks the permission itself."""
    action = data.get("action")
    if action not in MODERATE_ACTIONS:
        raise room_services.ChatRefused("invalid", "알 수 없는 관리 동작이에요.")
    if not (user and user.is_authenticated):
        raise room_services.ChatRefused("forbidden", "채팅 관리 권한이 없어요.")
    try:
        if action == "delete":
            room_services.chat_message_delete(broadcast=broadcast, message_id=int(data["id"]), actor=user)
        elif action in ("mute", "unmute"):
            room_services.chat_user_mute(
                broadcast=broadcast, user_id=int(data["user_id"]), actor=user, on=action == "mute"
            )
        elif action == "slow_mode":
            room_services.chat_slow_mode_set(broadcast=broadcast, seconds=int(data["seconds"]), actor=user)
        elif action == "banned_words":
            room_services.chat_banned_words_set(broadcast=broadcast, words=list(data["words"]), actor=user)
        elif action == "announce":
            room_services.chat_announcement_set(
                broadcast=broadcast, text=str(data.get("text", "")), actor=user
            )
        elif action == "coupon":
            room_services.coupon_drop(
                broadcast=broadcast,
                actor=user,
                title=str(data.get("title", "")),
                amount=int(data["amount"]),
                quantity=int(data["quantity"]),
                minutes=int(data.get("minutes", 10)),
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise room_services.ChatRefused("invalid", "요청을 이해하지 못했어요.") from exc
