"""A shopper's walk through the catalog in Chromium, saved at phone and desktop size."""

import pytest
from django.conf import settings
from django.test import Client

from apps.catalog import demo
from apps.catalog.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _quiet(iterable, desc: str):
    return iterable


def _log_in(page, user) -> None:
    """Give the browser the session cookie of a logged-in user (the login form is the accounts module's)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.url}])


def _load_lazy_images(page) -> None:
    """Scroll to the bottom and back so lazy pictures below the fold are in the full-page screenshot."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


def test_main_to_category_to_product_then_heart_it(page, screenshot):
    """From the main page a shopper opens a category, a product, hearts it and finds it in the wishlist."""
    demo.load(progress=_quiet, products=60, images_per_product=2)
    shopper = UserFactory(username="heart")

    page.goto("/")
    assert page.get_by_role("heading", name="지금 라이브").is_visible()
    assert page.get_by_role("heading", name="오늘의 추천").is_visible()
    page.evaluate("document.fonts.ready")
    _load_lazy_images(page)
    screenshot(page, "catalog-main")

    page.goto("/categories/")
    screenshot(page, "catalog-categories")
    page.get_by_role("link", name="원피스", exact=True).first.click()
    page.wait_for_url("**/c/dress/")
    assert page.locator(".breadcrumbs").get_by_text("여성의류").is_visible()
    screenshot(page, "catalog-category")

    page.get_by_role("link", name="높은 가격").click()
    page.wait_for_url("**sort=price_desc**")
    page.locator(".product-card__name").first.click()
    page.wait_for_url("**/p/*/")
    assert page.get_by_role("button", name="장바구니").is_visible()
    assert page.get_by_role("button", name="바로 구매").is_visible()
    screenshot(page, "catalog-product")
    product_name = page.locator("#product-name").inner_text()

    page.goto("/search/?q=" + "원피스")
    assert page.locator(".product-card").count() > 0
    screenshot(page, "catalog-search")

    _log_in(page, shopper)
    page.goto("/search/?q=" + product_name.split()[0])
    page.get_by_text(product_name, exact=True).first.click()
    page.get_by_test_id("wish-button").click()
    page.wait_for_selector("[data-testid=wish-button][aria-pressed=true]")

    page.goto("/wishlist/")
    assert page.get_by_text(product_name).first.is_visible()
    screenshot(page, "catalog-wishlist")
