"""The studio's question panel in Chromium against a real uvicorn process: viewers' questions grouped with
counts and suggested answers; one tap posts the answer as the seller's chat message; an edited answer is
posted as edited. Screenshots at phone and desktop."""

import pytest
from playwright.sync_api import expect

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.models import ChatMessage
from apps.live.room import questions
from apps.live.room import services as room_services
from apps.live.room.question_rules import classify
from apps.live.services import onair
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, own_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZE_CHART = (
    "<p>여리여리한 핏의 봄 원피스</p><table><tr><th>사이즈</th><th>총장</th><th>가슴</th></tr>"
    "<tr><td>S</td><td>110</td><td>46</td></tr><tr><td>M</td><td>112</td><td>49</td></tr></table>"
)


def _ask(broadcast, name: str, text: str) -> None:
    message = room_services.chat_message_post(
        broadcast_id=broadcast.pk, user=UserFactory(name=name), text=text
    )
    found = classify(text)
    if found.is_question:
        questions.question_note(message=message, detection=found)


def test_the_host_answers_grouped_questions_with_one_tap(open_tab, screenshot):
    """Four groups, most asked first, with suggested answers; one tap posts; an edited answer posts as edited."""
    broadcast = make_live(BroadcastFactory(title="봄 원피스 라이브"))
    dress = BroadcastProductFactory(
        broadcast=broadcast,
        product=own_product(
            broadcast, name="플리츠 롱 원피스", description=SIZE_CHART, list_price=59000, sale_price=49000
        ),
        live_price=39000,
    )
    for option, stock in (("블랙 / S", 3), ("블랙 / M", 0), ("아이보리 / S", 2), ("아이보리 / M", 5)):
        ProductOptionFactory(product=dress.product, name=option, stock=stock)
    onair.broadcast_product_pin(item=dress)
    for name, text in (
        ("민지", "이거 얼마에요?"),
        ("수아", "얼마에여"),
        ("하늘", "가격좀요"),
        ("지우", "사이즈 어케돼요"),
        ("서연", "저 55인데 S 맞을까요"),
        ("도윤", "배송 언제와요"),
        ("예린", "와 예쁘다 ㅠㅠ"),
        ("하준", "#A1 1 블랙 S"),
        ("유나", "재고있음?"),
    ):
        _ask(broadcast, name, text)

    tab = open_tab(broadcast.seller)
    tab.goto(f"/live/{broadcast.pk}/studio/#questions")
    groups = tab.get_by_test_id("question-group")
    groups.first.wait_for()
    assert groups.count() == 4
    assert tab.get_by_test_id("questions-count").inner_text() == "4"
    price = groups.first
    assert "가격" in price.inner_text()
    assert "A1 플리츠 롱 원피스" in price.inner_text()
    assert price.get_by_test_id("question-count").inner_text() == "3건"
    assert price.get_by_test_id("question-answer").input_value() == (
        "[A1 플리츠 롱 원피스] 라이브 특가 39,000원이에요 (판매가 49,000원)"
    )
    size = groups.filter(has_text="사이즈 어케돼요")
    assert (
        "실측: S 총장 110 · 가슴 46 / M 총장 112 · 가슴 49"
        in size.get_by_test_id("question-answer").input_value()
    )
    tab.locator("#questions").scroll_into_view_if_needed()
    screenshot(tab, "live-studio-questions")

    price.get_by_test_id("question-send").click()
    tab.get_by_text("채팅에 답변을 올렸어요.").wait_for()
    assert groups.count() == 3
    posted = ChatMessage.objects.get(broadcast=broadcast, is_seller=True)
    assert posted.text == "[A1 플리츠 롱 원피스] 라이브 특가 39,000원이에요 (판매가 49,000원)"

    shipping = groups.filter(has_text="배송 언제와요")
    shipping.get_by_test_id("question-answer").fill("오늘 주문하시면 내일 출발해요!")
    shipping.get_by_test_id("question-send").click()
    tab.get_by_text("채팅에 답변을 올렸어요.").wait_for()
    expect(groups).to_have_count(2)
    assert ChatMessage.objects.filter(is_seller=True, text="오늘 주문하시면 내일 출발해요!").exists()
