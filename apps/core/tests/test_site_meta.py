"""What browsers and search engines read around the pages: the icon, the web app manifest and each page's
meta description."""

import json
import re

import pytest
from django.test import Client

from apps.catalog.share import product_preview
from apps.catalog.tests.factories import CategoryFactory, ProductFactory
from apps.core.tests.factories import policies_fresh

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
DEFAULT_DESCRIPTION = (
    "셀러의 라이브 방송을 보고, 채팅하고, 라이브 특가로 바로 구매하는 라이브 쇼핑 TriMarket."
)


def _descriptions(path: str) -> list[str]:
    response = Client().get(path)
    assert response.status_code == 200, path
    return DESCRIPTION.findall(response.content.decode())


def test_favicon_ico_is_served_as_an_icon():
    """/favicon.ico answers the brand mark as an ICO file, cacheable."""
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert "max-age" in response["Cache-Control"]


def test_pages_link_the_icons_and_the_manifest():
    """Every page names its SVG icon, the Apple touch icon and the web app manifest."""
    html = Client().get("/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', html)
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert re.search(r'<link rel="apple-touch-icon" href="[^"]*apple-touch-icon\.png">', html)
    assert '<link rel="manifest" href="/site.webmanifest">' in html


def test_web_manifest_names_the_shop_and_icons_that_exist():
    """The manifest is JSON with the Korean name, a start URL and 192 and 512 pixel icons that answer 200."""
    client = Client()
    response = client.get("/site.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "TriMarket 라이브 쇼핑"
    assert manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_each_page_has_one_description_of_its_own():
    """Home, a category, search, live and a policy page each carry exactly one meta description, their own."""
    policies_fresh()
    category = CategoryFactory(name="패션의류")
    descriptions = {
        path: _descriptions(path)
        for path in ("/", category.get_absolute_url(), "/search/?q=니트", "/live/", "/terms/")
    }
    assert all(len(found) == 1 and found[0] for found in descriptions.values()), descriptions
    assert descriptions["/"] == [DEFAULT_DESCRIPTION]
    assert "패션의류" in descriptions[category.get_absolute_url()][0]
    assert "‘니트’" in descriptions["/search/?q=니트"][0]
    assert len({found[0] for found in descriptions.values()}) == len(descriptions)


def test_product_page_describes_the_product_once():
    """A product page's only meta description is its share summary (price, brand and description)."""
    product = ProductFactory(name="캐시미어 니트", description="<p>부드러운 <b>캐시미어</b> 100%</p>")
    found = _descriptions(product.get_absolute_url())
    assert len(found) == 1
    assert found[0].startswith(f"{product.sale_price:,}원")
    assert found[0] == product_preview(product).description
