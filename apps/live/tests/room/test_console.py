"""The console's figures: per minute is the last 60 seconds, the series is by clock minute, an order counts
once when paid, stock is per product on air, and the claims say who waits in which place."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.keys import viewer_count_key
from apps.live.models import Broadcast, ChatClaim, ChatMessage
from apps.live.room import commands
from apps.live.room.console import console_figures
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders.models import Order
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db

# 14:05:30 in Seoul: the current minute is 14:05, half gone.
NOW = datetime.datetime(2026, 12, 7, 5, 5, 30, tzinfo=datetime.UTC)


def _message(broadcast, seconds_ago: int) -> None:
    message = ChatMessage.objects.create(
        broadcast=broadcast, user=UserFactory(), display_name="고객", text="와"
    )
    ChatMessage.objects.filter(pk=message.pk).update(created_at=NOW - datetime.timedelta(seconds=seconds_ago))


def _paid(option, quantity: int, seconds_ago: int, *, extra_option=None) -> Order:
    items = {option.pk: quantity}
    if extra_option is not None:
        items[extra_option.pk] = 1
    order = order_make(items=items)
    Order.objects.filter(pk=order.pk).update(
        created_at=NOW - datetime.timedelta(seconds=seconds_ago + 20),
        paid_at=NOW - datetime.timedelta(seconds=seconds_ago),
    )
    return order


@pytest.fixture
def show():
    broadcast = make_live(BroadcastFactory())
    Broadcast.objects.filter(pk=broadcast.pk).update(
        started_at=NOW - datetime.timedelta(minutes=30), likes=321
    )
    broadcast.refresh_from_db()
    knit = BroadcastProductFactory(broadcast=broadcast, product__sale_price=30000)
    socks = BroadcastProductFactory(broadcast=broadcast, product__sale_price=5000)
    knit_option = ProductOptionFactory(product=knit.product, name="FREE", stock=20)
    socks_black = ProductOptionFactory(product=socks.product, name="블랙", stock=3)
    ProductOptionFactory(product=socks.product, name="화이트", stock=4)
    return broadcast, knit, socks, knit_option, socks_black


def test_per_minute_is_the_last_sixty_seconds_and_the_series_is_by_clock_minute(show):
    """3 messages 10 s ago and 1 at 50 s count now; those 70 s ago fall in 14:04; 20 minutes ago in none."""
    broadcast, *_ = show
    for seconds in (10, 10, 10, 50, 70, 70, 20 * 60):
        _message(broadcast, seconds)
    figures = console_figures(broadcast=broadcast, now=NOW)
    assert figures["per_minute"]["chat"] == 4
    minutes = {minute["label"]: minute["chat"] for minute in figures["minutes"]}
    assert next(iter(minutes)) == "13:56"
    assert list(minutes)[-1] == "14:05"
    assert minutes["14:05"] == 3
    assert minutes["14:04"] == 3
    assert sum(minutes.values()) == 6
    assert figures["hearts"] == 321


def test_orders_and_revenue_per_minute_count_paid_orders_of_the_products_on_air(show):
    """An order of two lines counts once with both amounts; unpaid orders, other products and orders
    older than the minute are left out of the minute but kept in the broadcast's totals."""
    broadcast, _knit, _socks, knit_option, socks_black = show
    _paid(knit_option, 2, 5, extra_option=socks_black)
    _paid(socks_black, 1, 40)
    _paid(knit_option, 1, 90)
    order_make(option=knit_option)
    order_make()
    figures = console_figures(broadcast=broadcast, now=NOW)
    assert figures["per_minute"] == {"chat": 0, "orders": 2, "revenue": 2 * 30000 + 5000 + 5000}
    assert figures["totals"] == {"orders": 3, "revenue": 2 * 30000 + 5000 + 5000 + 30000}
    by_minute = {minute["label"]: (minute["orders"], minute["revenue"]) for minute in figures["minutes"]}
    assert by_minute["14:05"] == (1, 65000)
    assert by_minute["14:04"] == (2, 5000 + 30000)


def test_orders_placed_before_the_broadcast_started_are_not_its_sales(show):
    """A knit ordered yesterday and paid now is a shop sale, not the show's."""
    broadcast, _knit, _socks, knit_option, _black = show
    order = order_make(option=knit_option)
    Order.objects.filter(pk=order.pk).update(
        created_at=NOW - datetime.timedelta(days=1), paid_at=NOW - datetime.timedelta(seconds=3)
    )
    assert console_figures(broadcast=broadcast, now=NOW)["per_minute"]["orders"] == 0


def test_stock_viewers_and_claims_in_the_console(show, django_capture_on_commit_callbacks):
    """Stock is summed over options; the sold-out option's waiters show their place in line."""
    broadcast, _knit, _socks, _knit_option, _socks_black = show
    cache.set(viewer_count_key(broadcast.pk), 57, 60)
    holder, first, second = UserFactory(name="가나"), UserFactory(name="다라"), UserFactory(name="마바")
    with django_capture_on_commit_callbacks(execute=True):
        commands.chat_command_run(broadcast_id=broadcast.pk, user=holder, text="#A2 3 블랙")
        commands.chat_command_run(broadcast_id=broadcast.pk, user=first, text="#A2 1 블랙")
        commands.chat_command_run(broadcast_id=broadcast.pk, user=second, text="#A2 1 블랙")
    figures = console_figures(broadcast=broadcast, now=timezone.now())
    assert figures["viewers"] == 57
    items = {item["code"]: item for item in figures["items"]}
    assert items["A1"]["stock"] == 20
    assert (items["A2"]["stock"], items["A2"]["held"], items["A2"]["waiting"]) == (4, 1, 2)
    claims = figures["claims"]
    assert [(c["buyer"], c["status"], c["place"]) for c in claims] == [
        ("마바", ChatClaim.Status.WAITING, 2),
        ("다라", ChatClaim.Status.WAITING, 1),
        ("가나", ChatClaim.Status.HELD, None),
    ]
    assert claims[-1]["code"] == "A2"
    assert claims[-1]["option"] == "블랙"
