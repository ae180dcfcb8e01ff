"""The studio as a seller uses it: adding products (prices and hidden products refused in Korean), the
checklist ticked only from real checks, moderators appointed by search, and the report after the show."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.catalog.models import Product
from apps.catalog.tests.factories import ProductFactory
from apps.live.tests.factories import BroadcastFactory, own_product

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
    product = own_product(broadcast, category=broadcast.category, list_price=25000, sale_price=20000)
    client.force_login(broadcast.seller)
    assert _add(client, broadcast, product=product.pk, live_price=live_price) == [reason]
    assert not broadcast.items.exists()


def test_studio_refuses_a_hidden_product(client):
    """A hidden product is neither offered in the studio's list nor added when posted anyway."""
    broadcast = BroadcastFactory()
    hidden = own_product(
        broadcast, category=broadcast.category, name="숨긴 셔츠", status=Product.Status.HIDDEN
    )
    client.force_login(broadcast.seller)
    assert "숨긴 셔츠" not in client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert _add(client, broadcast, product=hidden.pk) == [
        "내 상점의 판매중이거나 품절인 상품만 추가할 수 있어요."
    ]
    assert not broadcast.items.exists()


def test_studio_offers_and_adds_only_the_sellers_own_products(client):
    """Another shop's product is neither offered in the studio's list nor added when its id is posted."""
    broadcast = BroadcastFactory()
    own_product(broadcast, category=broadcast.category, name="우리 가게 니트")
    theirs = ProductFactory(category=broadcast.category, name="남의 가게 니트")
    client.force_login(broadcast.seller)
    studio = client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert "우리 가게 니트" in studio
    assert "남의 가게 니트" not in studio
    assert _add(client, broadcast, product=theirs.pk) == [
        "내 상점의 판매중이거나 품절인 상품만 추가할 수 있어요."
    ]
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
        "송출 품질 (비트레이트·프레임·키프레임·오디오)": False,
        "판매할 상품 1개 이상 추가": False,
        "판매할 수 있는 상품 (품절 아님)": False,
        "먼저 소개할 상품 고정": False,
        "대표 이미지 등록": False,
    }
    page = client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert "OBS에 서버 URL과 스트림 키를 넣고" in page
    assert 'data-testid="checklist-count">1/7' in page
    # Stream quality is ticked only from a measurement, which needs a stream (test_health.py measures one).
    assert "송출을 시작하면 비트레이트·프레임·키프레임 간격·오디오를 재서" in page

    item = services.broadcast_product_add(
        broadcast=broadcast, product=own_product(broadcast, category=broadcast.category)
    )
    services.broadcast_product_pin(item=item)
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    checks = _checklist(client, broadcast)
    assert checks.pop("대표 이미지 등록") is False
    assert checks == {
        "스트림 키 발급": True,
        "OBS 송출 연결됨": True,
        "송출 품질 (비트레이트·프레임·키프레임·오디오)": False,
        "판매할 상품 1개 이상 추가": True,
        "판매할 수 있는 상품 (품절 아님)": True,
        "먼저 소개할 상품 고정": True,
    }
    services.broadcast_product_sold_out_set(item=item, sold_out=True)
    assert _checklist(client, broadcast)["판매할 수 있는 상품 (품절 아님)"] is False


def test_seller_appoints_and_dismisses_a_moderator_by_search(client):
    """Search finds a member by whole login ID or part of the name; 지정 and 해제 change who moderates."""
    from apps.live.models import BroadcastModerator
    from apps.live.room.selectors import may_moderate
    from apps.live.tests.factories import UserFactory

    broadcast = BroadcastFactory()
    helper = UserFactory(username="helper77", name="김도우미")
    UserFactory(username="helper78", name="박다른")
    client.force_login(broadcast.seller)
    url = reverse("live:studio", args=[broadcast.pk])

    page = client.get(url).content.decode()
    assert "아직 지정한 매니저가 없어요" in page
    assert client.get(url, {"member": "help"}).content.decode().count('data-testid="member-result"') == 0
    by_name = client.get(url, {"member": "도우미"}).content.decode()
    assert by_name.count('data-testid="member-result"') == 1
    assert "김도우미" in by_name
    assert "helper77" not in by_name  # the login ID is shown masked
    assert "hel*****" in by_name
    by_id = client.get(url, {"member": "HELPER77"}).content.decode()
    assert by_id.count('data-testid="member-result"') == 1

    response = client.post(reverse("live:studio-moderator", args=[broadcast.pk, "add"]), {"user": helper.pk})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "김도우미 님을 채팅 매니저로 지정했어요."
    ]
    assert may_moderate(user=helper, broadcast=broadcast)
    page = client.get(url, {"member": "도우미"}).content.decode()
    assert page.count('data-testid="moderator"') == 1
    assert 'data-testid="member-none"' in page  # an appointed member is not offered again

    client.post(reverse("live:studio-moderator", args=[broadcast.pk, "remove"]), {"user": helper.pk})
    assert not BroadcastModerator.objects.filter(broadcast=broadcast).exists()
    assert not may_moderate(user=helper, broadcast=broadcast)


def test_moderator_forms_refuse_what_they_cannot_do(client):
    """Another seller's studio is a 404; an inactive member, the seller or a non-moderator cannot be named."""
    from apps.live.tests.factories import SellerFactory, UserFactory

    broadcast = BroadcastFactory()
    member = UserFactory(is_active=False)
    add = reverse("live:studio-moderator", args=[broadcast.pk, "add"])
    client.force_login(SellerFactory())
    assert client.post(add, {"user": UserFactory().pk}).status_code == 404
    client.force_login(broadcast.seller)
    for user_id in (member.pk, broadcast.seller.pk, "x"):
        response = client.post(add, {"user": user_id}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            "회원을 찾을 수 없어요. 다시 검색해 주세요."
        ]
    response = client.post(
        reverse("live:studio-moderator", args=[broadcast.pk, "remove"]),
        {"user": UserFactory().pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["회원을 찾을 수 없어요. 다시 검색해 주세요."]
    assert not broadcast.moderators.exists()
