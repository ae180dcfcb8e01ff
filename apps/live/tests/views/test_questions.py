"""The studio's question queue over HTTP: the seller reads the groups and answers with one tap; another seller
gets 404 for all of it."""

import pytest
from django.urls import reverse

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.live.models import ChatMessage, ChatQuestion
from apps.live.room import questions
from apps.live.room import services as room_services
from apps.live.room.question_rules import classify
from apps.live.services import onair
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, SellerFactory, own_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    """A live show with its product on air and a price question asked twice."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, product=own_product(broadcast, name="린넨 셔츠"))
    ProductOptionFactory(product=item.product, name="화이트 / M", stock=4)
    onair.broadcast_product_pin(item=item)
    for text in ("얼마에요?", "가격 알려주세요"):
        message = room_services.chat_message_post(broadcast_id=broadcast.pk, user=UserFactory(), text=text)
        questions.question_note(message=message, detection=classify(text))
    return broadcast, ChatQuestion.objects.get(broadcast=broadcast)


def test_the_seller_reads_the_queue_with_a_suggested_answer(client, asked):
    """The seller's panel gets the group, its count, the latest lines and the price answer."""
    broadcast, group = asked
    client.force_login(broadcast.seller)
    data = client.get(reverse("live:studio-questions", args=[broadcast.pk])).json()
    assert [(g["id"], g["topic_label"], g["code"], g["count"]) for g in data["open"]] == [
        (group.pk, "가격", "A1", 2)
    ]
    assert data["open"][0]["suggestion"] == "[A1 린넨 셔츠] 24,000원이에요 (정가 30,000원에서 20% 할인)"
    assert [line["text"] for line in data["open"][0]["recent"]] == ["가격 알려주세요", "얼마에요?"]


def test_one_tap_answers_in_the_chat_and_a_second_tap_is_refused(client, asked):
    """One tap posts the seller's message; a second tap (another tab) is refused, nothing is posted twice."""
    broadcast, group = asked
    client.force_login(broadcast.seller)
    url = reverse("live:studio-question-answer", args=[broadcast.pk, group.pk])
    response = client.post(url, {"text": "24,000원이에요!"})
    assert response.status_code == 200
    message = ChatMessage.objects.get(pk=response.json()["message_id"])
    assert (message.text, message.is_seller) == ("24,000원이에요!", True)
    again = client.post(url, {"text": "24,000원이에요!"})
    assert (again.status_code, again.json()["message"]) == (409, "이미 답한 질문이에요.")
    data = client.get(reverse("live:studio-questions", args=[broadcast.pk])).json()
    assert data["open"] == []
    assert data["answered"][0]["answer"] == "24,000원이에요!"


def test_an_empty_answer_is_refused_in_korean(client, asked):
    """An empty answer is a 409 with the chat's Korean reason."""
    broadcast, group = asked
    client.force_login(broadcast.seller)
    response = client.post(
        reverse("live:studio-question-answer", args=[broadcast.pk, group.pk]), {"text": " "}
    )
    assert (response.status_code, response.json()["message"]) == (409, "메시지를 입력해 주세요.")


def test_another_seller_gets_404_for_the_queue_and_its_actions(client, asked):
    """Another seller can neither read this show's questions nor answer or close them."""
    broadcast, group = asked
    client.force_login(SellerFactory())
    assert client.get(reverse("live:studio-questions", args=[broadcast.pk])).status_code == 404
    answer = client.post(
        reverse("live:studio-question-answer", args=[broadcast.pk, group.pk]), {"text": "스팸"}
    )
    done = client.post(reverse("live:studio-question-done", args=[broadcast.pk, group.pk]))
    assert (answer.status_code, done.status_code) == (404, 404)
    group.refresh_from_db()
    assert group.answered_at is None
    assert not ChatMessage.objects.filter(text="스팸").exists()


def test_a_question_of_another_show_is_404_in_this_studio(client, asked):
    """The seller's own second show cannot reach the first show's question by id."""
    broadcast, group = asked
    mine = BroadcastFactory(seller=broadcast.seller)
    client.force_login(broadcast.seller)
    response = client.post(reverse("live:studio-question-done", args=[mine.pk, group.pk]))
    assert response.status_code == 404
