"""What a room catches up after its bus subscription broke (Redis restarted): the chat messages sent and
deleted meanwhile, and a ``resync`` with the room's whole state (pin and stock, announcement, coupons)."""

import json
import time

import pytest

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.models import ChatMessage
from apps.live.room import hub
from apps.live.room import selectors as room_selectors
from apps.live.room import services as room_services
from apps.live.services import onair
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory

pytestmark = pytest.mark.django_db


def test_catch_up_carries_messages_deletions_and_the_rooms_state():
    """Messages, deletions, then the state with the announcement, coupon and pin made while the bus was down."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast)
    ProductOptionFactory(product=item.product, stock=6)
    seller, viewer = broadcast.seller, UserFactory()
    old = room_services.chat_message_post(broadcast_id=broadcast.pk, user=viewer, text="끊기기 전")
    ChatMessage.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    broke_at = time.time() - 1

    during = room_services.chat_message_post(broadcast_id=broadcast.pk, user=viewer, text="끊긴 동안")
    room_services.chat_message_delete(broadcast=broadcast, message_id=old.pk, actor=seller)
    room_services.chat_announcement_set(broadcast=broadcast, text="공지", actor=seller)
    room_services.coupon_drop(broadcast=broadcast, actor=seller, title="쿠폰", amount=1000, quantity=3)
    onair.broadcast_product_pin(item=item)

    events = hub._missed(broadcast.pk, broke_at, old.pk)
    payloads = [(event["topic"], json.loads(event["body"])) for event in events]
    assert [(topic, body["type"]) for topic, body in payloads] == [
        ("chat", "message"),
        ("chat", "deleted"),
        ("events", "resync"),
    ]
    assert payloads[0][1]["id"] == during.pk
    assert events[0]["seq"] == during.pk, "a message is replayable: the room skips it if it was delivered"
    assert payloads[1][1]["id"] == old.pk
    state = payloads[2][1]
    assert state["announcement"] == "공지"
    assert [(c["title"], c["remaining"]) for c in state["coupons"]] == [("쿠폰", 3)]
    assert (state["pin"]["item_id"], state["pin"]["stock"]) == (item.pk, 6)
    assert state["deleted"] == [old.pk]


def test_the_welcome_lists_messages_deleted_lately_for_a_reconnecting_page_to_take_down():
    """A page reconnecting gets the ids of messages deleted while it was away."""
    broadcast = make_live(BroadcastFactory())
    message = room_services.chat_message_post(broadcast_id=broadcast.pk, user=UserFactory(), text="지워질 말")
    room_services.chat_message_delete(broadcast=broadcast, message_id=message.pk, actor=broadcast.seller)
    welcome = room_selectors.room_welcome(broadcast_id=broadcast.pk)
    assert (welcome["type"], welcome["deleted"]) == ("welcome", [message.pk])


def test_a_rooms_sweep_reads_the_messages_of_its_window_as_replayable_events():
    """The sweep sees the kept messages sent in its window, oldest first, each with its id as ``seq`` (so the
    room skips those it already fanned out); older or deleted messages are not in it."""
    broadcast = make_live(BroadcastFactory())
    viewer = UserFactory()
    old = room_services.chat_message_post(broadcast_id=broadcast.pk, user=viewer, text="오래된 말")
    ChatMessage.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    since = time.time() - 1
    kept = [
        room_services.chat_message_post(broadcast_id=broadcast.pk, user=viewer, text=f"남은 말 {n}")
        for n in range(3)
    ]
    gone = room_services.chat_message_post(broadcast_id=broadcast.pk, user=viewer, text="지운 말")
    room_services.chat_message_delete(broadcast=broadcast, message_id=gone.pk, actor=broadcast.seller)

    events = hub._recent_messages(broadcast.pk, since)

    assert [event["seq"] for event in events] == [message.pk for message in kept]
    assert [json.loads(event["body"])["text"] for event in events] == ["남은 말 0", "남은 말 1", "남은 말 2"]
