import datetime

import pytest
from django.utils import timezone

from apps.catalog import selectors, services
from apps.catalog.models import Product
from apps.catalog.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _names(products) -> list[str]:
    return [product.name for product in products]


def test_a_category_lists_the_products_of_all_its_descendants():
    """패션 lists what is filed under 여성의류 > 원피스; 원피스 does not list what sits under 뷰티."""
    fashion = CategoryFactory(slug="fashion")
    women = CategoryFactory(slug="women", parent=fashion)
    dress = CategoryFactory(slug="dress", parent=women)
    beauty = CategoryFactory(slug="beauty")
    ProductFactory(category=dress, name="플로럴 원피스")
    ProductFactory(category=women, name="린넨 셔츠")
    ProductFactory(category=beauty, name="수분크림")

    tree, node = selectors.category_get_by_slug(slug="fashion")
    in_fashion = selectors.product_listing(category_ids=tree.descendant_ids(node))
    tree, node = selectors.category_get_by_slug(slug="dress")
    in_dress = selectors.product_listing(category_ids=tree.descendant_ids(node))

    assert sorted(_names(in_fashion)) == ["린넨 셔츠", "플로럴 원피스"]
    assert _names(in_dress) == ["플로럴 원피스"]
    assert [crumb.slug for crumb in tree.breadcrumbs(node)] == ["fashion", "women", "dress"]


def test_search_finds_korean_words_in_name_brand_and_description():
    """Korean words match inside names, brands and descriptions; every word of the query must match."""
    ProductFactory(name="플로럴 롱원피스", brand="마뗑킴", description="<p>여름 휴가룩</p>")
    ProductFactory(name="린넨 셔츠", brand="포터리", description="<p>시원한 <b>여름</b> 셔츠</p>")
    ProductFactory(name="수분크림", brand="에스트라", description="<p>겨울 보습</p>")

    assert _names(selectors.product_listing(query="원피스")) == ["플로럴 롱원피스"]
    assert _names(selectors.product_listing(query="포터리")) == ["린넨 셔츠"]
    assert sorted(_names(selectors.product_listing(query="여름"))) == ["린넨 셔츠", "플로럴 롱원피스"]
    assert _names(selectors.product_listing(query="여름 셔츠")) == ["린넨 셔츠"]
    assert _names(selectors.product_listing(query="b")) == []  # markup is not searched


def test_hidden_products_are_never_listed():
    """숨김 products appear in no listing or search."""
    product = ProductFactory(name="비밀 상품")
    services.product_status_set(products=[product], status=Product.Status.HIDDEN)

    assert _names(selectors.product_listing(query="비밀")) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["싼", "중간", "비싼"]),
        ("price_desc", ["비싼", "중간", "싼"]),
        ("popular", ["중간", "비싼", "싼"]),
        ("new", ["싼", "중간", "비싼"]),
        ("rating", ["비싼", "싼", "중간"]),
    ],
)
def test_listings_sort_by_the_chosen_order(sort, expected):
    """신상품, 낮은 가격, 높은 가격, 인기 and 평점 each order the products as a shopper expects."""
    now = timezone.now()
    for age, (name, price, sold, rating) in enumerate(
        [("싼", 5000, 1, 3.5), ("중간", 20000, 50, 2.0), ("비싼", 90000, 10, 4.8)]
    ):
        product = ProductFactory(name=name, list_price=price, sale_price=price)
        Product.objects.filter(pk=product.pk).update(
            sales_count=sold, rating_avg=rating, created_at=now - datetime.timedelta(days=age)
        )

    assert _names(selectors.product_listing(sort=sort)) == expected


def test_price_filter_keeps_products_within_the_range():
    """Only products whose sale price lies within the min and max are listed."""
    for price in (5000, 15000, 30000):
        ProductFactory(name=f"{price}원 상품", list_price=price, sale_price=price)

    listed = selectors.product_listing(min_price=10000, max_price=30000, sort="price_asc")

    assert _names(listed) == ["15000원 상품", "30000원 상품"]


def test_recommendations_alternate_last_weeks_best_sellers_with_new_arrivals():
    """Best sellers of the last 7 days alternate with the newest arrivals; sales older than 7 days do not count."""
    now = timezone.now()
    old_hit = ProductFactory(name="지난달 인기")
    best = ProductFactory(name="이번주 베스트")
    second = ProductFactory(name="이번주 2위")
    newest = ProductFactory(name="신상")
    for age, product in enumerate([newest, second, best, old_hit]):
        Product.objects.filter(pk=product.pk).update(created_at=now - datetime.timedelta(days=age + 10))
    Product.objects.filter(pk=newest.pk).update(created_at=now)
    today = timezone.localdate()
    services.product_sales_record(product_id=old_hit.pk, quantity=500, day=today - datetime.timedelta(days=8))
    services.product_sales_record(product_id=best.pk, quantity=30, day=today - datetime.timedelta(days=6))
    services.product_sales_record(product_id=second.pk, quantity=10, day=today)

    recommended = [card.name for card in selectors.home_sections()["recommended"]]

    assert recommended[:4] == ["이번주 베스트", "신상", "이번주 2위", "지난달 인기"]
