"""The console as the studio serves it: its JSON to the broadcast's seller only, the console on the studio
page while the show is on, and the console's pin buttons bringing the host back to the console."""

import pytest
from django.urls import reverse

from apps.catalog.tests.factories import ProductOptionFactory
from apps.live import services
from apps.live.tests.chat_support import make_live
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    broadcast = make_live(BroadcastFactory())
    item = BroadcastProductFactory(broadcast=broadcast, live_price=9900)
    ProductOptionFactory(product=item.product, name="FREE", stock=7)
    return broadcast, item


def test_the_console_json_is_the_sellers_and_another_seller_gets_404(client, show):
    """The seller reads stock and codes; another seller gets 404 for the console and its pin button."""
    broadcast, item = show
    client.force_login(broadcast.seller)
    data = client.get(reverse("live:studio-console", args=[broadcast.pk])).json()
    assert data["items"] == [
        {
            "item_id": item.pk,
            "code": "A1",
            "name": item.product.name,
            "price": 9900,
            "stock": 7,
            "sold_out": False,
            "pinned": False,
            "held": 0,
            "waiting": 0,
        }
    ]
    client.force_login(SellerFactory())
    assert client.get(reverse("live:studio-console", args=[broadcast.pk])).status_code == 404
    pin = reverse("live:studio-item", args=[broadcast.pk, item.pk, "pin"])
    assert client.post(pin, {"back": "console"}).status_code == 404
    item.refresh_from_db()
    assert not item.is_pinned


def test_the_studio_shows_the_console_during_the_show_and_pins_return_to_it(client, show):
    """Live: the console with the chat, A1 and the slots for the health and question panels; after the
    show there is no console."""
    broadcast, item = show
    client.force_login(broadcast.seller)
    page = client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert 'data-testid="console"' in page
    assert 'id="live-chat"' in page
    assert '<span class="console-code">A1</span>' in page
    response = client.post(
        reverse("live:studio-item", args=[broadcast.pk, item.pk, "pin"]), {"back": "console"}
    )
    assert response.url.endswith("#console")
    item.refresh_from_db()
    assert item.is_pinned
    services.broadcast_end(broadcast=broadcast)
    assert (
        'data-testid="console"'
        not in client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    )
