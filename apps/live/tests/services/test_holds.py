"""Shopping on air through the services: live coupons claimed once, on-air holds (바로 구매 in the room) with the live price and a
coupon, the purchase limit, the checkout that turns a hold into an order, and holds that run out."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.models import LiveCouponClaim
from apps.live.room import services as room_services
from apps.live.services import holds
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders import services as orders_services
from apps.orders.models import StockHold

pytestmark = pytest.mark.django_db

DELIVERY = orders_services.Delivery(
    recipient="김구매",
    recipient_phone="010-1111-2222",
    postcode="04524",
    road_address="서울 중구 세종대로 110",
)
ORDERER = orders_services.Orderer(name="김구매", phone="010-1111-2222")


@pytest.fixture
def on_air():
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=20000)
    option = ProductOptionFactory(product=item.product, stock=5, extra_price=1000)
    return broadcast, item, option


def test_onair_hold_holds_at_the_live_price_less_the_coupon_and_checkout_keeps_it(on_air):
    """The hold's price is live price + option extra − coupon; the order placed from it charges that price."""
    broadcast, item, option = on_air
    buyer = UserFactory()
    coupon = room_services.coupon_drop(
        broadcast=broadcast, actor=broadcast.seller, title="", amount=3000, quantity=10
    )
    room_services.coupon_claim(broadcast_id=broadcast.pk, coupon_id=coupon.pk, user=buyer)
    hold = holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    assert hold.unit_price == 20000 + 1000 - 3000
    assert LiveCouponClaim.objects.get(user=buyer).hold_id == hold.pk
    option.refresh_from_db()
    assert option.stock == 4

    order = orders_services.order_place(user=buyer, items={}, delivery=DELIVERY, orderer=ORDERER, hold=hold)
    option.refresh_from_db()
    assert option.stock == 4
    line = order.lines.get()
    assert line.unit_price == 18000
    assert order.items_amount - order.discount_amount == 18000
    hold.refresh_from_db()
    assert (hold.state, hold.order_id) == (StockHold.State.USED, order.pk)
    assert order.reservations.get().quantity == 1


def test_purchase_limit_counts_holds(on_air):
    """A product limited to one per buyer: a second 바로 구매 by the same buyer is refused."""
    broadcast, item, option = on_air
    item.product.purchase_limit = 1
    item.product.save(update_fields=["purchase_limit"])
    buyer = UserFactory()
    holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    with pytest.raises(room_services.ChatRefused) as refused:
        holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    assert "1인당 1개" in refused.value.message


def test_expired_holds_give_their_units_back(on_air):
    """A hold not used in time is released by the reservations sweep and its checkout refuses it."""
    broadcast, item, option = on_air
    buyer = UserFactory()
    hold = holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    StockHold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    orders_services.reservations_release_expired()
    option.refresh_from_db()
    assert option.stock == 5
    with pytest.raises(orders_services.ValidationError):
        orders_services.order_place(user=buyer, items={}, delivery=DELIVERY, orderer=ORDERER, hold=hold)


def test_onair_hold_needs_the_broadcast_on_air_and_stock(on_air):
    """Before the broadcast airs there is no 바로 구매; a sold-out option is refused."""
    broadcast, item, option = on_air
    scheduled = BroadcastFactory()
    with pytest.raises(room_services.ChatRefused) as not_live:
        holds.onair_hold_place(broadcast=scheduled, user=UserFactory(), item_id=item.pk, option_id=option.pk)
    assert not_live.value.code == "not-live"
    empty = ProductOptionFactory(product=item.product, stock=0)
    with pytest.raises(room_services.ChatRefused):
        holds.onair_hold_place(broadcast=broadcast, user=UserFactory(), item_id=item.pk, option_id=empty.pk)


def _coupon_spent_on_a_hold(broadcast, item, option):
    buyer = UserFactory()
    coupon = room_services.coupon_drop(
        broadcast=broadcast, actor=broadcast.seller, title="", amount=3000, quantity=10
    )
    room_services.coupon_claim(broadcast_id=broadcast.pk, coupon_id=coupon.pk, user=buyer)
    hold = holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    assert hold.unit_price == 18000
    assert LiveCouponClaim.objects.get(user=buyer).used_at is not None
    return buyer, hold


def test_a_hold_that_runs_out_unused_gives_the_coupon_back(on_air, django_capture_on_commit_callbacks):
    """The buyer never checked out: the stock goes back and so does the coupon, which the next 바로 구매 uses."""
    broadcast, item, option = on_air
    buyer, hold = _coupon_spent_on_a_hold(broadcast, item, option)
    StockHold.objects.filter(pk=hold.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_services.stock_holds_release_expired() == 1

    claim = LiveCouponClaim.objects.get(user=buyer)
    assert (claim.used_at, claim.hold_id) == (None, None)
    again = holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    assert again.unit_price == 18000


def test_an_order_from_a_hold_that_expires_unpaid_gives_the_coupon_back(
    on_air, django_capture_on_commit_callbacks
):
    """Checked out but never paid: when the order expires the coupon can be used again."""
    broadcast, item, option = on_air
    buyer, hold = _coupon_spent_on_a_hold(broadcast, item, option)
    order = orders_services.order_place(user=buyer, items={}, delivery=DELIVERY, orderer=ORDERER, hold=hold)
    order.reservations.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_services.reservations_release_expired() == 1

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert LiveCouponClaim.objects.get(user=buyer).used_at is None


@pytest.mark.django_db(transaction=True)
def test_one_buyers_simultaneous_holds_stop_at_the_cap():
    """One buyer presses 바로 구매 on six products at once: exactly HOLDS_OPEN_MAX holds are made."""
    buyer = UserFactory()
    items = []
    for _ in range(holds.HOLDS_OPEN_MAX + 3):
        broadcast = make_live(BroadcastFactory())
        item = BroadcastProductFactory(broadcast=broadcast)
        items.append((broadcast, item, ProductOptionFactory(product=item.product, stock=5)))
    start = threading.Barrier(len(items))

    def press(broadcast, item, option) -> str:
        try:
            start.wait()
            holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
            return "held"
        except room_services.ChatRefused as refused:
            return refused.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        answers = list(pool.map(lambda args: press(*args), items))
    assert answers.count("held") == holds.HOLDS_OPEN_MAX
    assert answers.count("too-many-holds") == len(items) - holds.HOLDS_OPEN_MAX
    assert StockHold.objects.filter(user=buyer).count() == holds.HOLDS_OPEN_MAX
    for _broadcast, _item, option in items:
        option.refresh_from_db()
    assert sum(5 - option.stock for _broadcast, _item, option in items) == holds.HOLDS_OPEN_MAX


def test_a_coupon_never_takes_the_price_below_1_won():
    """A coupon worth more than the live price is spent whole and the held price is 1원, never 0원."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=2000)
    option = ProductOptionFactory(product=item.product, stock=5, extra_price=0)
    buyer = UserFactory()
    coupon = room_services.coupon_drop(
        broadcast=broadcast, actor=broadcast.seller, title="", amount=5000, quantity=10
    )
    room_services.coupon_claim(broadcast_id=broadcast.pk, coupon_id=coupon.pk, user=buyer)
    hold = holds.onair_hold_place(broadcast=broadcast, user=buyer, item_id=item.pk, option_id=option.pk)
    assert hold.unit_price == 1
    assert LiveCouponClaim.objects.get(user=buyer).hold_id == hold.pk
