"""The room's HTTP side: the on-air hold is rate-limited per member with the core limiter, and a member's
open holds across the shop are capped."""

import datetime

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import ProductOptionFactory, UserFactory
from apps.core import ratelimit
from apps.live.services import holds
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders import services as orders_services
from apps.orders.models import StockHold

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


def _on_air_item():
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast)
    option = ProductOptionFactory(product=item.product, stock=5)
    return f"/live/{broadcast.pk}/buy/", {"item": item.pk, "option": option.pk, "quantity": 1}, option


def test_a_member_with_the_most_open_holds_is_refused_another_until_one_is_released_or_runs_out(client):
    """With HOLDS_OPEN_MAX open holds a member is refused one more (409, Korean), even on another broadcast's
    product, and the refused hold takes no stock; a released or run-out hold makes room again."""
    buyer = UserFactory()
    client.force_login(buyer)
    for _ in range(holds.HOLDS_OPEN_MAX):
        url, form, _option = _on_air_item()
        assert client.post(url, form).status_code == 201

    url, form, option = _on_air_item()
    refused = client.post(url, form)
    assert refused.status_code == 409
    assert refused.json()["code"] == "too-many-holds"
    assert refused.json()["message"].startswith("바로 구매는 한 번에")
    option.refresh_from_db()
    assert option.stock == 5
    assert StockHold.objects.filter(user=buyer).count() == holds.HOLDS_OPEN_MAX

    first, second, *_rest = StockHold.objects.filter(user=buyer).order_by("pk")
    orders_services.stock_hold_release(hold_id=first.pk)
    assert client.post(url, form).status_code == 201
    assert client.post(url, form).status_code == 409

    StockHold.objects.filter(pk=second.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post(url, form).status_code == 201
    option.refresh_from_db()
    assert option.stock == 3

    client.force_login(UserFactory())
    assert client.post(url, form).status_code == 201


def test_a_press_after_the_last_unit_went_is_answered_sold_out_without_the_database(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Once a hold took the last unit, the next 바로 구매 answers 409 sold-out from the cache, with no query."""
    url, form, option = _on_air_item()
    option.stock = 1
    option.save(update_fields=["stock"])
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 201

    client.force_login(UserFactory())
    with django_assert_num_queries(0):
        answer = client.post(url, form)
    assert answer.status_code == 409
    assert answer.json() == {"code": "sold-out", "message": "품절된 상품이에요."}
