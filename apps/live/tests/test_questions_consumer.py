"""The room's WebSocket feeds the host's question queue: a viewer's question lands in it, the seller's own
messages and chat-command orders do not."""

import pytest

from apps.catalog.tests.factories import UserFactory
from apps.live.models import ChatQuestion
from apps.live.tests.chat_support import StompTestClient, make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.live.tests.test_chat_consumer import run, token_for
from apps.realtime import rooms

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _rooms():
    rooms.rooms_reset()
    yield
    rooms.rooms_reset()


def test_a_viewers_question_sent_over_the_socket_is_queued_for_the_host():
    """Only the viewer's question is queued: not its order command, its remark, nor the seller's message."""
    broadcast = make_live(BroadcastFactory())
    BroadcastProductFactory(broadcast=broadcast)
    viewer = UserFactory(name="민지")

    async def scenario():
        shopper, seller = StompTestClient(broadcast.pk), StompTestClient(broadcast.pk)
        await shopper.connect(token=token_for(viewer))
        await seller.connect(token=token_for(broadcast.seller))
        for text in ("A1 얼마에여", "#A1 2", "와 예쁘다"):
            await shopper.say(text, receipt=text)
            await shopper.expect(lambda f, text=text: f.headers.get("receipt-id") == text)
        await seller.say("얼마냐면요?", receipt="s")
        await seller.expect(lambda f: f.headers.get("receipt-id") == "s")
        for client in (shopper, seller):
            await client.close()

    run(scenario())
    group = ChatQuestion.objects.get(broadcast=broadcast)
    assert (group.topic, group.count) == ("price", 1)
    assert [(line["name"], line["text"]) for line in group.recent] == [("민지", "A1 얼마에여")]
