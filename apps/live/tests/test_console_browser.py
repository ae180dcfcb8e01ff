"""The host's console and chat-command orders in Chromium against a real uvicorn process: viewers order with
#A1 2 and read the reply only they see, a sold-out product puts the next viewer in line, and the seller's
console shows the numbers, stock and claims, posts a notice and drops a coupon. Phone and desktop
screenshots of the console during the show and of the viewer's private reply."""

import pytest
from django.db import transaction

from apps.catalog import services as catalog_services
from apps.catalog.tests.factories import ProductOptionFactory, UserFactory, image_upload
from apps.conftest import SCREENSHOT_DIR, VIEWPORTS
from apps.live import services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders import services as orders_services
from apps.orders.models import StockHold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str, *, focus: str = "") -> None:
    """Phone and desktop shots of a page that never goes network-idle (the console polls, the player too):
    the full page, or the screen with ``focus`` (a selector) scrolled into its middle."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        if focus:
            page.locator(focus).last.evaluate("(node) => node.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(700)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=not focus)
    page.set_viewport_size(VIEWPORTS["phone"])


def _room(tab, broadcast) -> None:
    tab.goto(broadcast.get_absolute_url())
    tab.wait_for_selector("[data-testid=chat][data-connected='1']")


def _say(tab, text: str) -> None:
    tab.fill("[data-testid=chat-input]", text)
    tab.click("[data-testid=chat-send]")


def _paid_from_the_hold(buyer) -> None:
    """The buyer checks out the knit held from the chat and pays (the PG's verified answer, as payments
    records it)."""
    hold = StockHold.objects.filter(user=buyer).order_by("id").first()
    order = orders_services.order_place(
        user=buyer,
        items={},
        delivery=orders_services.Delivery(
            recipient="김지현",
            recipient_phone="010-1111-2222",
            postcode="04524",
            road_address="서울 중구 세종대로 110",
        ),
        orderer=orders_services.Orderer(name="김지현", phone="010-1111-2222"),
        hold=hold,
    )
    with transaction.atomic():
        locked = orders_services.order_lock(merchant_uid=order.merchant_uid)
        orders_services.order_mark_paid(order=locked, imp_uid="imp_console_1", amount=locked.total_amount)


def _show():
    broadcast = make_live(BroadcastFactory(title="겨울 니트 타임딜"))
    knit = BroadcastProductFactory(
        broadcast=broadcast,
        live_price=39000,
        product__name="캐시미어 라운드 니트",
        product__sale_price=49000,
        product__list_price=59000,
    )
    catalog_services.product_image_add(product=knit.product, image=image_upload("knit.png", colour="#c9b8f2"))
    ProductOptionFactory(product=knit.product, name="FREE", stock=8)
    socks = BroadcastProductFactory(
        broadcast=broadcast,
        live_price=7900,
        product__name="수면 양말 3켤레",
        product__sale_price=9900,
        product__list_price=12000,
    )
    ProductOptionFactory(product=socks.product, name="블랙", stock=1)
    ProductOptionFactory(product=socks.product, name="화이트", stock=0)
    services.broadcast_product_pin(item=knit)
    return broadcast, knit, socks


def test_chat_orders_reach_only_the_buyer_and_the_console_shows_the_show(open_tab):
    """#A1 2 holds and links to checkout for that viewer alone; the console counts, lists and moderates."""
    broadcast, _knit, _socks = _show()
    buyer, neighbour, late = (
        UserFactory(name="김지현"),
        UserFactory(name="박서준"),
        UserFactory(name="이하늘"),
    )
    seller_tab = open_tab(broadcast.seller, viewport="desktop")
    seller_tab.goto(f"/live/{broadcast.pk}/studio/")
    seller_tab.wait_for_selector("[data-testid=chat][data-connected='1']")
    seller_tab.wait_for_selector("[data-testid=console][data-loaded='1']")

    buyer_tab, neighbour_tab, late_tab = open_tab(buyer), open_tab(neighbour), open_tab(late)
    for tab in (buyer_tab, neighbour_tab, late_tab):
        _room(tab, broadcast)
    assert "#A1" in buyer_tab.get_by_test_id("pin-code").inner_text()
    assert buyer_tab.get_by_test_id("item-code").all_text_contents() == ["#A1", "#A2"]

    _say(neighbour_tab, "니트 색상 더 있나요?")
    _say(buyer_tab, "#A1 2")
    reply = buyer_tab.get_by_test_id("private-reply").filter(has_text="확보했어요")
    reply.wait_for()
    assert "78,000원" in reply.inner_text()
    assert reply.get_by_test_id("private-checkout").get_attribute("href").startswith("/checkout/?hold=")
    _say(buyer_tab, "#A2 1")
    buyer_tab.get_by_test_id("private-reply").filter(has_text="옵션을 함께 적어 주세요").wait_for()
    _say(buyer_tab, "구매 A2 1 블랙")
    buyer_tab.get_by_test_id("private-reply").filter(has_text="수면 양말 3켤레 (블랙)").wait_for()
    _say(late_tab, "#A2 1 블랙")
    late_tab.get_by_test_id("private-reply").filter(has_text="대기 1번").wait_for()
    _say(neighbour_tab, "와 벌써 품절이에요?")
    late_tab.get_by_text("와 벌써 품절이에요?").wait_for()
    assert neighbour_tab.get_by_test_id("private-reply").count() == 0
    assert neighbour_tab.get_by_text("#A1 2").count() == 0

    _paid_from_the_hold(buyer)
    seller_tab.locator("[data-testid=console-revenue]", has_text="78,000원").wait_for()
    assert seller_tab.get_by_test_id("console-orders").inner_text() == "1건"

    claims = seller_tab.get_by_test_id("console-claim")
    claims.filter(has_text="대기 1번").wait_for()
    assert claims.count() == 3
    assert "이하늘 · 블랙 × 1" in claims.first.inner_text()
    seller_tab.get_by_test_id("console-item").filter(has_text="수면 양말").filter(
        has_text="대기 1"
    ).wait_for()
    assert "재고 6개" in seller_tab.get_by_test_id("console-item").first.inner_text()
    # Two messages in the last minute: the orders were commands, never posted to the chat.
    seller_tab.locator("[data-testid=console-chat]", has_text="2개").wait_for()

    seller_tab.fill("#console-announce-text", "오늘 주문은 내일 바로 출발해요!")
    seller_tab.get_by_role("button", name="올리기").click()
    neighbour_tab.get_by_text("오늘 주문은 내일 바로 출발해요!").wait_for()
    seller_tab.get_by_role("button", name="쿠폰 뿌리기").click()
    neighbour_tab.get_by_test_id("coupon-claim").wait_for()
    seller_tab.locator("[data-testid=chat-message]", has_text="니트 색상").get_by_test_id(
        "message-menu"
    ).click()
    seller_tab.get_by_test_id("message-delete").click()
    neighbour_tab.get_by_text("니트 색상 더 있나요?").wait_for(state="detached")

    _say(neighbour_tab, "쿠폰 감사합니다!")
    seller_tab.get_by_text("쿠폰 감사합니다!").wait_for()
    # Nothing wider than a phone: the chat's menu bar once pushed the console sideways.
    seller_tab.set_viewport_size(VIEWPORTS["phone"])
    assert seller_tab.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    _shoot(seller_tab, "live-console")
    _shoot(buyer_tab, "live-chat-private-reply", focus="[data-testid=chat-input]")
