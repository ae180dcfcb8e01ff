"""A logged-in shopper's product page in Chromium: the page all members share, with their own name, cart
badge and heart in it, and nothing of theirs on another member's screen."""

import pytest
from django.conf import settings
from django.test import Client

from apps.catalog.services import product_image_add
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory, UserFactory, image_upload
from apps.conftest import VIEWPORTS
from apps.orders.services import cart_item_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user) -> None:
    """Give the browser the session cookie of a logged-in user (the login form is the accounts module's)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.url}])


def test_a_shopper_sees_their_name_cart_and_heart_and_another_shopper_none_of_them(
    page, browser, live_server, screenshot
):
    """김하나 (2 cart lines) hearts a product; reloading shows her name, 2 and the filled heart; 박두리's page
    of the same product, read from the same stored copy, shows 박두리 and an empty heart."""
    product = ProductFactory(name="린넨 셔츠 원피스", sale_price=39_000, list_price=52_000)
    ProductOptionFactory(product=product, name="베이지 / M", stock=8)
    product_image_add(product=product, image=image_upload(size=(800, 800), colour="#d9c7a7"))
    hana, duri = UserFactory(name="김하나"), UserFactory(name="박두리")
    cart_item_add(user=hana, option_id=product.options.first().pk)
    cart_item_add(user=hana, option_id=ProductOptionFactory(stock=3).pk)
    url = product.get_absolute_url()

    other = browser.new_context(base_url=live_server.url, locale="ko-KR", viewport=VIEWPORTS["desktop"])
    duri_page = other.new_page()
    duri_page.goto("/")
    _log_in(duri_page, duri)
    duri_page.goto(url)  # 박두리 first: 김하나's pages below come from the copy stored now

    page.goto("/")
    _log_in(page, hana)
    page.goto(url)
    page.get_by_test_id("wish-button").click()
    page.wait_for_selector("[data-testid=wish-button][aria-pressed=true]")
    page.reload()

    assert page.get_by_test_id("member-link").get_attribute("title") == "김하나님 마이페이지"
    assert page.get_by_test_id("cart-count").inner_text() == "2"
    assert page.get_by_test_id("wish-button").get_attribute("aria-pressed") == "true"
    screenshot(page, "members-product")
    assert page.get_by_test_id("member-name").inner_text() == "김하나님"  # visible at desktop width

    duri_page.reload()
    assert duri_page.get_by_test_id("member-name").inner_text() == "박두리님"
    assert duri_page.get_by_test_id("cart-count").count() == 0
    assert duri_page.get_by_test_id("wish-button").get_attribute("aria-pressed") == "false"
    assert "김하나" not in duri_page.content()
    other.close()
