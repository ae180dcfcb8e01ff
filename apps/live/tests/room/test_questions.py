"""The host's question queue: questions detected in chat, grouped by topic and product, answered in one tap."""

import datetime

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.models import ChatMessage, ChatQuestion
from apps.live.room import question_queue, questions
from apps.live.room import services as room_services
from apps.live.room.question_rules import TOPICS, classify
from apps.live.services import onair
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, own_product

pytestmark = pytest.mark.django_db

SIZE_CHART = (
    "<p>봄에 입기 좋은 원피스</p><table><tr><th>사이즈</th><th>총장</th><th>가슴</th></tr>"
    "<tr><td>S</td><td>110</td><td>46</td></tr><tr><td>M</td><td>112</td><td>49</td></tr></table>"
    "<table><tr><th>배송</th><td>평일 오후 2시 이전 주문 시 당일 출고</td></tr>"
    "<tr><th>교환·반품</th><td>수령 후 7일 이내 (단순 변심 시 왕복 배송비 부담)</td></tr></table>"
)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("이거 얼마에요?", "price"),
        ("얼마에여", "price"),
        ("가격좀요", "price"),
        ("사이즈 어케돼요", "size"),
        ("66반도 들어가나요", "size"),
        ("재고있음?", "stock"),
        ("블랙 남았나여", "stock"),
        ("컬러 뭐뭐 있어요", "color"),
        ("배송 언제와요", "shipping"),
        ("배송비 얼마에요", "shipping"),
        ("몇시까지 방송해요?", "time"),
        ("교환 되나요?", "other"),
    ],
)
def test_questions_are_detected_in_slang_typos_and_without_a_question_mark(text, topic):
    """Korean chat asks without '?' and with typos; each is a question with the topic it asks about."""
    found = classify(text)
    assert (found.is_question, found.topic) == (True, topic)


@pytest.mark.parametrize(
    "text",
    [
        "안녕하세요~~",
        "ㅋㅋㅋㅋ",
        "😍😍",
        "#A1 2",
        "구매 A2 1 블랙",
        "가격 착하네요",
        "품절이네 ㅠㅠ",
        "진짜요?",
        "언제나 응원해요",
    ],
)
def test_greetings_reactions_orders_and_remarks_are_not_questions(text):
    """Chatter, emoji, chat-command orders and remarks that merely mention 가격/품절/언제 are not queued."""
    assert not classify(text).is_question


def test_a_product_code_is_read_from_the_question():
    """A1/a2 names a product on air; a size letter alone (M) does not."""
    assert classify("a2 사이즈 있어요?").code == "A2"
    assert classify("m 사이즈 있나요").code == ""


@pytest.fixture
def show():
    """A live show with two products: a dress (pinned, live price, two colours × two sizes, a size chart) and
    a tumbler."""
    broadcast = make_live(BroadcastFactory())
    dress = BroadcastProductFactory(
        broadcast=broadcast,
        product=own_product(
            broadcast, name="플리츠 원피스", description=SIZE_CHART, list_price=59000, sale_price=49000
        ),
        live_price=39000,
    )
    for name, stock in (("블랙 / S", 3), ("블랙 / M", 0), ("아이보리 / S", 2), ("아이보리 / M", 5)):
        ProductOptionFactory(product=dress.product, name=name, stock=stock)
    tumbler = BroadcastProductFactory(broadcast=broadcast, product=own_product(broadcast, name="보온 텀블러"))
    ProductOptionFactory(product=tumbler.product, name="기본", stock=7)
    onair.broadcast_product_pin(item=dress)
    dress.refresh_from_db()
    return broadcast, dress, tumbler


def ask(broadcast, text: str, name: str = "시청자") -> ChatQuestion | None:
    message = room_services.chat_message_post(
        broadcast_id=broadcast.pk, user=UserFactory(name=name), text=text
    )
    found = classify(message.text)
    return questions.question_note(message=message, detection=found) if found.is_question else None


def test_questions_about_the_same_thing_are_one_group_with_a_count(show):
    """Three ways of asking the price of the product on air are one group of 3; naming A2 or asking about
    shipping makes groups of their own; chatter makes none."""
    broadcast, dress, tumbler = show
    first = ask(broadcast, "이거 얼마에요?", "하나")
    ask(broadcast, "얼마에여", "둘")
    ask(broadcast, "가격좀요", "셋")
    assert ask(broadcast, "와 예쁘다") is None
    other = ask(broadcast, "A2 얼마에요")
    shipping = ask(broadcast, "배송 언제와요")
    ask(broadcast, "배송비 있나요?")

    first.refresh_from_db()
    assert (first.topic, first.item_id, first.count) == ("price", dress.pk, 3)
    assert [line["name"] for line in first.recent] == ["셋", "둘", "하나"]
    assert first.recent[0]["id"] == ChatMessage.objects.get(text="가격좀요").pk
    assert (other.topic, other.item_id, other.count) == ("price", tumbler.pk, 1)
    shipping.refresh_from_db()
    assert (shipping.topic, shipping.item_id, shipping.count) == ("shipping", None, 2)
    queue = question_queue.question_queue(broadcast_id=broadcast.pk)
    assert [(group["topic"], group["code"], group["count"]) for group in queue["open"]] == [
        ("price", "A1", 3),
        ("shipping", "", 2),
        ("price", "A2", 1),
    ]


def test_a_product_named_in_words_is_the_one_asked_about(show):
    """'텀블러 용량 얼마에요' is about the tumbler even while the dress is on air."""
    broadcast, _dress, tumbler = show
    assert ask(broadcast, "텀블러 재고 있어요?").item_id == tumbler.pk


def test_suggested_answers_come_from_the_product_data(show, settings):
    """Price (live price), sizes with the description's size chart, colours, stock per option, shipping fee and
    the description's shipping row, and the exchange row for exchange questions."""
    settings.ORDERS_SHIPPING_FEE = 3000
    broadcast, dress, _tumbler = show

    def suggestion(topic, texts=()):
        return question_queue.answer_suggest(
            broadcast_id=broadcast.pk, topic=topic, item=dress, texts=list(texts), code="A1"
        )

    assert suggestion("price") == "[A1 플리츠 원피스] 라이브 특가 39,000원이에요 (판매가 49,000원)"
    assert suggestion("size") == (
        "[A1 플리츠 원피스] 사이즈는 S, M 있어요. 실측: S 총장 110 · 가슴 46 / M 총장 112 · 가슴 49"
    )
    assert suggestion("color") == "[A1 플리츠 원피스] 색상은 블랙, 아이보리 있어요"
    assert suggestion("stock") == (
        "[A1 플리츠 원피스] 10개 남았어요 (블랙 / S 3개, 블랙 / M 품절, 아이보리 / S 2개, 아이보리 / M 5개)"
    )
    assert suggestion("shipping") == (
        "[A1 플리츠 원피스] 배송비 3,000원, 50,000원 이상 사시면 무료배송이에요. 평일 오후 2시 이전 주문 시 당일 출고"
    )
    assert suggestion("other", ["교환 되나요?"]) == (
        "[A1 플리츠 원피스] 교환·반품: 수령 후 7일 이내 (단순 변심 시 왕복 배송비 부담)"
    )
    assert suggestion("other", ["재질이 뭐에요?"]) == ""


def test_shipping_days_come_from_settings_when_the_description_says_nothing(show, settings):
    """Without a 배송 row in the description the answer gives ORDERS_DELIVERY_DAYS."""
    settings.ORDERS_DELIVERY_DAYS = 3
    broadcast, _dress, _tumbler = show
    text = question_queue.answer_suggest(broadcast_id=broadcast.pk, topic="shipping", item=None, texts=[])
    assert (
        text == "배송비 3,000원, 50,000원 이상 사시면 무료배송이에요. 주문 후 3영업일 안에 받아보실 수 있어요"
    )


def test_a_sold_out_product_and_an_open_coupon_are_in_the_answers(show):
    """A sold-out product answers 품절; a time question names the coupon open now and what is left."""
    broadcast, dress, _tumbler = show
    onair.broadcast_product_sold_out_set(item=dress, sold_out=True)
    dress.refresh_from_db()
    stock = question_queue.answer_suggest(broadcast_id=broadcast.pk, topic="stock", item=dress, texts=[])
    assert stock.endswith("지금 품절이에요. 상품 페이지에서 재입고 알림을 신청해 주세요")
    room_services.coupon_drop(
        broadcast=broadcast, actor=broadcast.seller, title="첫 구매", amount=2000, quantity=30
    )
    time = question_queue.answer_suggest(broadcast_id=broadcast.pk, topic="time", item=None, texts=[])
    assert time.startswith("라이브 특가는 방송이 끝날 때까지예요. 지금 '첫 구매' 30장 남았어요")


def test_one_tap_posts_the_answer_as_the_hosts_message_and_closes_the_group(show):
    """The answer is the seller's chat message; the group is closed once; a later question opens a new one."""
    broadcast, _dress, _tumbler = show
    group = ask(broadcast, "얼마에요?")
    message = questions.question_answer(question=group, actor=broadcast.seller, text="39,000원이에요!")
    assert (message.is_seller, message.text, message.user_id) == (
        True,
        "39,000원이에요!",
        broadcast.seller_id,
    )
    group.refresh_from_db()
    assert group.answered_at is not None
    assert group.answer_message_id == message.pk
    assert group.open_key is None
    with pytest.raises(room_services.ChatRefused) as again:
        questions.question_answer(question=group, actor=broadcast.seller, text="또")
    assert again.value.code == "answered"
    assert ChatMessage.objects.filter(broadcast=broadcast, is_seller=True).count() == 1
    later = ask(broadcast, "가격 얼마라구요?")
    assert later.pk != group.pk
    assert later.count == 1


def test_an_empty_answer_or_an_ended_show_keeps_the_group_open(show):
    """A refused answer (empty) posts nothing and leaves the group for the host."""
    broadcast, _dress, _tumbler = show
    group = ask(broadcast, "얼마에요?")
    with pytest.raises(room_services.ChatRefused):
        questions.question_answer(question=group, actor=broadcast.seller, text="  ")
    group.refresh_from_db()
    assert group.answered_at is None


def test_dismissing_closes_without_a_message(show):
    """답변 완료 closes the group without a chat message; it moves to the answered list."""
    broadcast, _dress, _tumbler = show
    group = ask(broadcast, "배송 며칠 걸려요")
    questions.question_dismiss(question=group)
    group.refresh_from_db()
    assert group.answered_at is not None
    assert group.answer_message_id is None
    assert not ChatMessage.objects.filter(is_seller=True).exists()
    queue = question_queue.question_queue(broadcast_id=broadcast.pk)
    assert queue["open"] == []
    assert [group["id"] for group in queue["answered"]] == [group.pk]


def test_the_queue_outlives_the_process_it_was_counted_in(show):
    """The groups are rows: a question counted earlier (another process, before a restart) is still there and
    the next one joins it."""
    broadcast, dress, _tumbler = show
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    ChatQuestion.objects.create(
        broadcast=broadcast,
        topic="size",
        item=dress,
        open_key=f"size:{dress.pk}",
        count=4,
        first_asked_at=earlier,
        last_asked_at=earlier,
    )
    assert ask(broadcast, "사이즈 어케돼요").count == 5


def test_the_rules_topics_are_the_models():
    """The classifier's topics are the ones the queue stores and labels."""
    assert set(TOPICS) == set(ChatQuestion.Topic.values)


def test_a_question_deleted_from_the_chat_is_not_shown_to_the_host(show):
    """A moderator deletes an abusive question: the host's panel no longer shows its text."""
    broadcast, _dress, _tumbler = show
    ask(broadcast, "얼마에요?", "정상")
    ask(broadcast, "얼마냐고 XX", "무례")
    rude = ChatMessage.objects.get(text="얼마냐고 XX")
    room_services.chat_message_delete(broadcast=broadcast, message_id=rude.pk, actor=broadcast.seller)
    group = question_queue.question_queue(broadcast_id=broadcast.pk)["open"][0]
    assert (group["count"], group["recent"]) == (2, [{"name": "정상", "text": "얼마에요?"}])
