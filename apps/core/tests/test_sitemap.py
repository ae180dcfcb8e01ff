"""/sitemap.xml lists what a crawler may open (on SITE_URL), /robots.txt keeps it out of members' pages."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from apps.catalog.models import Product
from apps.catalog.tests.factories import CategoryFactory, ProductFactory
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db

SITE = "https://shop.example"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_the_sitemap_lists_visible_products_categories_and_broadcasts_on_the_public_host():
    shown, sold_out = ProductFactory(), ProductFactory(status=Product.Status.SOLD_OUT)
    hidden = ProductFactory(status=Product.Status.HIDDEN)
    category = CategoryFactory()
    broadcast = BroadcastFactory()

    response = Client().get("/sitemap.xml", HTTP_HOST="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    addresses = [loc.text for loc in root.findall("s:url/s:loc", NS)]
    assert f"{SITE}/p/{shown.pk}/" in addresses
    assert f"{SITE}/p/{sold_out.pk}/" in addresses
    assert f"{SITE}/p/{hidden.pk}/" not in addresses
    assert f"{SITE}{category.get_absolute_url()}" in addresses
    assert f"{SITE}/live/{broadcast.pk}/" in addresses
    assert all(address.startswith(f"{SITE}/") for address in addresses)


def test_robots_txt_allows_the_shop_keeps_out_private_pages_and_points_at_the_sitemap():
    response = Client().get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ("/seller/", "/admin/", "/accounts/", "/checkout/", "/orders/", "/staff/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
