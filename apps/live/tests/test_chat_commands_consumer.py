"""Chat commands over the room's STOMP server: the reply reaches the buyer's connections only, a command is
never posted to the chat, a bad one keeps the connection open, and a waitlist offer finds the waiter."""

import asyncio
import datetime
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.models import ChatClaim
from apps.live.tests.chat_support import StompTestClient, make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders import services as orders_services
from apps.orders.models import StockHold
from apps.realtime import rooms

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rooms():
    rooms.rooms_reset()
    yield
    rooms.rooms_reset()


def _token(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=datetime.timedelta(minutes=10))
    return str(token)


def run(coroutine):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _joined(broadcast_id: int, user=None) -> StompTestClient:
    client = StompTestClient(broadcast_id)
    await client.connect(token=_token(user) if user else "")
    await client.subscribe("events")
    await client.subscribe("chat")
    await client.expect_json("welcome")
    return client


def _private(frame) -> bool:
    return frame.command == "MESSAGE" and json.loads(frame.body).get("type") == "private"


def test_the_reply_reaches_the_buyers_tabs_only_and_the_command_is_not_chat():
    """Two tabs of the buyer both get the checkout link; another member and an anonymous viewer get nothing."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=15000)
    ProductOptionFactory(product=item.product, name="FREE", stock=4)
    buyer, other = UserFactory(), UserFactory()

    async def scenario():
        tab, second_tab = await _joined(broadcast.pk, buyer), await _joined(broadcast.pk, buyer)
        neighbour, anon = await _joined(broadcast.pk, other), await _joined(broadcast.pk)
        await tab.say("#A1 2", receipt="r1")
        await tab.expect(lambda f: f.command == "RECEIPT")
        reply = json.loads((await tab.expect(_private)).body)
        assert reply["kind"] == "held"
        assert reply["checkout_url"].startswith("/checkout/?hold=")
        assert json.loads((await second_tab.expect(_private)).body)["checkout_url"] == reply["checkout_url"]
        assert await neighbour.nothing_more(_private)
        assert await anon.nothing_more(_private)
        assert await neighbour.nothing_more(lambda f: "#A1" in f.body)

        await tab.say("#A1 0")
        hint = json.loads((await tab.expect(_private)).body)
        assert hint["kind"] == "hint"
        assert "1~10개까지" in hint["text"]
        await tab.say("감사합니다")
        assert (
            json.loads((await neighbour.expect(lambda f: "감사합니다" in f.body)).body)["type"] == "message"
        )
        for client in (tab, second_tab, neighbour, anon):
            await client.close()

    run(scenario())
    assert StockHold.objects.get(user=buyer).unit_price == 15000


def test_a_waitlist_offer_reaches_the_waiter_when_a_hold_expires():
    """Sold out, the waiter is told their place; when the holder's time runs out the waiter gets the link."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast)
    ProductOptionFactory(product=item.product, name="FREE", stock=1)
    holder, waiter = UserFactory(), UserFactory()

    def release():
        StockHold.objects.filter(user=holder).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        return orders_services.stock_holds_release_expired()

    async def scenario():
        first, second = await _joined(broadcast.pk, holder), await _joined(broadcast.pk, waiter)
        await first.say("구매 A1 1")
        assert json.loads((await first.expect(_private)).body)["kind"] == "held"
        await second.say("구매 A1 1")
        assert json.loads((await second.expect(_private)).body)["kind"] == "waiting"
        assert await database_sync_to_async(release)() == 1
        offer = json.loads((await second.expect(_private)).body)
        assert offer["kind"] == "offered"
        assert "기다리신 상품이 돌아왔어요" in offer["text"]
        assert await first.nothing_more(_private)
        await first.close()
        await second.close()

    run(scenario())
    assert ChatClaim.objects.get(user=waiter).status == ChatClaim.Status.OFFERED
