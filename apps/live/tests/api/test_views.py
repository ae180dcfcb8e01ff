"""Broadcasts over /api/v1/: the list's tabs, a broadcast's HLS address while live and its products at live
prices, and 바로 구매: a hold at the live price that an order takes, refused when off air or for another
member's hold."""

import pytest

from apps.accounts.tests.factories import UserFactory
from apps.catalog.tests.factories import ProductOptionFactory
from apps.core.testing import api_client_for, api_error
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory
from apps.orders.models import StockHold

pytestmark = pytest.mark.django_db

DELIVERY = {
    "recipient": "김구매",
    "recipient_phone": "010-1111-2222",
    "postcode": "04524",
    "road_address": "서울 중구 세종대로 110",
}


@pytest.fixture
def on_air():
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=20000)
    option = ProductOptionFactory(product=item.product, stock=5, extra_price=1000)
    return broadcast, item, option


def test_the_list_tabs_split_live_and_scheduled(on_air):
    broadcast, _item, _option = on_air
    coming = BroadcastFactory()
    client = api_client_for()

    live = client.get("/api/v1/broadcasts/").json()["results"]
    scheduled = client.get("/api/v1/broadcasts/?tab=scheduled").json()["results"]

    assert [b["id"] for b in live] == [broadcast.pk]
    assert [b["id"] for b in scheduled] == [coming.pk]
    assert client.get("/api/v1/broadcasts/?tab=soon").status_code == 400


def test_detail_has_the_hls_address_while_live_and_the_products_at_live_prices(on_air):
    broadcast, item, _option = on_air
    coming = BroadcastFactory()

    detail = api_client_for().get(f"/api/v1/broadcasts/{broadcast.pk}/").json()
    later = api_client_for().get(f"/api/v1/broadcasts/{coming.pk}/").json()

    assert detail["hls_url"].endswith(f"/{broadcast.public_name}/index.m3u8")
    assert [(i["item_id"], i["price"], i["is_live_price"]) for i in detail["items"]] == [
        (item.pk, 20000, True)
    ]
    assert later["hls_url"] == ""
    assert broadcast.stream_key not in str(detail)


def test_a_hold_at_the_live_price_becomes_the_order(on_air):
    broadcast, item, option = on_air
    shopper = UserFactory()
    client = api_client_for(shopper)

    held = client.post(
        f"/api/v1/broadcasts/{broadcast.pk}/holds/",
        {"item_id": item.pk, "option_id": option.pk, "quantity": 2},
        format="json",
    )
    assert held.status_code == 201, held.content
    assert (held.json()["unit_price"], held.json()["quantity"]) == (21000, 2)

    order = client.post("/api/v1/orders/", DELIVERY | {"hold_id": held.json()["hold_id"]}, format="json")

    assert order.status_code == 201, order.content
    assert [(line["unit_price"], line["quantity"]) for line in order.json()["lines"]] == [(21000, 2)]
    assert StockHold.objects.get(pk=held.json()["hold_id"]).state == StockHold.State.USED


def test_another_members_hold_cannot_be_ordered(on_air):
    broadcast, item, option = on_air
    owner = api_client_for(UserFactory())
    hold_id = owner.post(
        f"/api/v1/broadcasts/{broadcast.pk}/holds/",
        {"item_id": item.pk, "option_id": option.pk},
        format="json",
    ).json()["hold_id"]

    stolen = api_client_for(UserFactory()).post(
        "/api/v1/orders/", DELIVERY | {"hold_id": hold_id}, format="json"
    )

    assert stolen.status_code == 404
    api_error(stolen)
    assert StockHold.objects.get(pk=hold_id).state == StockHold.State.HELD


def test_a_hold_off_air_is_a_409_saying_why():
    item = BroadcastProductFactory()
    option = ProductOptionFactory(product=item.product)

    response = api_client_for(UserFactory()).post(
        f"/api/v1/broadcasts/{item.broadcast_id}/holds/",
        {"item_id": item.pk, "option_id": option.pk},
        format="json",
    )

    assert response.status_code == 409
    assert api_error(response) == {"code": "not_live", "message": "방송 중에만 바로 구매할 수 있어요."}
