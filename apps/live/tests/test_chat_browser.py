"""The room in Chromium against a real uvicorn process: chat between two members and an anonymous viewer,
the rate limit, a moderator's delete, and pin → card → 바로 구매 → checkout. Screenshots at phone and desktop."""

import pytest

from apps.catalog import services as catalog_services
from apps.catalog.tests.factories import ProductOptionFactory, UserFactory, image_upload
from apps.live import services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _room(page, broadcast) -> None:
    page.goto(broadcast.get_absolute_url())
    page.wait_for_selector("[data-testid=chat][data-connected='1']")


def _messages(page) -> list[str]:
    return page.locator("[data-testid=chat-message] .room__text").all_text_contents()


def test_two_members_chat_anonymous_reads_script_is_text_and_moderation(open_tab, screenshot):
    """Members see each other; the anonymous tab reads only; <script> is text; rate limit; delete for all."""
    broadcast = make_live(BroadcastFactory(title="봄맞이 니트 라이브"))
    alice, bob = UserFactory(name="앨리스"), UserFactory(name="밥")
    alice_tab, bob_tab, anon_tab = open_tab(alice), open_tab(bob), open_tab()
    seller_tab = open_tab(broadcast.seller, viewport="desktop")
    for tab in (alice_tab, bob_tab, anon_tab, seller_tab):
        _room(tab, broadcast)

    alice_tab.fill("[data-testid=chat-input]", "<script>window.__pwned=1</script><b>굵게?</b>")
    alice_tab.click("[data-testid=chat-send]")
    bob_tab.get_by_text("<script>window.__pwned=1</script><b>굵게?</b>").wait_for()
    anon_tab.get_by_text("<script>window.__pwned=1</script><b>굵게?</b>").wait_for()
    assert bob_tab.evaluate("window.__pwned") is None
    assert bob_tab.locator(".room__text b").count() == 0
    bob_tab.fill("[data-testid=chat-input]", "사이즈 문의드려요")
    bob_tab.press("[data-testid=chat-input]", "Enter")
    alice_tab.get_by_text("사이즈 문의드려요").wait_for()

    assert anon_tab.locator("[data-testid=chat-input]").count() == 0
    assert "로그인하면 채팅에 참여할 수 있어요" in anon_tab.get_by_test_id("chat-anonymous").inner_text()

    seller_tab.fill("[data-testid=chat-input]", "M 사이즈 넉넉해요!")
    seller_tab.click("[data-testid=chat-send]")
    bob_tab.locator(".room__msg--seller", has_text="M 사이즈 넉넉해요!").wait_for()

    for n in range(6):
        bob_tab.fill("[data-testid=chat-input]", f"빨리 {n}")
        bob_tab.click("[data-testid=chat-send]")
    bob_tab.locator("[data-room-error]", has_text="너무 빨리").wait_for()

    target = seller_tab.locator("[data-testid=chat-message]", has_text="사이즈 문의드려요")
    target.get_by_test_id("message-menu").click()
    seller_tab.get_by_test_id("message-delete").click()
    for tab in (alice_tab, bob_tab, anon_tab, seller_tab):
        tab.get_by_text("사이즈 문의드려요").wait_for(state="detached")
    screenshot(alice_tab, "live-chat-member")
    screenshot(seller_tab, "live-chat-seller")


def test_pin_shows_the_card_and_the_onair_hold_opens_checkout(open_tab, screenshot):
    """The seller pins a product: the viewer's card appears with the live price; 바로 구매, reached and pressed
    with the keyboard alone, opens checkout."""
    broadcast = make_live(BroadcastFactory(title="타임딜 라이브"))
    item = BroadcastProductFactory(broadcast=broadcast, live_price=19900)
    catalog_services.product_image_add(product=item.product, image=image_upload("pin.png", colour="#f2b8c6"))
    option = ProductOptionFactory(product=item.product, name="핑크 / FREE", stock=5)
    shopper = UserFactory(name="구매자")
    tab, anon = open_tab(shopper), open_tab()
    _room(tab, broadcast)
    _room(anon, broadcast)
    services.broadcast_product_pin(item=item)
    card = tab.get_by_test_id("pin-card")
    card.wait_for(timeout=3000)
    assert "19,900원" in card.get_by_test_id("pin-price").inner_text()
    anon.get_by_test_id("pin-card").wait_for(timeout=3000)
    tab.fill("[data-testid=chat-input]", "지금 살게요!")
    tab.click("[data-testid=chat-send]")
    anon.get_by_text("지금 살게요!").wait_for()
    screenshot(tab, "live-chat-pinned")

    # Without a mouse: from the product's name the next Tab stop is 바로 구매, and Enter presses it.
    tab.locator(".pin-card__name").focus()
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.dataset.testid") == "buy-now"
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/checkout/?hold=*")
    assert "19,900" in tab.content()
    anon.get_by_test_id("pin-stock").filter(has_text="4개 남았어요").wait_for()
    option.refresh_from_db()
    assert option.stock == 4
