"""The live monitor's numbers of each broadcast on air, from the rows and the room's shared count: viewers,
chat and orders in the last 60 seconds, and the chat's own baseline over the minutes before."""

import datetime

import pytest
from django.core.cache import cache

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.keys import viewer_count_key
from apps.live.models import Broadcast, ChatMessage
from apps.live.room.monitor import broadcasts_on_air, monitor_figures
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders.models import Order
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 5, 5, 30, tzinfo=datetime.UTC)


def _on_air(minutes: float) -> Broadcast:
    broadcast = make_live(BroadcastFactory())
    Broadcast.objects.filter(pk=broadcast.pk).update(started_at=NOW - datetime.timedelta(minutes=minutes))
    broadcast.refresh_from_db()
    return broadcast


def _messages(broadcast, count: int, seconds_ago: int) -> None:
    user = UserFactory()
    ids = [
        ChatMessage.objects.create(broadcast=broadcast, user=user, display_name="고객", text="와").pk
        for _ in range(count)
    ]
    ChatMessage.objects.filter(pk__in=ids).update(created_at=NOW - datetime.timedelta(seconds=seconds_ago))


def _paid(option, seconds_ago: int, *, placed_seconds_ago: int | None = None) -> Order:
    order = order_make(user=UserFactory(), items={option.pk: 1})
    placed = seconds_ago + 20 if placed_seconds_ago is None else placed_seconds_ago
    Order.objects.filter(pk=order.pk).update(
        created_at=NOW - datetime.timedelta(seconds=placed),
        paid_at=NOW - datetime.timedelta(seconds=seconds_ago),
    )
    return order


def test_each_broadcast_counts_its_own_viewers_chat_and_orders_of_the_last_minute():
    """Viewers come from the room's count; chat and orders are the last 60 s of each broadcast's own rows."""
    busy, quiet = _on_air(30), _on_air(20)
    cache.set(viewer_count_key(busy.pk), 1234)
    cache.set(viewer_count_key(quiet.pk), 7)
    _messages(busy, 12, seconds_ago=10)
    _messages(busy, 3, seconds_ago=59)
    _messages(busy, 20, seconds_ago=61)  # the minute before: baseline, not "now"
    _messages(quiet, 2, seconds_ago=30)
    knit = BroadcastProductFactory(broadcast=busy, product__sale_price=30000)
    option = ProductOptionFactory(product=knit.product, stock=50)
    _paid(option, seconds_ago=5)
    _paid(option, seconds_ago=50)
    _paid(option, seconds_ago=90)  # paid before the last minute
    _paid(option, seconds_ago=10, placed_seconds_ago=45 * 60)  # placed before the show: not its sale

    figures = monitor_figures(broadcasts=broadcasts_on_air(), baseline_minutes=10, now=NOW)

    assert set(figures) == {busy.pk, quiet.pk}
    assert figures[busy.pk].viewers == 1234
    assert figures[busy.pk].chat_per_minute == 15
    assert figures[busy.pk].orders_per_minute == 2
    assert figures[quiet.pk].viewers == 7
    assert figures[quiet.pk].chat_per_minute == 2
    assert figures[quiet.pk].orders_per_minute == 0


def test_the_baseline_is_the_minutes_before_the_last_one_while_on_air():
    """Messages a minute over the baseline window before the last 60 s; only whole minutes on air count."""
    long_show, new_show = _on_air(30), _on_air(0.5)
    _messages(long_show, 40, seconds_ago=90)
    _messages(long_show, 20, seconds_ago=5 * 60)
    _messages(long_show, 99, seconds_ago=20 * 60)  # before the 10-minute window
    _messages(new_show, 5, seconds_ago=10)

    figures = monitor_figures(broadcasts=broadcasts_on_air(), baseline_minutes=10, now=NOW)

    assert figures[long_show.pk].baseline_minutes == 10
    assert figures[long_show.pk].chat_baseline == 6.0
    assert figures[new_show.pk].chat_baseline is None
    assert figures[new_show.pk].chat_per_minute == 5


def test_a_broadcast_on_air_three_minutes_has_a_two_minute_baseline():
    """The baseline never reaches before the start: 3 minutes on air leave 2 whole minutes before the last."""
    show = _on_air(3)
    _messages(show, 8, seconds_ago=100)

    figures = monitor_figures(broadcasts=broadcasts_on_air(), baseline_minutes=10, now=NOW)

    assert figures[show.pk].baseline_minutes == 2
    assert figures[show.pk].chat_baseline == 4.0


def test_ended_and_scheduled_broadcasts_are_not_on_the_monitor():
    """Only broadcasts on air get a tile."""
    on_air = _on_air(5)
    BroadcastFactory()
    ended = _on_air(10)
    Broadcast.objects.filter(pk=ended.pk).update(status=Broadcast.Status.ENDED)

    assert [broadcast.pk for broadcast in broadcasts_on_air()] == [on_air.pk]
