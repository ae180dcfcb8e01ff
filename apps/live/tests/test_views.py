"""Pages of the live module: list tabs and filter, broadcast page per status, alarms, the studio's guard."""

import pytest
from django.urls import reverse

from apps.catalog.models import Category
from apps.catalog.tests.factories import CategoryFactory
from apps.live import services
from apps.live.models import Broadcast
from apps.live.selectors import live_now_cards, product_broadcast_cards
from apps.live.services import replay
from apps.live.tests.factories import (
    BroadcastFactory,
    BroadcastProductFactory,
    SellerFactory,
    UserFactory,
    own_product,
)

pytestmark = pytest.mark.django_db


def _live(broadcast: Broadcast) -> Broadcast:
    return services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)


def test_list_tabs_and_category_filter(client, django_assert_max_num_queries):
    """Each tab lists its broadcasts; the category chip narrows to that category's subtree."""
    fashion = CategoryFactory(name="패션", slug="fashion")
    dress = CategoryFactory(name="원피스", slug="dress", parent=Category.objects.get(pk=fashion.pk))
    beauty = CategoryFactory(name="뷰티", slug="beauty")
    on_air = _live(BroadcastFactory(title="원피스 라이브", category=dress))
    soon = BroadcastFactory(title="뷰티 예정", category=beauty)

    with django_assert_max_num_queries(8):
        page = client.get("/live/").content.decode()
    assert on_air.title in page
    assert soon.title not in page
    assert soon.title in client.get("/live/?tab=scheduled").content.decode()
    assert on_air.title in client.get("/live/?tab=live&category=fashion").content.decode()
    assert on_air.title not in client.get("/live/?tab=live&category=beauty").content.decode()
    assert "다시보기가 없어요" in client.get("/live/?tab=replay").content.decode()


def test_live_page_has_the_player_products_and_chat_slot(client):
    """A live broadcast's page plays its public HLS URL (never the key) and lists its products."""
    item = BroadcastProductFactory(live_price=15000)
    broadcast = _live(item.broadcast)
    page = client.get(broadcast.get_absolute_url()).content.decode()
    assert broadcast.hls_url in page
    assert broadcast.stream_key not in page
    assert item.product.name in page
    assert "15,000원" in page
    assert 'id="live-chat"' in page
    assert 'id="live-pinned"' in page
    assert "liveSyncDuration" in page


def test_scheduled_page_offers_the_alarm(client):
    """A scheduled broadcast shows its start and "알림 받기"; a logged-in shopper subscribes and cancels."""
    broadcast = BroadcastFactory()
    page = client.get(broadcast.get_absolute_url()).content.decode()
    assert "알림 받기" in page
    assert "/accounts/login/" in page

    shopper = UserFactory()
    client.force_login(shopper)
    client.post(reverse("live:alarm", args=[broadcast.pk]), {"on": "1"})
    assert broadcast.alarms.filter(user=shopper).exists()
    assert "알림 신청됨" in client.get(broadcast.get_absolute_url()).content.decode()
    client.post(reverse("live:alarm", args=[broadcast.pk]), {"on": "0"})
    assert not broadcast.alarms.exists()


def test_alarm_needs_login(client):
    """Anonymous visitors are sent to log in."""
    broadcast = BroadcastFactory()
    response = client.post(reverse("live:alarm", args=[broadcast.pk]), {"on": "1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not broadcast.alarms.exists()


def test_studio_is_the_owners_only(client):
    """The studio shows the stream key to its seller; another seller, a shopper and a visitor get nothing."""
    broadcast = BroadcastFactory()
    url = reverse("live:studio", args=[broadcast.pk])
    assert client.get(url).status_code == 302
    for stranger in (SellerFactory(), UserFactory()):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.post(reverse("live:studio-key", args=[broadcast.pk])).status_code == 404
    client.force_login(broadcast.seller)
    page = client.get(url).content.decode()
    assert f"{broadcast.public_name}?key={broadcast.stream_key}" in page


def test_studio_regenerates_key_and_manages_products(client):
    """The owner reissues the key, adds a product with a live price, pins it and marks it sold out."""
    broadcast = BroadcastFactory()
    product = own_product(broadcast, category=broadcast.category, sale_price=20000)
    client.force_login(broadcast.seller)
    old = broadcast.stream_key
    client.post(reverse("live:studio-key", args=[broadcast.pk]))
    broadcast.refresh_from_db()
    assert broadcast.stream_key != old

    client.post(
        reverse("live:studio-product-add", args=[broadcast.pk]), {"product": product.pk, "live_price": 17000}
    )
    item = broadcast.items.get()
    assert item.live_price == 17000
    _live(broadcast)
    client.post(reverse("live:studio-item", args=[broadcast.pk, item.pk, "pin"]))
    client.post(reverse("live:studio-item", args=[broadcast.pk, item.pk, "sold-out"]))
    item.refresh_from_db()
    assert item.is_pinned
    assert item.is_sold_out
    assert broadcast.pins.count() == 1
    client.post(reverse("live:studio-item", args=[broadcast.pk, item.pk, "remove"]))
    assert not broadcast.items.exists()


def test_seller_schedules_a_broadcast(client):
    """A seller schedules a broadcast from the studio list; a shopper may not open the studio."""
    category = CategoryFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("live:studio-index")).status_code == 403
    seller = SellerFactory()
    client.force_login(seller)
    response = client.post(
        reverse("live:studio-index"),
        {"title": "첫 라이브", "category": category.pk, "scheduled_at": "2099-01-01T20:00"},
    )
    broadcast = Broadcast.objects.get(seller=seller)
    assert response["Location"] == reverse("live:studio", args=[broadcast.pk])


def test_catalog_hooks_show_live_and_replayed_broadcasts(client, django_capture_on_commit_callbacks):
    """The main page's "지금 라이브" and a product's broadcasts come from the live module (cached cards)."""
    item = BroadcastProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = _live(item.broadcast)
    assert [card["title"] for card in live_now_cards()] == [broadcast.title]
    assert product_broadcast_cards(product_id=item.product_id)[0]["is_live"]
    assert broadcast.title in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_end(broadcast=broadcast)
    assert live_now_cards() == []
    assert product_broadcast_cards(product_id=item.product_id) == []
    with django_capture_on_commit_callbacks(execute=True):
        replay._replay_status_set(
            broadcast_id=broadcast.pk, status=Broadcast.ReplayStatus.READY, path="x.m3u8"
        )
    assert product_broadcast_cards(product_id=item.product_id)[0]["is_live"] is False


def test_shared_product_and_main_pages_show_a_broadcast_as_soon_as_it_goes_live(
    django_capture_on_commit_callbacks,
):
    """First-time visitors' pages come from the shared cache; going live and ending drop them at once."""
    from django.test import Client

    item = BroadcastProductFactory()
    product_url = item.product.get_absolute_url()
    assert item.broadcast.title not in Client().get(product_url).content.decode()
    assert item.broadcast.title not in Client().get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        broadcast = _live(item.broadcast)

    assert broadcast.title in Client().get(product_url).content.decode()
    assert broadcast.title in Client().get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_end(broadcast=broadcast)

    assert broadcast.title not in Client().get(product_url).content.decode()


def test_status_endpoint(client):
    """The page's poll sees the status and the playback URL once live."""
    broadcast = BroadcastFactory()
    assert client.get(reverse("live:status", args=[broadcast.pk])).json()["status"] == "scheduled"
    _live(broadcast)
    state = client.get(reverse("live:status", args=[broadcast.pk])).json()
    assert state["status"] == "live"
    assert state["hls_url"] == broadcast.hls_url
