"""The studio as a seller uses it: adding products (prices and hidden products refused in Korean), the
checklist ticked only from real checks, moderators appointed by search, and the report after the show."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.catalog.models import Product
from apps.catalog.tests.factories import ProductFactory
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def _add(client, broadcast, **data):
    response = client.post(reverse("live:studio-product-add", args=[broadcast.pk]), data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("live_price", "reason"),
    [
        ("0", "라이브 특가는 1원 이상이어야 해요."),
        ("-5", "라이브 특가는 1원 이상이어야 해요."),
        ("20001", "라이브 특가는 판매가(20,000원)보다 높을 수 없어요."),
        ("abc", "라이브 특가는 숫자로 적어 주세요."),
    ],
)
def test_studio_refuses_a_live_price_out_of_range_in_korean(client, live_price, reason):
    """The seller reads why the price was refused, and the product is not added."""
    broadcast = BroadcastFactory()
    product = ProductFactory(category=broadcast.category, list_price=25000, sale_price=20000)
    client.force_login(broadcast.seller)
    assert _add(client, broadcast, product=product.pk, live_price=live_price) == [reason]
    assert not broadcast.items.exists()


def test_studio_refuses_a_hidden_product(client):
    """A hidden product is neither offered in the studio's list nor added when posted anyway."""
    broadcast = BroadcastFactory()
    hidden = ProductFactory(category=broadcast.category, name="숨긴 셔츠", status=Product.Status.HIDDEN)
    client.force_login(broadcast.seller)
    assert "숨긴 셔츠" not in client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert _add(client, broadcast, product=hidden.pk) == ["판매중이거나 품절인 상품만 추가할 수 있어요."]
    assert not broadcast.items.exists()


def _checklist(client, broadcast) -> dict[str, bool]:
    page = client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    checks = page.split('data-testid="checklist">', 1)[1].split("</ul>", 1)[0]
    result = {}
    for line in checks.split("<li ")[1:]:
        label = line.split('class="studio-checklist__body">', 1)[1].split("<", 1)[0]
        result[label] = 'data-done="1"' in line
    return result


def test_checklist_ticks_only_what_it_checked(client):
    """A new broadcast has only its key ticked; products, a pin and the encoder's publish tick the rest."""
    from apps.live import services

    broadcast = BroadcastFactory()
    client.force_login(broadcast.seller)
    assert _checklist(client, broadcast) == {
        "스트림 키 발급": True,
        "OBS 송출 연결 확인": False,
        "판매할 상품 1개 이상 추가": False,
        "판매할 수 있는 상품 (품절 아님)": False,
        "먼저 소개할 상품 고정": False,
        "대표 이미지 등록": False,
    }
    page = client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert "OBS에 서버 URL과 스트림 키를 넣고" in page
    assert 'data-testid="checklist-count">1/6' in page
    assert "키프레임 간격" in page  # advice, not a ticked item

    item = services.broadcast_product_add(
        broadcast=broadcast, product=ProductFactory(category=broadcast.category)
    )
    services.broadcast_product_pin(item=item)
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    checks = _checklist(client, broadcast)
    assert checks.pop("대표 이미지 등록") is False
    assert checks == {
        "스트림 키 발급": True,
        "OBS 송출 연결됨": True,
        "판매할 상품 1개 이상 추가": True,
        "판매할 수 있는 상품 (품절 아님)": True,
        "먼저 소개할 상품 고정": True,
    }
    services.broadcast_product_sold_out_set(item=item, sold_out=True)
    assert _checklist(client, broadcast)["판매할 수 있는 상품 (품절 아님)"] is False
