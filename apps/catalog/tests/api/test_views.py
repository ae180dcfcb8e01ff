"""The catalog over /api/v1/: categories, the product list's search, filters and sort, a product's detail and
reviews, the wishlist and restock alerts (each member sees and changes only their own)."""

import pytest

from apps.accounts.tests.factories import UserFactory
from apps.catalog.models import Product, RestockAlert, Review, Wishlist
from apps.catalog.tests.factories import CategoryFactory, ProductFactory, ProductOptionFactory
from apps.core.testing import api_client_for, api_error

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_categories_come_as_a_tree():
    fashion = CategoryFactory(name="패션", slug="fashion")
    CategoryFactory(name="원피스", slug="dress", parent=fashion)

    tree = api_client_for().get("/api/v1/categories/").json()

    root = next(node for node in tree if node["slug"] == "fashion")
    assert [child["slug"] for child in root["children"]] == ["dress"]


def test_search_filters_and_sorts_like_the_search_page():
    dresses = CategoryFactory(slug="dresses")
    cheap = ProductFactory(name="플로럴원피스", category=dresses, sale_price=19000, list_price=30000)
    dear = ProductFactory(name="린넨 원피스", category=dresses, sale_price=59000, list_price=60000)
    ProductFactory(name="린넨 셔츠", sale_price=29000)
    ProductFactory(name="숨긴 원피스", status=Product.Status.HIDDEN)
    client = api_client_for()

    assert _ids(client.get("/api/v1/products/?q=원피스&sort=price_asc")) == [cheap.pk, dear.pk]
    assert _ids(client.get("/api/v1/products/?q=원피스&sort=price_desc")) == [dear.pk, cheap.pk]
    assert _ids(client.get("/api/v1/products/?category=dresses&max_price=20000")) == [cheap.pk]
    assert _ids(client.get("/api/v1/products/?category=dresses&min_price=20000")) == [dear.pk]
    assert _ids(client.get("/api/v1/products/?category=nothing-here")) == []


def test_in_stock_leaves_out_sold_out_products_and_newest_comes_first():
    older = ProductFactory(name="테스트 머그")
    sold_out = ProductFactory(name="테스트 컵", status=Product.Status.SOLD_OUT)
    client = api_client_for()

    assert _ids(client.get("/api/v1/products/?q=테스트&sort=new")) == [sold_out.pk, older.pk]
    assert _ids(client.get("/api/v1/products/?q=테스트&in_stock=true")) == [older.pk]
    card = client.get("/api/v1/products/?q=테스트 컵").json()["results"][0]
    assert card["sold_out"] is True


def test_popular_sort_puts_best_sellers_first():
    slow = ProductFactory(name="인기 테스트 A")
    best = ProductFactory(name="인기 테스트 B")
    Product.objects.filter(pk=best.pk).update(sales_count=50)
    Product.objects.filter(pk=slow.pk).update(sales_count=3)

    assert _ids(api_client_for().get("/api/v1/products/?q=인기 테스트&sort=popular")) == [best.pk, slow.pk]


def test_a_bad_filter_is_a_400_naming_it():
    response = api_client_for().get("/api/v1/products/?sort=cheapest&min_price=-1")

    assert response.status_code == 400
    assert set(api_error(response)["fields"]) == {"sort", "min_price"}


def test_product_detail_has_options_with_prices_and_stock_and_reviews():
    option = ProductOptionFactory(name="블랙 / L", stock=3, extra_price=2000)
    product = option.product
    buyer = UserFactory(name="홍길동")
    Review.objects.create(product=product, user=buyer, order_line_id=9_000_000_001, rating=4, text="편해요")

    detail = api_client_for().get(f"/api/v1/products/{product.pk}/").json()

    assert detail["options"] == [
        {
            "id": option.pk,
            "name": "블랙 / L",
            "extra_price": 2000,
            "price": product.sale_price + 2000,
            "stock": 3,
            "sold_out": False,
        }
    ]
    assert [(r["rating"], r["text"], r["author"]) for r in detail["reviews"]] == [(4, "편해요", "홍**")]
    assert detail["wished"] is False
    reviews = api_client_for().get(f"/api/v1/products/{product.pk}/reviews/").json()
    assert [review["text"] for review in reviews["results"]] == ["편해요"]


def test_a_hidden_product_is_a_404():
    hidden = ProductFactory(status=Product.Status.HIDDEN)

    for path in (f"/api/v1/products/{hidden.pk}/", f"/api/v1/products/{hidden.pk}/reviews/"):
        response = api_client_for(UserFactory()).get(path)
        assert response.status_code == 404
        api_error(response)


def test_wishlist_add_list_remove_is_each_members_own():
    product = ProductFactory()
    mine, other = UserFactory(), UserFactory()
    me = api_client_for(mine)

    assert me.post("/api/v1/wishlist/", {"product_id": product.pk}, format="json").status_code == 201
    assert me.post("/api/v1/wishlist/", {"product_id": product.pk}, format="json").status_code == 201
    assert _ids(me.get("/api/v1/wishlist/")) == [product.pk]
    assert me.get(f"/api/v1/products/{product.pk}/").json()["wished"] is True

    stranger = api_client_for(other)
    assert _ids(stranger.get("/api/v1/wishlist/")) == []
    refused = stranger.delete(f"/api/v1/wishlist/{product.pk}/")
    assert refused.status_code == 404
    api_error(refused)
    assert Wishlist.objects.filter(user=mine, product=product).exists()

    assert me.delete(f"/api/v1/wishlist/{product.pk}/").status_code == 204
    assert _ids(me.get("/api/v1/wishlist/")) == []


def test_restock_alert_on_a_sold_out_option_only():
    sold_out = ProductOptionFactory(stock=0)
    in_stock = ProductOptionFactory(stock=5)
    shopper = UserFactory()
    client = api_client_for(shopper)

    created = client.post("/api/v1/restock-alerts/", {"option_id": sold_out.pk}, format="json")
    refused = client.post("/api/v1/restock-alerts/", {"option_id": in_stock.pk}, format="json")

    assert created.status_code == 201
    assert created.json()["option_id"] == sold_out.pk
    assert refused.status_code == 400
    assert "재고가 있는 옵션" in api_error(refused)["message"]
    assert [a["option_id"] for a in client.get("/api/v1/restock-alerts/").json()["results"]] == [sold_out.pk]
    assert api_client_for(UserFactory()).get("/api/v1/restock-alerts/").json()["results"] == []
    assert RestockAlert.objects.filter(user=shopper).count() == 1
