"""Products belong to a seller: the product page names it, and its shop page shows what 전자상거래법 asks."""

import datetime

import pytest
from django.utils import timezone

from apps.catalog import hooks
from apps.catalog.models import Product
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory, UserFactory
from apps.catalog.views import PRODUCTS_PER_PAGE
from apps.sellers import services as seller_services
from apps.sellers.models import Seller
from apps.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_the_product_page_names_its_seller_and_links_to_the_shop(client):
    """The product page shows the seller's 상호 linking to /shops/<id>/."""
    seller = SellerFactory(business_name="초록상회")
    product = ProductFactory(seller=seller)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "초록상회" in html
    assert f'href="/shops/{seller.pk}/"' in html


def test_the_shop_lists_its_visible_products_and_its_business_details(client):
    """The shop shows its own products (not hidden ones, not others'), and 상호, 대표자, 사업자등록번호,
    통신판매업 신고번호, address and contact."""
    seller = SellerFactory(
        business_name="하늘리빙",
        representative="최하늘",
        business_number="2208162517",
        mail_order_number="2023-경기성남-02310",
        address="경기도 성남시 분당구 판교역로 166",
        phone="031-702-5500",
        email="cs@haneul.example",
    )
    ProductFactory(seller=seller, name="린넨 커튼")
    ProductFactory(seller=seller, name="숨긴 수건", status=Product.Status.HIDDEN)
    ProductFactory(name="남의 상품")

    html = client.get(f"/shops/{seller.pk}/").content.decode()

    assert "린넨 커튼" in html
    assert "숨긴 수건" not in html
    assert "남의 상품" not in html
    for shown in (
        "하늘리빙",
        "최하늘",
        "220-81-62517",
        "2023-경기성남-02310",
        "판교역로 166",
        "031-702-5500",
    ):
        assert shown in html
    assert "cs@haneul.example" in html


def test_the_shop_pages_its_products_like_a_category(client):
    """More products than a page holds are split into pages with the same sort links."""
    seller = SellerFactory()
    for number in range(PRODUCTS_PER_PAGE + 1):
        ProductFactory(seller=seller, name=f"상품 {number:02d}", sale_price=1000 + number, list_price=5000)

    first = client.get(f"/shops/{seller.pk}/?sort=price_asc").content.decode()
    second = client.get(f"/shops/{seller.pk}/?sort=price_asc&page=2").content.decode()

    assert "상품 00" in first
    assert f"상품 {PRODUCTS_PER_PAGE:02d}" not in first
    assert f"상품 {PRODUCTS_PER_PAGE:02d}" in second
    assert 'aria-label="페이지"' in first


def test_the_shop_shows_its_broadcasts_from_the_live_module(client):
    """Upcoming broadcasts and replays come from the provider live registers in catalog's hooks."""
    seen = {}

    def provider(*, user_id):
        seen["user_id"] = user_id
        return [
            {
                "url": "/live/7/",
                "title": "금요일 밤 신상 라이브",
                "image_url": "",
                "is_live": False,
                "is_scheduled": True,
                "starts_at": timezone.now() + datetime.timedelta(days=1),
            }
        ]

    member = UserFactory()
    seller = SellerFactory(user=member)
    previous = hooks._providers["seller_broadcasts"]
    hooks.seller_broadcasts_register(provider)
    try:
        html = client.get(f"/shops/{seller.pk}/").content.decode()
    finally:
        hooks.seller_broadcasts_register(previous)

    assert seen["user_id"] == member.pk
    assert "금요일 밤 신상 라이브" in html
    assert "예정" in html


def test_an_application_in_review_has_no_shop(client):
    """Shoppers cannot open the shop of an application in review or rejected."""
    pending = SellerFactory(status=Seller.Status.PENDING)
    rejected = SellerFactory(status=Seller.Status.REJECTED)

    assert client.get(f"/shops/{pending.pk}/").status_code == 404
    assert client.get(f"/shops/{rejected.pk}/").status_code == 404
    assert client.get("/shops/999999/").status_code == 404


def test_a_suspended_sellers_product_page_offers_no_buy_button(client, django_capture_on_commit_callbacks):
    """After a suspension the product page (even the cached one) says why it cannot be bought."""
    option = ProductOptionFactory(stock=5)
    product = option.product
    assert "바로 구매" in client.get(product.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        seller_services.seller_suspend(seller=product.seller, reason="점검")

    html = client.get(product.get_absolute_url()).content.decode()
    assert "바로 구매" not in html
    assert "판매자 사정으로 지금은 구매할 수 없어요" in html
    shop = client.get(f"/shops/{product.seller_id}/").content.decode()
    assert "판매자 사정으로 지금은 이 상점의 상품을 구매할 수 없어요" in shop


def test_the_shop_shows_the_sellers_coming_broadcasts_and_replays_not_others(client):
    """With live's real provider: a scheduled broadcast and a ready replay show; one without a replay and
    another seller's do not."""
    from apps.live.models import Broadcast
    from apps.live.tests.factories import BroadcastFactory

    member = UserFactory()
    seller = SellerFactory(user=member)
    member.refresh_from_db()
    BroadcastFactory(seller=member, title="다음 주 신상 라이브")
    replay = BroadcastFactory(seller=member, title="지난주 특가 다시보기")
    gone = BroadcastFactory(seller=member, title="녹화 없는 방송")
    Broadcast.objects.filter(pk=replay.pk).update(
        status=Broadcast.Status.ENDED,
        started_at=timezone.now() - datetime.timedelta(days=7),
        replay_status=Broadcast.ReplayStatus.READY,
    )
    Broadcast.objects.filter(pk=gone.pk).update(status=Broadcast.Status.ENDED)
    BroadcastFactory(title="남의 방송")

    html = client.get(f"/shops/{seller.pk}/").content.decode()

    assert "다음 주 신상 라이브" in html
    assert "지난주 특가 다시보기" in html
    assert "다시보기</span>" in html
    assert "녹화 없는 방송" not in html
    assert "남의 방송" not in html
