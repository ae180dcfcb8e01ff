"""Chat-command orders through the services: a hold at the live price with 바로 구매's limits, the reply only
the buyer hears, the hints, and the waitlist served in order as expired holds give units back."""

import datetime

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live import services
from apps.live.models import ChatClaim, ChatMessage
from apps.live.room import commands
from apps.live.room import services as room_services
from apps.live.tests.chat_support import RoomListener, make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders import services as orders_services
from apps.orders.models import StockHold

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_air():
    broadcast = make_live(BroadcastFactory())
    first = BroadcastProductFactory(broadcast=broadcast, live_price=19900)
    option = ProductOptionFactory(product=first.product, name="FREE", stock=5, extra_price=0)
    return broadcast, first, option


@pytest.fixture
def listener(on_air):
    room = RoomListener(on_air[0].pk)
    yield room
    room.close()


@pytest.fixture
def say(django_capture_on_commit_callbacks):
    """A viewer's chat line as the consumer hands it over (replies sent: the commits run their callbacks)."""

    def run(broadcast, user, text):
        with django_capture_on_commit_callbacks(execute=True):
            commands.chat_command_run(broadcast_id=broadcast.pk, user=user, text=text)

    return run


def _expire(hold_id: int) -> None:
    StockHold.objects.filter(pk=hold_id).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))


def test_products_on_air_get_codes_in_order_that_are_never_given_twice(on_air):
    """A1, A2, A3 as added; taking A2 off leaves A3 as it was; taking the last one off does not free its code."""
    broadcast, first, _option = on_air
    second = BroadcastProductFactory(broadcast=broadcast)
    third = BroadcastProductFactory(broadcast=broadcast)
    assert (first.code, second.code, third.code) == ("A1", "A2", "A3")
    services.broadcast_product_remove(item=second)
    third.refresh_from_db()
    assert third.code == "A3"
    services.broadcast_product_remove(item=third)
    assert BroadcastProductFactory(broadcast=broadcast).code == "A4"
    assert services.broadcast_product_add(broadcast=broadcast, product=first.product).code == "A1"


def test_a_command_holds_at_the_live_price_and_only_the_buyer_hears(on_air, listener, say):
    """#A1 2: two units held at 19,900원 for this buyer; the reply goes to them alone with the checkout link."""
    broadcast, item, option = on_air
    buyer = UserFactory()
    say(broadcast, buyer, "#A1 2")

    hold = StockHold.objects.get(user=buyer)
    assert (hold.quantity, hold.unit_price, hold.option_id) == (2, 19900, option.pk)
    option.refresh_from_db()
    assert option.stock == 3
    claim = ChatClaim.objects.get(user=buyer)
    assert (claim.status, claim.hold_id, claim.item_id) == (ChatClaim.Status.HELD, hold.pk, item.pk)
    assert not ChatMessage.objects.exists()
    replies = listener.private()
    assert [to for to, _ in replies] == [f"u:{buyer.pk}"]
    reply = replies[0][1]
    assert reply["kind"] == "held"
    assert reply["checkout_url"] == f"/checkout/?hold={hold.pk}"
    assert "39,800원" in reply["text"]


def test_a_command_keeps_the_purchase_limit_and_open_hold_cap_of_buy_now(on_air, listener, say):
    """The product's 1인 구매 한도 and the cap on open holds refuse as 바로 구매 does, in a private hint."""
    broadcast, item, _option = on_air
    item.product.purchase_limit = 2
    item.product.save(update_fields=["purchase_limit"])
    buyer = UserFactory()
    say(broadcast, buyer, "#A1 3")
    assert not StockHold.objects.filter(user=buyer).exists()
    (to, reply), *_ = listener.private()
    assert to == f"u:{buyer.pk}"
    assert reply["kind"] == "hint"
    assert "1인당 2개까지" in reply["text"]

    other = BroadcastProductFactory(broadcast=broadcast)
    ProductOptionFactory(product=other.product, name="FREE", stock=10)
    for _ in range(services.holds.HOLDS_OPEN_MAX):
        say(broadcast, buyer, "#A2 1")
    say(broadcast, buyer, "#A2 1")
    assert StockHold.objects.filter(user=buyer).count() == services.holds.HOLDS_OPEN_MAX
    assert "한 번에 3건까지" in listener.private()[-1][1]["text"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("#A9 1", "A9 상품이 없어요"),
        ("#A1 0", "1~10개까지"),
        ("#A 2", "코드(A1, A2 …)와 수량"),
        ("#A2 1", "옵션을 함께 적어 주세요"),
        ("#A2 1 핑크 S", "'핑크 S' 옵션을 찾지 못했어요"),
    ],
)
def test_commands_that_cannot_be_placed_get_a_private_korean_hint(on_air, listener, say, text, hint):
    """Unknown code, bad quantity, option left out or unknown: a hint to the writer alone, nothing held."""
    broadcast, _item, _option = on_air
    shirt = BroadcastProductFactory(broadcast=broadcast)
    ProductOptionFactory(product=shirt.product, name="블랙 / M", stock=3)
    ProductOptionFactory(product=shirt.product, name="화이트 / L", stock=3)
    buyer = UserFactory()
    say(broadcast, buyer, text)
    replies = listener.private()
    assert len(replies) == 1
    assert replies[0][0] == f"u:{buyer.pk}"
    assert replies[0][1]["kind"] == "hint"
    assert hint in replies[0][1]["text"]
    assert not StockHold.objects.exists()
    assert not ChatClaim.objects.exists()


def test_an_option_named_after_the_quantity_is_held(on_air, listener, say):
    """#A2 1 블랙 M holds the '블랙 / M' option at its price."""
    broadcast, _item, _option = on_air
    shirt = BroadcastProductFactory(broadcast=broadcast, live_price=20000)
    ProductOptionFactory(product=shirt.product, name="블랙 / M", stock=3, extra_price=2000)
    white = ProductOptionFactory(product=shirt.product, name="화이트 / L", stock=3)
    buyer = UserFactory()
    say(broadcast, buyer, "구매 a2 1 화이트 L")
    hold = StockHold.objects.get(user=buyer)
    assert (hold.option_id, hold.unit_price) == (white.pk, 20000)


def test_an_ended_broadcast_and_anonymous_viewers_are_refused(on_air, listener, say):
    """After the show a command gets a hint; an anonymous one is refused as any anonymous message is."""
    broadcast, _item, _option = on_air
    services.broadcast_end(broadcast=broadcast)
    buyer = UserFactory()
    say(broadcast, buyer, "#A1 1")
    assert "방송 중에만" in listener.private()[0][1]["text"]
    with pytest.raises(room_services.ChatRefused):
        commands.chat_command_run(broadcast_id=broadcast.pk, user=None, text="#A1 1")


def test_sold_out_claims_wait_and_released_units_are_offered_in_order(
    on_air, listener, say, django_capture_on_commit_callbacks
):
    """Sold out: the next claims join the waitlist; each expired hold's units go to the first in line."""
    broadcast, _item, option = on_air
    early = UserFactory()
    say(broadcast, early, "#A1 5")
    first, second = UserFactory(), UserFactory()
    say(broadcast, first, "#A1 2")
    say(broadcast, second, "#A1 1")
    say(broadcast, second, "#A1 1")
    assert [c.status for c in ChatClaim.objects.order_by("id")] == ["held", "waiting", "waiting"]
    private = listener.private()
    waiting = [reply for to, reply in private if to == f"u:{first.pk}"]
    assert waiting[0]["kind"] == "waiting"
    assert "대기 1번" in waiting[0]["text"]
    assert [r["text"] for to, r in private if to == f"u:{second.pk}"][1].startswith("이미 대기 중이에요")

    _expire(StockHold.objects.get(user=early).pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_services.stock_holds_release_expired() == 1

    first_claim, second_claim = ChatClaim.objects.filter(status__in=["offered", "waiting"]).order_by("id")
    assert first_claim.status == ChatClaim.Status.OFFERED
    assert second_claim.status == ChatClaim.Status.OFFERED
    first_hold = StockHold.objects.get(pk=first_claim.hold_id)
    assert (first_hold.user_id, first_hold.quantity, first_hold.unit_price) == (first.pk, 2, 19900)
    option.refresh_from_db()
    assert option.stock == 2
    offers = {to: reply for to, reply in listener.private() if reply["kind"] == "offered"}
    assert set(offers) == {f"u:{first.pk}", f"u:{second.pk}"}
    assert offers[f"u:{first.pk}"]["checkout_url"] == f"/checkout/?hold={first_hold.pk}"


def test_the_first_in_line_is_not_skipped_for_a_smaller_claim(
    on_air, listener, say, django_capture_on_commit_callbacks
):
    """One unit back while the first waiter wants two: nobody is served; the next unit serves the first."""
    broadcast, _item, option = on_air
    a, b = UserFactory(), UserFactory()
    say(broadcast, a, "#A1 4")
    say(broadcast, b, "#A1 1")
    first, second = UserFactory(), UserFactory()
    say(broadcast, first, "#A1 2")
    say(broadcast, second, "#A1 1")

    _expire(StockHold.objects.get(user=b).pk)
    with django_capture_on_commit_callbacks(execute=True):
        orders_services.stock_holds_release_expired()
    assert list(ChatClaim.objects.filter(status="waiting").values_list("user_id", flat=True)) == [
        first.pk,
        second.pk,
    ]
    option.refresh_from_db()
    assert option.stock == 1

    _expire(StockHold.objects.get(user=a).pk)
    with django_capture_on_commit_callbacks(execute=True):
        orders_services.stock_holds_release_expired()
    assert ChatClaim.objects.get(user=first).status == ChatClaim.Status.OFFERED
    assert ChatClaim.objects.get(user=second).status == ChatClaim.Status.OFFERED
    option.refresh_from_db()
    assert option.stock == 5 - 2 - 1


def test_a_waiter_over_their_limit_lapses_and_the_next_is_served(
    on_air, listener, say, django_capture_on_commit_callbacks
):
    """When their turn comes a waiter who may no longer buy is told why and the unit goes to the next."""
    broadcast, item, _option = on_air
    holder = UserFactory()
    say(broadcast, holder, "#A1 5")
    greedy, patient = UserFactory(), UserFactory()
    say(broadcast, greedy, "#A1 1")
    say(broadcast, patient, "#A1 1")
    other = BroadcastProductFactory(broadcast=broadcast)
    ProductOptionFactory(product=other.product, name="FREE", stock=10)
    for _ in range(services.holds.HOLDS_OPEN_MAX):
        say(broadcast, greedy, "#A2 1")
    listener.private()

    _expire(StockHold.objects.get(user=holder).pk)
    with django_capture_on_commit_callbacks(execute=True):
        orders_services.stock_holds_release_expired()
    lapsed = ChatClaim.objects.get(user=greedy, item=item)
    assert lapsed.status == ChatClaim.Status.LAPSED
    assert "한 번에 3건까지" in lapsed.note
    assert ChatClaim.objects.get(user=patient).status == ChatClaim.Status.OFFERED
    kinds = {to: reply["kind"] for to, reply in listener.private()}
    assert kinds == {f"u:{greedy.pk}": "lapsed", f"u:{patient.pk}": "offered"}


def test_waiting_claims_lapse_when_the_show_ends(on_air, listener, say, django_capture_on_commit_callbacks):
    """After 방송 종료 the waitlist is closed: the claim says why, and a released unit is offered to nobody."""
    broadcast, _item, option = on_air
    holder, waiter = UserFactory(), UserFactory()
    say(broadcast, holder, "#A1 5")
    say(broadcast, waiter, "#A1 1")
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_end(broadcast=broadcast)
    claim = ChatClaim.objects.get(user=waiter)
    assert claim.status == ChatClaim.Status.LAPSED
    assert claim.note == "방송이 끝나 대기가 끝났어요."
    _expire(StockHold.objects.get(user=holder).pk)
    with django_capture_on_commit_callbacks(execute=True):
        orders_services.stock_holds_release_expired()
    assert not StockHold.objects.filter(user=waiter).exists()
    option.refresh_from_db()
    assert option.stock == 5
