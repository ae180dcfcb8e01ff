"""No page is marked a language it does not speak: the shop is Korean only, so every page says ``ko``."""

import re

import pytest
from django.test import Client

from apps.catalog.tests.factories import ProductFactory, UserFactory
from apps.live.tests.factories import BroadcastFactory, SellerFactory

LANG = re.compile(r'\blang="([^"]*)"')


def pages(product, broadcast) -> list[str]:
    return [
        "/",
        "/search/?q=a",
        product.get_absolute_url(),
        f"/live/{broadcast.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/me/",
        "/cart/",
        "/seller/",
    ]


@pytest.mark.django_db
def test_every_page_says_korean_to_a_browser_that_asks_for_english():
    seller = SellerFactory()
    product, broadcast = ProductFactory(seller=seller.seller), BroadcastFactory(seller=seller)
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(seller)
    # A cookie a browser kept from the old switch is ignored too.
    client.cookies["django_language"] = "en"

    for path in pages(product, broadcast):
        response = client.get(path, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert LANG.findall(html) == ["ko"], path
        assert "hreflang" not in html, path


@pytest.mark.django_db
def test_the_language_switch_is_gone():
    client = Client()
    client.force_login(UserFactory())

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 404
    assert '<html lang="ko">' in client.get("/").content.decode()
