"""The room's STOMP server (apps.live.room.consumer on apps.realtime.connection) through Channels' WebsocketCommunicator and the Redis layer."""

import asyncio
import datetime
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from rest_framework_simplejwt.tokens import AccessToken

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live import services
from apps.live.models import ChatMessage, ChatMute
from apps.live.tests.chat_support import StompTestClient, make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.realtime import connection, rooms, stomp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rooms():
    rooms.rooms_reset()
    yield
    rooms.rooms_reset()


@pytest.fixture
def broadcast():
    return make_live(BroadcastFactory())


def token_for(user, seconds: int = 600) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=datetime.timedelta(seconds=seconds))
    return str(token)


def run(coroutine):
    """Run a scenario on its own event loop, in a thread (Playwright's sync API may hold this thread's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_reconnecting_viewer_gets_every_message_after_the_one_it_shows_last(broadcast):
    """SUBSCRIBE with ``since-id``: the messages after that one, more than the 50 a new viewer gets."""
    author = UserFactory()
    made = [
        ChatMessage.objects.create(broadcast=broadcast, user=author, display_name="고객", text=f"m{n}")
        for n in range(70)
    ]
    destination = f"/topic/live.{broadcast.pk}.chat"

    async def scenario() -> tuple[list[str], list[str]]:
        back = StompTestClient(broadcast.pk)
        await back.connect()
        headers = {"id": "chat", "destination": destination, "since-id": str(made[4].pk)}
        await back.send_frame(stomp.Frame("SUBSCRIBE", headers))
        resumed = [
            json.loads((await back.expect(lambda f: f.command == "MESSAGE")).body)["text"] for _ in range(65)
        ]
        assert await back.nothing_more(lambda f: f.command == "MESSAGE")
        await back.close()
        odd = StompTestClient(broadcast.pk)
        await odd.connect()
        await odd.send_frame(
            stomp.Frame("SUBSCRIBE", {"id": "chat", "destination": destination, "since-id": "x"})
        )
        fresh = [
            json.loads((await odd.expect(lambda f: f.command == "MESSAGE")).body)["text"] for _ in range(50)
        ]
        await odd.close()
        return resumed, fresh

    resumed, fresh = run(scenario())
    assert resumed == [f"m{n}" for n in range(5, 70)]
    assert fresh == [f"m{n}" for n in range(20, 70)], (
        "a since-id that is no id: the last 50, as for a newcomer"
    )


def test_connect_negotiates_and_history_follows_subscribe(broadcast):
    """CONNECTED says 1.2 and the heart-beats; SUBSCRIBE to chat is followed by the last messages, oldest first."""
    author = UserFactory()
    for n in range(55):
        ChatMessage.objects.create(broadcast=broadcast, user=author, display_name="고객", text=f"m{n}")

    async def scenario():
        viewer = StompTestClient(broadcast.pk)
        connected = await viewer.connect(heart_beat="10000,10000")
        assert connected.command == "CONNECTED"
        assert connected.headers["version"] == "1.2"
        assert connected.headers["heart-beat"] == "10000,10000"
        await viewer.subscribe("chat", "sub-0")
        first = await viewer.expect(lambda f: f.command == "MESSAGE")
        assert first.headers["subscription"] == "sub-0"
        assert first.headers["destination"] == f"/topic/live.{broadcast.pk}.chat"
        assert json.loads(first.body)["text"] == "m5"
        texts = [
            json.loads((await viewer.expect(lambda f: f.command == "MESSAGE")).body)["text"]
            for _ in range(49)
        ]
        assert texts[-1] == "m54"
        await viewer.close()

    run(scenario())


def test_two_viewers_see_each_other_and_anonymous_reads_only(broadcast):
    """A member's message reaches everyone (persisted first); an anonymous SEND gets ERROR and keeps reading."""
    alice, bob = UserFactory(name="앨리스"), UserFactory(name="밥")

    async def scenario():
        a, b, anon = (
            StompTestClient(broadcast.pk),
            StompTestClient(broadcast.pk),
            StompTestClient(broadcast.pk),
        )
        await a.connect(token=token_for(alice))
        await b.connect(token=token_for(bob))
        await anon.connect()
        for client in (a, b, anon):
            await client.subscribe("chat")
        await a.say("<script>alert(1)</script> 안녕하세요", receipt="r1")
        receipt = await a.expect(lambda f: f.command == "RECEIPT")
        assert receipt.headers["receipt-id"] == "r1"
        seen = await b.expect_json("message")
        assert seen["text"] == "<script>alert(1)</script> 안녕하세요"
        assert seen["name"] == "앨리스"
        assert (await anon.expect_json("message"))["text"].startswith("<script>")
        await anon.say("저도요")
        error = await anon.expect(lambda f: f.command == "ERROR")
        assert error.headers["message"] == "login-required"
        assert "로그인" in error.body
        await b.say("반가워요")
        assert (await anon.expect_json("message"))["text"] == "반가워요"
        assert not anon.closed
        for client in (a, b, anon):
            await client.close()

    run(scenario())
    assert ChatMessage.objects.filter(broadcast=broadcast).count() == 2


@pytest.mark.parametrize("large", [True, False])
def test_a_large_room_gathers_a_window_of_messages_into_one_websocket_message(broadcast, settings, large):
    """From LIVE_CHAT_COALESCE_FROM_VIEWERS viewers, messages of one window reach a viewer as one WebSocket
    message holding each STOMP frame, in order; a smaller room gets each message as its own."""
    settings.LIVE_CHAT_COALESCE_FROM_VIEWERS = 2 if large else 3
    settings.LIVE_CHAT_COALESCE_MS = 400
    alice = UserFactory(name="앨리스")

    async def scenario():
        sender, viewer = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        await sender.connect(token=token_for(alice))
        await viewer.connect()
        await viewer.subscribe("chat")
        await viewer.nothing_more(lambda f: False, wait=0.3)
        viewer.websocket_messages.clear()
        await sender.say("하나")
        await sender.say("둘")
        assert (await viewer.expect_json("message"))["text"] == "하나"
        assert (await viewer.expect_json("message"))["text"] == "둘"
        carrying = [m for m in viewer.websocket_messages if "MESSAGE" in m]
        assert len(carrying) == (1 if large else 2)
        assert carrying[0].count("MESSAGE\n") == (2 if large else 1)
        for client in (sender, viewer):
            await client.close()

    run(scenario())


def test_rate_limit_answers_with_an_error_frame(broadcast):
    """The sixth message in ten seconds is refused with ERROR message:rate-limited; the connection stays."""
    sender = UserFactory()

    async def scenario():
        client = StompTestClient(broadcast.pk)
        await client.connect(token=token_for(sender))
        await client.subscribe("chat")
        for n in range(5):
            await client.say(f"도배 {n}", receipt=f"ok{n}")
            await client.expect(lambda f, n=n: f.command == "RECEIPT" and f.headers["receipt-id"] == f"ok{n}")
        await client.say("여섯 번째", receipt="six")
        error = await client.expect(lambda f: f.command == "ERROR")
        assert error.headers["message"] == "rate-limited"
        assert error.headers["receipt-id"] == "six"
        assert "10초에 5개" in error.body
        assert not client.closed
        await client.close()

    run(scenario())
    assert ChatMessage.objects.filter(user=sender).count() == 5


def test_moderator_deletes_for_everyone_and_mutes(broadcast):
    """A moderator's delete reaches every viewer; a muted member is refused but keeps reading."""
    shopper = UserFactory()
    seller = broadcast.seller

    async def scenario():
        mod, viewer = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        connected = await mod.connect(token=token_for(seller))
        assert connected.command == "CONNECTED"
        await viewer.connect(token=token_for(shopper))
        await mod.subscribe("chat")
        await mod.subscribe("events")
        welcome = await mod.expect_json("welcome")
        assert welcome["me"]["moderator"] is True
        await viewer.subscribe("chat")
        await viewer.say("광고 메시지")
        message = await mod.expect_json("message")
        await mod.say("셀러입니다")
        assert (await viewer.expect_json("message"))["text"] == "광고 메시지"
        seller_message = await viewer.expect_json("message")
        assert seller_message["seller"] is True
        await mod.moderate(action="delete", id=message["id"])
        for client in (mod, viewer):
            assert (await client.expect_json("deleted"))["id"] == message["id"]
        await mod.moderate(action="mute", user_id=shopper.pk)
        await viewer.expect_json("muted")
        await viewer.say("또 광고")
        error = await viewer.expect(lambda f: f.command == "ERROR")
        assert error.headers["message"] == "muted"
        await mod.say("공지 확인해 주세요")
        assert (await viewer.expect_json("message"))["text"] == "공지 확인해 주세요"
        await viewer.moderate(action="delete", id=seller_message["id"])
        assert (await viewer.expect(lambda f: f.command == "ERROR")).headers["message"] == "forbidden"
        await mod.close()
        await viewer.close()

    run(scenario())
    assert ChatMute.objects.filter(broadcast=broadcast, user=shopper).exists()
    assert ChatMessage.objects.filter(broadcast=broadcast, deleted_at__isnull=False).count() == 1


def test_slow_mode_banned_words_and_announcement(broadcast):
    """Slow mode, banned words and the announcement are set by a moderator and hold for members."""
    shopper = UserFactory()
    seller_token = token_for(broadcast.seller)

    async def scenario():
        mod, viewer = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        await mod.connect(token=seller_token)
        await viewer.connect(token=token_for(shopper))
        await viewer.subscribe("chat")
        await mod.moderate(action="slow_mode", seconds=30)
        assert (await viewer.expect_json("slow_mode"))["seconds"] == 30
        await mod.moderate(action="banned_words", words=["바보"])
        await mod.moderate(action="announce", text="오늘 8시 타임딜!")
        assert (await viewer.expect_json("announcement"))["text"] == "오늘 8시 타임딜!"
        await viewer.say("너 바보")
        assert (await viewer.expect(lambda f: f.command == "ERROR")).headers["message"] == "banned-word"
        await viewer.say("첫 메시지")
        await viewer.expect_json("message")
        await viewer.say("두 번째")
        error = await viewer.expect(lambda f: f.command == "ERROR")
        assert error.headers["message"] == "slow-mode"
        await mod.close()
        await viewer.close()

    run(scenario())


def test_expired_token_loses_sending_not_reading(broadcast):
    """After the JWT's exp the connection still receives but its SEND is refused with token-expired."""
    shopper, other = UserFactory(), UserFactory()

    async def scenario():
        client, speaker = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        await client.connect(token=token_for(shopper, seconds=2))
        await speaker.connect(token=token_for(other))
        await client.subscribe("chat")
        await client.say("만료 전")
        await client.expect_json("message")
        await asyncio.sleep(2.2)
        await client.say("만료 후")
        assert (await client.expect(lambda f: f.command == "ERROR")).headers["message"] == "token-expired"
        await speaker.say("계속 보여요")
        assert (await client.expect_json("message"))["text"] == "계속 보여요"
        await client.close()
        await speaker.close()

    run(scenario())


def test_invalid_token_and_protocol_errors_close(broadcast):
    """A bad token, a frame before CONNECT and an unknown destination get ERROR and the connection closes."""

    async def scenario():
        bad = StompTestClient(broadcast.pk)
        error = await bad.connect(token="not-a-jwt")
        assert error.command == "ERROR"
        assert await bad.communicator.output_queue.get() == {"type": "websocket.close", "code": 1000}

        early = StompTestClient(broadcast.pk)
        await early.communicator.connect()
        await early.say("hi")
        assert (await early.expect(lambda f: f.command == "ERROR")).headers["message"] == "not connected"

        wrong = StompTestClient(broadcast.pk)
        await wrong.connect()
        await wrong.send_frame(stomp.Frame("SUBSCRIBE", {"id": "x", "destination": "/topic/live.999.chat"}))
        assert (await wrong.expect(lambda f: f.command == "ERROR")).headers[
            "message"
        ] == "unknown destination"
        for client in (bad, early, wrong):
            await client.close()

    run(scenario())


def test_disconnect_receipt_and_server_heartbeats(broadcast, monkeypatch):
    """The server sends heart-beats on the negotiated schedule and answers DISCONNECT's receipt before closing."""
    monkeypatch.setattr(connection, "SERVER_HEARTBEAT_MS", (300, 300))

    async def scenario():
        client = StompTestClient(broadcast.pk)
        connected = await client.connect(heart_beat="0,300")
        assert connected.headers["heart-beat"] == "300,300"
        output = await asyncio.wait_for(client.communicator.output_queue.get(), 3)
        assert output["text"] == "\n"
        await client.send_frame(stomp.Frame("DISCONNECT", {"receipt": "bye"}))
        receipt = await client.expect(lambda f: f.command == "RECEIPT")
        assert receipt.headers["receipt-id"] == "bye"

    run(scenario())


def test_pin_from_the_studio_reaches_viewers_with_the_live_price(broadcast):
    """Pinning a product (the studio's service) sends its card to the room's events with the live-only price."""
    item = BroadcastProductFactory(broadcast=broadcast, live_price=19900)
    ProductOptionFactory(product=item.product, stock=7)

    async def scenario():
        viewer = StompTestClient(broadcast.pk)
        await viewer.connect()
        await viewer.subscribe("events")
        welcome = await viewer.expect_json("welcome")
        assert welcome["pin"] is None
        await database_sync_to_async(services.broadcast_product_pin)(item=item)
        card = await viewer.expect_json("pin", timeout=1.0)
        assert card["price"] == 19900
        assert card["is_live_price"] is True
        assert card["stock"] == 7
        await viewer.close()

    run(scenario())


def test_viewers_are_counted_once_per_member(broadcast):
    """Two tabs of one member and one anonymous viewer count as two viewers, pushed by the ticker."""
    member = UserFactory()

    async def scenario():
        tabs = [StompTestClient(broadcast.pk) for _ in range(2)]
        for tab in tabs:
            await tab.connect(token=token_for(member))
        anon = StompTestClient(broadcast.pk)
        await anon.connect()
        await anon.subscribe("events")
        await anon.send_frame(stomp.Frame("SEND", {"destination": f"/app/live.{broadcast.pk}.like"}))
        deadline = asyncio.get_running_loop().time() + 6
        while True:
            numbers = await anon.expect_json("viewers", timeout=3)
            if (numbers["count"], numbers["likes"]) == (2, 1) or asyncio.get_running_loop().time() > deadline:
                break
        assert numbers["count"] == 2
        assert numbers["likes"] == 1
        for client in (*tabs, anon):
            await client.close()

    run(scenario())


def test_without_redis_the_room_runs_on_the_in_process_bus(broadcast, settings):
    """The embedded mode (no REDIS_URL): messages and moderation reach the room through the in-process bus,
    and the ticker counts this process's viewers."""
    settings.REDIS_URL = ""
    alice = UserFactory(name="앨리스")

    async def scenario():
        sender, viewer = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        await sender.connect(token=token_for(alice))
        await viewer.connect()
        await viewer.subscribe("chat")
        await viewer.subscribe("events")
        await sender.say("버스 없이", receipt="r")
        await sender.expect(lambda f: f.command == "RECEIPT")
        assert (await viewer.expect_json("message"))["text"] == "버스 없이"
        assert (await viewer.expect_json("viewers", timeout=3))["count"] == 2
        for client in (sender, viewer):
            await client.close()

    run(scenario())
