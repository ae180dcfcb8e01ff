"""A product link shared to KakaoTalk or found by a search engine: OpenGraph, Twitter, canonical, Product data."""

import pytest
from django.test import Client

from apps.catalog import services
from apps.catalog.models import Product
from apps.catalog.tests.factories import ProductFactory, image_upload
from apps.core.tests.share_support import share_tags

pytestmark = pytest.mark.django_db

SITE = "https://shop.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_a_product_page_previews_name_price_image_and_canonical_address():
    product = ProductFactory(name="린넨 셔츠", sale_price=24000, list_price=30000)
    services.product_image_add(product=product, image=image_upload())

    tags = share_tags(Client().get(product.get_absolute_url(), HTTP_HOST="127.0.0.1").content.decode())

    url = f"{SITE}/p/{product.pk}/"
    assert tags.canonical == [url]
    assert tags.meta["og:url"] == url
    assert tags.meta["og:type"] == "product"
    assert tags.meta["og:title"] == "린넨 셔츠 24,000원"
    assert tags.meta["product:price:amount"] == "24000"
    assert tags.meta["product:price:currency"] == "KRW"
    assert tags.meta["og:image"].startswith(f"{SITE}/media/products/")
    assert tags.meta["twitter:card"] == "summary_large_image"
    assert tags.meta["twitter:image"] == tags.meta["og:image"]
    assert "24,000원" in tags.meta["og:description"]


def test_product_data_names_offer_brand_and_rating():
    product = ProductFactory(brand="", sale_price=19900)
    Product.objects.filter(pk=product.pk).update(rating_avg="4.50", review_count=12)

    [data] = share_tags(Client().get(product.get_absolute_url()).content.decode()).jsonld

    assert data["@type"] == "Product"
    assert data["name"] == product.name
    assert data["brand"] == {"@type": "Brand", "name": product.seller.business_name}
    assert data["offers"]["price"] == 19900
    assert data["offers"]["priceCurrency"] == "KRW"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["aggregateRating"]["ratingValue"] == 4.5
    assert data["aggregateRating"]["reviewCount"] == 12


def test_a_sold_out_product_without_reviews_says_so_and_claims_no_rating():
    product = ProductFactory(status=Product.Status.SOLD_OUT)

    tags = share_tags(Client().get(product.get_absolute_url()).content.decode())

    assert tags.meta["product:availability"] == "out of stock"
    assert tags.jsonld[0]["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert "aggregateRating" not in tags.jsonld[0]
    assert tags.meta["twitter:card"] == "summary"


def test_a_name_that_closes_the_script_stays_data():
    """A seller's product name cannot end the JSON-LD element and run as markup."""
    name = '</script><script>alert(1)</script> & "따옴표"'
    product = ProductFactory(name=name)

    html = Client().get(product.get_absolute_url()).content.decode()
    tags = share_tags(html)

    assert "<script>alert(1)" not in html
    assert tags.jsonld[0]["name"] == name
    assert tags.meta["og:title"].startswith(name)
