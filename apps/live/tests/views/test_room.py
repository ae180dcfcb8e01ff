"""The room's HTTP side: the on-air hold is rate-limited per member with the core limiter."""

import pytest

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.core import ratelimit
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory

pytestmark = pytest.mark.django_db


def test_the_eleventh_hold_in_a_minute_is_refused_while_another_member_still_holds(client):
    """A member's 11th hold within a minute answers 429 with Retry-After and a Korean message; another
    member is not held back by it."""
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast)
    option = ProductOptionFactory(product=item.product, stock=100)
    url = f"/live/{broadcast.pk}/buy/"
    form = {"item": item.pk, "option": option.pk, "quantity": 1}

    client.force_login(UserFactory())
    answers = [client.post(url, form) for _ in range(ratelimit.LIVE_HOLD.per_user)]
    assert all(answer.status_code != 429 for answer in answers)
    refused = client.post(url, form)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["message"].startswith("구매 요청이 너무 많아요.")

    client.force_login(UserFactory())
    assert client.post(url, form).status_code == 201
