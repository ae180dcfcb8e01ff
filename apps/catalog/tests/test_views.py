import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog import services
from apps.catalog.models import Product, ProductImage, Review, Wishlist
from apps.catalog.tests.factories import CategoryFactory, ProductFactory, ProductOptionFactory, UserFactory
from apps.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

# Most queries any catalog page may make, cold cache, logged in, whatever the number of products on it.
PAGE_QUERY_BUDGET = 10


def _shop(count: int, bought, prefix: str = "") -> Product:
    """A category tree with ``count`` products (image, options, reviews each); returns the first product."""
    root = CategoryFactory(name="패션", slug=f"{prefix}fashion")
    women = CategoryFactory(name="여성의류", slug=f"{prefix}women", parent=root)
    leaf = CategoryFactory(name="원피스", slug=f"{prefix}dress", parent=women)
    buyer = UserFactory()
    seller = SellerFactory()
    products = []
    for number in range(count):
        product = ProductFactory(category=leaf, seller=seller, name=f"플로럴 원피스 {number}")
        ProductImage.objects.create(
            product=product, image=f"p/{prefix}{number}.jpg", thumbnail=f"t/{prefix}{number}.jpg"
        )
        products.append(product)
    first = products[0]
    for number in range(count):
        ProductOptionFactory(product=first, name=f"옵션 {number}", stock=number % 3)
        ProductImage.objects.create(product=first, image=f"products/x{number}.jpg", position=number + 1)
        line_id = Review.objects.count() + 1
        bought(buyer, first, line_id)
        services.review_create(user=buyer, product=first, order_line_id=line_id, rating=5, text="좋아요")
        services.product_sales_record(product_id=products[number].pk, quantity=number + 1)
    return first


PAGES = [
    "/",
    "/categories/",
    "/c/fashion/",
    "/c/dress/?sort=price_asc&page=1",
    "/search/?q=원피스",
    "/wishlist/",
]


def _pages(prefix: str) -> list[str]:
    return [page.replace("/c/", f"/c/{prefix}") for page in PAGES]


def _query_counts(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        cache.delete_pattern("catalog:*")  # cold catalog caches; the session stays
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


@pytest.mark.parametrize("count", [5, 60])
def test_every_catalog_page_stays_within_its_query_budget(
    client, bought, count, django_assert_max_num_queries
):
    """Main, categories, category, search, product and wishlist pages cost at most a few queries, cold."""
    product = _shop(count, bought)
    client.force_login(UserFactory())

    shop = f"/shops/{product.seller_id}/"
    for url in [*PAGES, product.get_absolute_url(), f"{product.get_absolute_url()}reviews/", shop]:
        cache.delete_pattern("catalog:*")  # cold catalog caches; the session stays
        with django_assert_max_num_queries(PAGE_QUERY_BUDGET):
            assert client.get(url).status_code == 200


def test_query_counts_do_not_grow_with_the_number_of_products(client, bought):
    """A page of 60 products (60 options, images and reviews on the product) costs the queries of 5."""
    small = _shop(5, bought, prefix="small-")
    large = _shop(60, bought, prefix="large-")

    small_counts = _query_counts(
        client, [*_pages("small-")[1:-1], small.get_absolute_url(), f"/shops/{small.seller_id}/"]
    )
    large_counts = _query_counts(
        client, [*_pages("large-")[1:-1], large.get_absolute_url(), f"/shops/{large.seller_id}/"]
    )

    assert list(small_counts.values()) == list(large_counts.values())


def test_cached_main_and_product_pages_cost_no_query_for_a_visitor(client, bought, django_assert_num_queries):
    """Once warm, the main page and a product page are served from the cache without touching the database."""
    product = _shop(5, bought)
    client.get("/")
    client.get(product.get_absolute_url())

    with django_assert_num_queries(0):
        client.get("/")
    with django_assert_num_queries(0):
        client.get(product.get_absolute_url())


def test_page_views_never_write(client, bought):
    """No GET of a catalog page writes a row (no view counters): it never needs a write lock."""
    product = _shop(5, bought)
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        for url in [*PAGES, product.get_absolute_url()]:
            client.get(url)

    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_category_page_shows_breadcrumbs_and_descendant_products(client):
    """/c/fashion/ lists a dress filed two levels down, with 홈 › 패션 breadcrumbs."""
    fashion = CategoryFactory(name="패션", slug="fashion")
    dress = CategoryFactory(
        name="원피스", slug="dress", parent=CategoryFactory(name="여성의류", slug="w", parent=fashion)
    )
    ProductFactory(category=dress, name="셔링 롱 원피스")

    html = client.get("/c/dress/").content.decode()

    assert "셔링 롱 원피스" in client.get("/c/fashion/").content.decode()
    assert 'aria-current="page">원피스' in html
    assert ">여성의류</a>" in html


def test_sort_and_price_filter_come_from_a_shareable_querystring(client):
    """The querystring alone decides sort, price range and page, so the URL can be shared."""
    for price in (9000, 19000, 29000, 39000):
        ProductFactory(name=f"상품 {price}", list_price=price, sale_price=price)

    html = client.get("/search/?q=상품&sort=price_desc&min_price=10000&max_price=30000").content.decode()

    assert html.index("상품 29000") < html.index("상품 19000")
    assert "상품 9000" not in html
    assert "상품 39000" not in html
    assert "sort=price_asc" in html
    assert "min_price=10000" in html


def test_a_wrong_querystring_falls_back_to_the_defaults(client):
    """Nonsense in sort, prices or page never breaks the page."""
    ProductFactory(name="린넨 셔츠")

    response = client.get("/search/?q=셔츠&sort=evil&min_price=abc&page=999")

    assert response.status_code == 200
    assert "린넨 셔츠" in response.content.decode()


def test_product_page_shows_price_options_buttons_and_an_empty_live_slot(client):
    """The product page shows the discount, the options, 장바구니 / 바로 구매 and the broadcasts slot."""
    option = ProductOptionFactory(
        product=ProductFactory(name="린넨 셔츠", list_price=30000, sale_price=21000), name="화이트 / M"
    )
    ProductOptionFactory(product=option.product, name="블랙 / L", stock=0)

    html = client.get(option.product.get_absolute_url()).content.decode()

    assert "30%" in html
    assert "21,000원" in html
    assert "화이트 / M" in html
    assert "블랙 / L · 품절" in html
    assert 'action="/cart/add/"' in html
    assert "장바구니" in html
    assert "바로 구매" in html
    assert "이 상품을 소개한 라이브" in html
    assert "재입고 알림 신청" in html


def test_hidden_products_are_not_found(client):
    """A 숨김 product answers 404 to shoppers."""
    product = ProductFactory()
    services.product_status_set(products=[product], status=Product.Status.HIDDEN)

    assert client.get(product.get_absolute_url()).status_code == 404


def test_product_page_shows_reviews_with_their_average(client, bought):
    """Reviews appear with the average and the count on the product page."""
    product, buyer = ProductFactory(), UserFactory(name="김리뷰")
    bought(buyer, product, 1, 2)
    services.review_create(user=buyer, product=product, order_line_id=1, rating=5, text="색감이 예뻐요")
    services.review_create(user=buyer, product=product, order_line_id=2, rating=4, text="잘 맞아요")

    html = client.get(product.get_absolute_url()).content.decode()

    assert "색감이 예뻐요" in html
    assert "4.5" in html
    assert "리뷰 2" in html


def test_a_non_buyer_gets_no_review_form(client):
    """A shopper without a delivered order line is refused the review form."""
    product, shopper = ProductFactory(), UserFactory()
    client.force_login(shopper)

    assert "리뷰 쓰기" not in client.get(product.get_absolute_url()).content.decode()
    assert client.get(f"/p/{product.pk}/reviews/new/").status_code == 403
    assert client.post(f"/p/{product.pk}/reviews/new/", {"rating": 5, "text": "써볼래요"}).status_code == 403
    assert Review.objects.count() == 0


def test_a_buyer_writes_a_review_through_the_form(client, bought):
    """A buyer with a delivered line sees 리뷰 쓰기 and posts a review that updates the product."""
    product, buyer = ProductFactory(), UserFactory()
    bought(buyer, product, 77)
    client.force_login(buyer)
    assert "리뷰 쓰기" in client.get(product.get_absolute_url()).content.decode()

    response = client.post(
        f"/p/{product.pk}/reviews/new/", {"order_line": 77, "rating": 4, "text": "만족해요"}
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.review_count, float(product.rating_avg)) == (1, 4.0)


def test_the_heart_toggles_through_htmx(client):
    """A logged-in shopper hearts a product with htmx and gets the pressed heart back; it is on /wishlist/."""
    product, shopper = ProductFactory(name="찜할 셔츠"), UserFactory()
    client.force_login(shopper)

    response = client.post(f"/p/{product.pk}/wish/", headers={"HX-Request": "true"})

    assert 'aria-pressed="true"' in response.content.decode()
    assert Wishlist.objects.filter(user=shopper, product=product).exists()
    assert "찜할 셔츠" in client.get("/wishlist/").content.decode()


def test_a_visitor_is_sent_to_login_by_the_heart(client):
    """An anonymous heart asks htmx to go to the login page instead of failing."""
    product = ProductFactory()

    response = client.post(f"/p/{product.pk}/wish/", headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"].startswith("/accounts/login/?next=")
    assert client.get("/wishlist/").status_code == 302


def test_restock_alert_form_then_mail_when_stock_returns(client, django_capture_on_commit_callbacks):
    """A shopper asks for an alert on a sold-out option on the product page and is mailed on restock."""
    option = ProductOptionFactory(stock=0)
    shopper = UserFactory(email="alert@example.com")
    client.force_login(shopper)

    response = client.post(f"/restock-alerts/{option.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        services.option_stock_set(option_id=option.pk, stock=2)

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["alert@example.com"]]
