"""The studio in Chromium against a real uvicorn process: the checklist says what is left to do, a live price
above the shop's is refused in Korean, the seller appoints a moderator by searching, and that member gets the
room's moderation menu. Screenshots at phone and desktop."""

import pytest

from apps.catalog.models import Product
from apps.catalog.tests.factories import UserFactory
from apps.conftest import SCREENSHOT_DIR, VIEWPORTS
from apps.live import services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, own_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shoot(page, name: str) -> None:
    """Phone and desktop full-page shots of a page that may never go network-idle (a live player polls)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(700)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["phone"])


def _studio_products(broadcast):
    knit = own_product(
        broadcast, category=broadcast.category, name="캐시미어 니트", list_price=59000, sale_price=49000
    )
    socks = own_product(
        broadcast, category=broadcast.category, name="수면 양말 3켤레", list_price=12000, sale_price=9900
    )
    own_product(broadcast, category=broadcast.category, name="숨긴 상품", status=Product.Status.HIDDEN)
    item = services.broadcast_product_add(broadcast=broadcast, product=knit, live_price=39000)
    services.broadcast_product_pin(item=item)
    return knit, socks


def test_studio_checklist_price_refusal_and_moderator_search(open_tab):
    """Unticked lines say what to do; a live price above 판매가 is refused; a searched member is appointed."""
    broadcast = BroadcastFactory(title="겨울 니트 라이브")
    _knit, socks = _studio_products(broadcast)
    UserFactory(username="helper77", name="김도우미")
    tab = open_tab(broadcast.seller)
    tab.goto(f"/live/{broadcast.pk}/studio/")

    checklist = tab.get_by_test_id("checklist")
    assert tab.get_by_test_id("checklist-count").inner_text() == "4/7"
    assert checklist.locator("li[data-done='0']").count() == 3
    assert "OBS에 서버 URL과 스트림 키를 넣고" in checklist.inner_text()
    assert "송출을 시작하면 비트레이트·프레임·키프레임 간격·오디오를 재서" in checklist.inner_text()
    assert "대표 이미지를 올려 주세요" in checklist.inner_text()
    assert "숨긴 상품" not in tab.locator("#add-product").inner_text()

    tab.select_option("#add-product", str(socks.pk))
    tab.fill("#add-price", "15000")
    tab.get_by_role("button", name="추가", exact=True).click()
    tab.get_by_text("라이브 특가는 판매가(9,900원)보다 높을 수 없어요.").wait_for()
    assert tab.get_by_test_id("studio-item").count() == 1

    tab.get_by_test_id("member-search").fill("도우미")
    tab.get_by_test_id("member-search-button").click()
    result = tab.get_by_test_id("member-result")
    assert "김도우미" in result.inner_text()
    result.get_by_test_id("moderator-add").click()
    tab.get_by_text("김도우미 님을 채팅 매니저로 지정했어요.").wait_for()
    assert "김도우미" in tab.get_by_test_id("moderator").inner_text()
    _shoot(tab, "live-studio-checklist-moderators")


def test_an_appointed_moderator_gets_the_rooms_menu(open_tab):
    """The seller appoints a member in the studio; that member's room shows the moderation bar and the
    message menu, and a message they delete disappears for the shopper too."""
    broadcast = make_live(BroadcastFactory(title="타임딜 라이브"))
    helper = UserFactory(username="helper88", name="이매니저")
    shopper = UserFactory(name="구매자")
    seller_tab = open_tab(broadcast.seller, viewport="desktop")
    seller_tab.goto(f"/live/{broadcast.pk}/studio/?member=helper88#moderators")
    seller_tab.get_by_test_id("moderator-add").click()
    seller_tab.get_by_text("이매니저 님을 채팅 매니저로 지정했어요.").wait_for()

    shopper_tab, helper_tab = open_tab(shopper), open_tab(helper)
    for tab in (shopper_tab, helper_tab):
        tab.goto(broadcast.get_absolute_url())
        tab.wait_for_selector("[data-testid=chat][data-connected='1']")
    helper_tab.get_by_test_id("mod-bar").wait_for()
    assert shopper_tab.get_by_test_id("mod-bar").count() == 0

    shopper_tab.fill("[data-testid=chat-input]", "광고 링크 클릭하세요")
    shopper_tab.click("[data-testid=chat-send]")
    target = helper_tab.locator("[data-testid=chat-message]", has_text="광고 링크 클릭하세요")
    target.wait_for()
    assert shopper_tab.get_by_test_id("message-menu").count() == 0
    _shoot(helper_tab, "live-chat-appointed-moderator")
    target.get_by_test_id("message-menu").click()
    helper_tab.get_by_test_id("message-delete").click()
    shopper_tab.get_by_text("광고 링크 클릭하세요").wait_for(state="detached")
