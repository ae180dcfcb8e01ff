"""Fault drill: the Redis of the live room restarts in the middle of a chat.

A private ``redis-server`` (never the shared one other suites use) serves a real uvicorn process's cache,
the rooms' bus and fan-out. A reader and two senders (the seller, held to no rate limit, and a shopper)
chat through it; Redis is killed and started again on the same port while they do. The clients behave as the
page's stompjs does: on a closed socket they connect again after a delay, subscribe again and take the
history (last 50) as it comes, keeping each message once by its id.

What must hold: every SEND the server acknowledged (RECEIPT) is in the database and reached the reader, live
or in a history replay; a SEND the server refused (ERROR) was not kept; the server answers throughout and
after; a viewer joining afterwards sees the whole conversation.
"""

import asyncio
import contextlib
import json
import threading
import time

import pytest
import requests
import websockets
from rest_framework_simplejwt.tokens import AccessToken

from apps.catalog.tests.factories import UserFactory
from apps.live.models import ChatMessage
from apps.live.tests.chat_server import Server
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory
from apps.realtime import stomp

pytestmark = [pytest.mark.drill, pytest.mark.django_db(transaction=True)]

# As the page's stompjs client: ``reconnectDelay: 2000`` (shorter here, same behaviour).
RECONNECT_DELAY_SECONDS = 0.5
SEND_EVERY_SECONDS = 0.15
OUTAGE_SECONDS = 1.5
ANSWER_TIMEOUT_SECONDS = 5.0


@pytest.fixture
def app_server(private_redis):
    """uvicorn on the test database, with every Redis use (cache, the rooms' bus) on the private one."""
    server = Server("uvicorn", env={"REDIS_URL": private_redis.url})
    log: list[str] = []
    drain = threading.Thread(target=lambda: log.extend(server.process.stderr), daemon=True)
    drain.start()
    server.log = log
    yield server
    server.stop()


class PageClient:
    """A STOMP client that acts as the page's stompjs: reconnects on its own and keeps messages by id."""

    def __init__(self, server: Server, broadcast_id: int, *, token: str = "", subscribe: bool = True) -> None:
        self.url = f"ws://127.0.0.1:{server.port}/ws/live/{broadcast_id}/"
        self.origin = server.url  # a page's socket comes from the site's own origin
        self.broadcast_id = broadcast_id
        self.token = token
        self.subscribe = subscribe
        self.messages: dict[int, dict] = {}  # chat message id → payload, each once
        self.answers: dict[str, stomp.Frame] = {}  # receipt id → RECEIPT or ERROR
        self.connections = 0
        self.connected = asyncio.Event()
        self.socket = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self.socket is not None:
            await self.socket.close()

    async def _run(self) -> None:
        while True:
            try:
                async with websockets.connect(
                    self.url, subprotocols=["v12.stomp"], origin=self.origin, open_timeout=2
                ) as socket_:
                    await self._session(socket_)
            except (OSError, websockets.WebSocketException, TimeoutError):
                pass
            self.connected.clear()
            self.socket = None
            await asyncio.sleep(RECONNECT_DELAY_SECONDS)

    async def _session(self, socket_) -> None:
        headers = {"accept-version": "1.2", "heart-beat": "0,0", "host": "trimarket"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        await socket_.send(stomp.serialize(stomp.Frame("CONNECT", headers)))
        parser = stomp.Parser()
        async for data in socket_:
            for frame in parser.feed(data):
                if frame is stomp.HEARTBEAT:
                    continue
                if frame.command == "CONNECTED":
                    if self.subscribe:
                        destination = f"/topic/live.{self.broadcast_id}.chat"
                        subscribe = stomp.Frame("SUBSCRIBE", {"id": "chat", "destination": destination})
                        await socket_.send(stomp.serialize(subscribe))
                    self.socket = socket_
                    self.connections += 1
                    self.connected.set()
                elif frame.command == "MESSAGE":
                    payload = json.loads(frame.body)
                    if payload.get("type") == "message":
                        self.messages.setdefault(payload["id"], payload)
                elif frame.get("receipt-id"):
                    self.answers[frame.get("receipt-id")] = frame

    async def drop(self) -> None:
        """The socket goes away (a phone changing networks); the client connects again by itself."""
        self.connected.clear()
        await self.socket.close()

    async def say(self, text: str) -> str:
        """Send ``text`` with a receipt; ``receipt``, ``error`` or ``unanswered`` (the socket went away)."""
        await asyncio.wait_for(self.connected.wait(), 10)
        receipt = f"r-{text}"
        headers = {
            "destination": f"/app/live.{self.broadcast_id}.chat",
            "content-type": "text/plain",
            "receipt": receipt,
        }
        try:
            await self.socket.send(stomp.serialize(stomp.Frame("SEND", headers, text)))
        except (AttributeError, websockets.WebSocketException):
            return "unanswered"
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        while receipt not in self.answers and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        frame = self.answers.get(receipt)
        if frame is None:
            return "unanswered"
        return "receipt" if frame.command == "RECEIPT" else f"error:{frame.get('message')}"


async def _wait_for(predicate, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def test_redis_restarted_mid_chat_loses_no_acknowledged_message(private_redis, app_server):
    """Redis killed and started again during a chat: the room goes on, every acknowledged message arrives."""
    broadcast = make_live(BroadcastFactory())
    seller_token = str(AccessToken.for_user(broadcast.seller))
    shopper_token = str(AccessToken.for_user(UserFactory(name="시청자")))
    outcomes: dict[str, str] = {}

    async def drill() -> tuple[PageClient, PageClient]:
        reader = PageClient(app_server, broadcast.pk)
        seller = PageClient(app_server, broadcast.pk, token=seller_token, subscribe=False)
        shopper = PageClient(app_server, broadcast.pk, token=shopper_token, subscribe=False)
        for client in (reader, seller, shopper):
            client.start()
        await asyncio.gather(*(asyncio.wait_for(c.connected.wait(), 10) for c in (reader, seller, shopper)))

        async def phase(name: str, count: int) -> None:
            outcomes[f"{name}-shopper"] = await shopper.say(f"{name}-shopper")
            for n in range(count):
                outcomes[f"{name}-{n}"] = await seller.say(f"{name}-{n}")
                await asyncio.sleep(SEND_EVERY_SECONDS)

        await phase("before", 5)
        private_redis.kill()
        await reader.drop()
        await phase("outage", 5)
        await asyncio.sleep(max(OUTAGE_SECONDS - 5 * SEND_EVERY_SECONDS, 0))
        await asyncio.to_thread(private_redis.start)
        await phase("after", 5)

        accepted = {text for text, outcome in outcomes.items() if outcome == "receipt"}
        await _wait_for(lambda: accepted <= {m["text"] for m in reader.messages.values()}, timeout=10)
        late = PageClient(app_server, broadcast.pk)
        late.start()
        await _wait_for(lambda: accepted <= {m["text"] for m in late.messages.values()}, timeout=10)
        for client in (reader, seller, shopper, late):
            await client.stop()
        return reader, late

    reader, late = asyncio.run(drill())

    log = "".join(app_server.log)[-3000:]
    accepted = {text for text, outcome in outcomes.items() if outcome == "receipt"}
    refused = {text for text, outcome in outcomes.items() if outcome.startswith("error")}
    kept = set(ChatMessage.objects.filter(broadcast=broadcast).values_list("text", flat=True))
    assert {f"before-{n}" for n in range(5)} | {f"after-{n}" for n in range(5)} <= accepted, (outcomes, log)
    assert "after-shopper" in accepted, outcomes
    assert accepted <= kept, (outcomes, log)
    assert not refused & kept, f"refused yet kept: {refused & kept}"
    assert set(outcomes.values()) <= {"receipt", "error:unavailable", "unanswered"}, outcomes
    assert accepted <= {m["text"] for m in reader.messages.values()}, (outcomes, sorted(reader.messages), log)
    assert accepted <= {m["text"] for m in late.messages.values()}, outcomes
    assert reader.connections >= 2, "the reader's socket was dropped and it connected again"
    # A pooled channel-layer connection from before the restart fails once, then the pool connects anew.
    deadline = time.monotonic() + 5
    while (health := requests.get(f"{app_server.url}/healthz", timeout=5)).status_code != 200:
        assert time.monotonic() < deadline, health.text
        time.sleep(0.2)
    print(outcomes)


class RoomWatcher(PageClient):
    """A page that stays connected through the outage, subscribed to the chat and the room's events, and
    applies them as the page's script does (``deleted`` and ``welcome``/``resync``)."""

    def __init__(self, server: Server, broadcast_id: int) -> None:
        super().__init__(server, broadcast_id)
        self.events: list[dict] = []
        self.deleted: set[int] = set()

    async def _session(self, socket_) -> None:
        await socket_.send(
            stomp.serialize(stomp.Frame("CONNECT", {"accept-version": "1.2", "host": "trimarket"}))
        )
        parser = stomp.Parser()
        async for data in socket_:
            for frame in parser.feed(data):
                if frame is stomp.HEARTBEAT:
                    continue
                if frame.command == "CONNECTED":
                    for topic in ("chat", "events"):
                        destination = f"/topic/live.{self.broadcast_id}.{topic}"
                        await socket_.send(
                            stomp.serialize(
                                stomp.Frame("SUBSCRIBE", {"id": topic, "destination": destination})
                            )
                        )
                    self.socket = socket_
                    self.connections += 1
                    self.connected.set()
                elif frame.command == "MESSAGE":
                    payload = json.loads(frame.body)
                    self.events.append(payload)
                    if payload.get("type") == "message":
                        self.messages.setdefault(payload["id"], payload)
                    elif payload.get("type") == "deleted":
                        self.deleted.add(payload["id"])
                    elif payload.get("type") in ("welcome", "resync"):
                        self.deleted.update(payload.get("deleted", []))

    def state(self) -> dict:
        """What the page shows now: the last pin, announcement and coupons it was told of."""
        shown: dict = {"pin": None, "announcement": "", "coupons": []}
        for event in self.events:
            kind = event.get("type")
            if kind in ("welcome", "resync"):
                shown = {
                    "pin": event["pin"],
                    "announcement": event["announcement"],
                    "coupons": event["coupons"],
                }
            elif kind == "pin":
                shown["pin"] = event
            elif kind == "unpin":
                shown["pin"] = None
            elif kind == "announcement":
                shown["announcement"] = event["text"]
            elif kind == "coupon":
                shown["coupons"] = [event, *shown["coupons"]]
        return shown


def test_room_events_made_during_a_redis_outage_reach_a_viewer_after_it(private_redis, app_server):
    """While Redis is down the seller deletes a message, posts an announcement, drops a coupon and pins a
    product: their PUBLISH is lost, yet a viewer who stayed connected through the outage sees all four once
    Redis is back (the room's catch-up), and so does a viewer joining afterwards."""
    from apps.live.services import onair
    from apps.live.tests.factories import BroadcastProductFactory

    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast)
    seller_token = str(AccessToken.for_user(broadcast.seller))
    moderate = f"/app/live.{broadcast.pk}.moderate"

    async def drill() -> tuple[RoomWatcher, RoomWatcher, dict]:
        watcher = RoomWatcher(app_server, broadcast.pk)
        seller = PageClient(app_server, broadcast.pk, token=seller_token, subscribe=False)
        for client in (watcher, seller):
            client.start()
        await asyncio.gather(*(asyncio.wait_for(c.connected.wait(), 10) for c in (watcher, seller)))
        assert await seller.say("곧 지울 메시지") == "receipt"
        await _wait_for(lambda: len(watcher.messages) == 1, timeout=10)
        doomed = next(iter(watcher.messages))

        private_redis.kill()
        await asyncio.sleep(0.5)
        for number, action in enumerate(
            (
                {"action": "delete", "id": doomed},
                {"action": "announce", "text": "정전 중 공지"},
                {"action": "coupon", "title": "정전 쿠폰", "amount": 1000, "quantity": 7, "minutes": 10},
            )
        ):
            headers = {"destination": moderate, "content-type": "application/json", "receipt": f"m{number}"}
            await seller.socket.send(stomp.serialize(stomp.Frame("SEND", headers, json.dumps(action))))
            assert await _wait_for(lambda number=number: f"m{number}" in seller.answers, timeout=5)
            assert seller.answers[f"m{number}"].command == "RECEIPT", seller.answers[f"m{number}"].body
        await asyncio.to_thread(onair.broadcast_product_pin, item=item)
        await asyncio.sleep(1.0)
        before = watcher.state()
        await asyncio.to_thread(private_redis.start)

        def caught_up() -> bool:
            shown = watcher.state()
            return (
                doomed in watcher.deleted
                and shown["announcement"] == "정전 중 공지"
                and [c["title"] for c in shown["coupons"]] == ["정전 쿠폰"]
                and (shown["pin"] or {}).get("item_id") == item.pk
            )

        await _wait_for(caught_up, timeout=20)
        late = RoomWatcher(app_server, broadcast.pk)
        late.start()
        await _wait_for(lambda: late.events, timeout=10)
        for client in (watcher, seller, late):
            await client.stop()
        return watcher, late, before

    watcher, late, before = asyncio.run(drill())

    log = "".join(app_server.log)[-3000:]
    shown = watcher.state()
    assert watcher.connections == 1, "the watcher stayed on one connection through the outage"
    assert (before["announcement"], before["coupons"]) == ("", []), "their PUBLISH was lost in the outage"
    assert watcher.deleted == {next(iter(watcher.messages))}, (watcher.events, log)
    assert shown["announcement"] == "정전 중 공지", (watcher.events, log)
    assert [(c["title"], c["remaining"]) for c in shown["coupons"]] == [("정전 쿠폰", 7)], (
        watcher.events,
        log,
    )
    assert shown["pin"]["item_id"] == item.pk, (watcher.events, log)
    welcome = late.state()
    assert welcome["announcement"] == "정전 중 공지"
    assert welcome["pin"]["item_id"] == item.pk
    assert late.messages == {}, "the deleted message is not in a newcomer's history"
