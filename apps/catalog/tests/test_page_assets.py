"""What the shop's pages load: the web font without a render-blocking stylesheet, htmx only where the markup
uses it, no video player outside the live pages, and no script that holds up the first paint."""

import re

import pytest

from apps.catalog.tests.factories import CategoryFactory, ProductFactory, ProductOptionFactory, UserFactory

pytestmark = pytest.mark.django_db

HX_ATTRIBUTE = re.compile(r"\shx-[a-z]+=")
SCRIPT_TAG = re.compile(r"<script\b[^>]*\bsrc=[^>]*>")
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def _pages(client) -> dict[str, str]:
    category = CategoryFactory()
    product = ProductFactory(category=category)
    ProductOptionFactory(product=product)
    paths = {
        "main": "/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "live list": "/live/",
        "signup": "/accounts/signup/",
        "login": "/accounts/login/",
    }
    pages = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def test_the_frame_declares_pretendard_inline_and_neither_preloads_nor_blocks_on_a_font(client):
    """The main page declares its Pretendard faces inline with swap and metric-matched fallbacks, and neither
    preloads a font (measured: a preload puts its bytes ahead of the largest picture) nor links a font
    stylesheet."""
    html = client.get("/").content.decode()

    assert re.search(r'font-family: "Pretendard Web"; [^}]*pretendard-ui[^"]*\.woff2', html)
    assert "font-display: swap" in html
    assert "size-adjust" in html
    assert 'rel="preload"' not in html
    assert not [href for href in STYLESHEET.findall(html) if "pretendard" in href.lower()]
    assert "dynamic-subset" not in html


def test_htmx_loads_exactly_on_the_pages_with_hx_attributes(client):
    """A page links htmx if and only if its markup has hx- attributes (the product page's heart, signup's ID
    check); the main, category, live list and login pages do not download it."""
    pages = _pages(client)

    for name, html in pages.items():
        assert ("htmx.min" in html) == bool(HX_ATTRIBUTE.search(html)), name
    assert "htmx.min" in pages["product"]
    assert "htmx.min" in pages["signup"]
    assert "htmx.min" not in pages["main"]


def test_a_member_page_without_hx_attributes_has_no_htmx(client):
    """The frame of a logged-in member (header forms, cart badge) carries no hx- attribute and no htmx."""
    client.force_login(UserFactory())
    html = client.get("/").content.decode()

    assert not HX_ATTRIBUTE.search(html)
    assert "htmx.min" not in html


def test_shop_pages_load_no_video_player_and_no_blocking_script(client):
    """No shop page outside the live room and studio loads hls.js, and every script waits for the parsed page
    (defer or module)."""
    for name, html in _pages(client).items():
        assert "vendor/hls/" not in html, name
        for tag in SCRIPT_TAG.findall(html):
            assert " defer" in tag or 'type="module"' in tag, (name, tag)
