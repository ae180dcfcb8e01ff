"""The room's services: live coupons claimed once and dropped by moderators only, text cleaned to one line."""

import pytest

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.room import services as room_services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_air():
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=20000)
    option = ProductOptionFactory(product=item.product, stock=5, extra_price=1000)
    return broadcast, item, option


def test_coupon_is_claimed_once_and_runs_out(on_air):
    """Each member claims a live coupon once; when its quantity is gone the next member is refused."""
    broadcast, _item, _option = on_air
    coupon = room_services.coupon_drop(
        broadcast=broadcast, actor=broadcast.seller, title="", amount=3000, quantity=1
    )
    first, second = UserFactory(), UserFactory()
    room_services.coupon_claim(broadcast_id=broadcast.pk, coupon_id=coupon.pk, user=first)
    with pytest.raises(room_services.ChatRefused) as again:
        room_services.coupon_claim(broadcast_id=broadcast.pk, coupon_id=coupon.pk, user=first)
    assert again.value.code == "claimed"
    with pytest.raises(room_services.ChatRefused) as gone:
        room_services.coupon_claim(broadcast_id=broadcast.pk, coupon_id=coupon.pk, user=second)
    assert gone.value.code == "sold-out"


def test_only_moderators_drop_coupons(on_air):
    """A shopper cannot drop a coupon into the room."""
    broadcast, _item, _option = on_air
    with pytest.raises(room_services.ChatRefused):
        room_services.coupon_drop(broadcast=broadcast, actor=UserFactory(), title="", amount=1000, quantity=5)


def test_text_is_cleaned_to_one_plain_line():
    """Control and direction characters go, whitespace is squeezed; markup stays as typed."""
    assert room_services.text_clean("  <b>안녕</b>\n\u202e하세요\x00  ") == "<b>안녕</b> 하세요"


def test_coupon_amount_is_capped_by_the_runtime_setting(on_air):
    """A coupon above admin → 운영 설정's cap is refused with the cap in the reason; at the cap it drops."""
    from constance import config

    broadcast, _item, _option = on_air
    assert config.LIVE_COUPON_MAX_AMOUNT == 10000
    with pytest.raises(room_services.ChatRefused) as refused:
        room_services.coupon_drop(
            broadcast=broadcast, actor=broadcast.seller, title="", amount=10001, quantity=5
        )
    assert (refused.value.code, refused.value.message) == ("invalid", "쿠폰 금액은 10,000원까지예요.")
    config.LIVE_COUPON_MAX_AMOUNT = 2000
    try:
        with pytest.raises(room_services.ChatRefused):
            room_services.coupon_drop(
                broadcast=broadcast, actor=broadcast.seller, title="", amount=3000, quantity=5
            )
        coupon = room_services.coupon_drop(
            broadcast=broadcast, actor=broadcast.seller, title="", amount=2000, quantity=5
        )
    finally:
        config.LIVE_COUPON_MAX_AMOUNT = 10000
    assert coupon.amount == 2000
    assert broadcast.coupons.count() == 1
