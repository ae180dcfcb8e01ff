"""First-time visitors share cached main, category and product pages, each with a working CSRF token of their own."""

import re

import pytest
from django.test import Client

from apps.catalog import caching, services
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory, UserFactory
from apps.core import pagecache

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page has no CSRF form field"
    return match.group(1)


def test_two_first_time_visitors_can_each_add_to_cart_from_the_cached_product_page():
    """The second visitor's page comes from the cache, yet its 장바구니 form is accepted with a fresh token."""
    option = ProductOptionFactory(stock=5)
    url = option.product.get_absolute_url()
    for _visitor in range(2):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(url)
        assert page.status_code == 200
        assert "__trimarket_csrf_token__" not in page.content.decode()

        added = browser.post(
            "/cart/add/",
            {
                "product": option.product_id,
                "option": option.pk,
                "quantity": 1,
                "csrfmiddlewaretoken": _token(page.content.decode()),
            },
        )

        assert added.status_code == 302
        assert browser.get("/cart/").context["cart_count"] == 1


def test_a_staff_price_change_shows_at_once_to_first_time_visitors(
    client, django_capture_on_commit_callbacks
):
    """Changing a product drops its cached page: the next visitor sees the new price, not the stored page."""
    product = ProductFactory(sale_price=19_900, list_price=29_900)
    ProductOptionFactory(product=product)
    assert "19,900원" in client.get(product.get_absolute_url()).content.decode()

    product.sale_price = 15_900
    with django_capture_on_commit_callbacks(execute=True):
        services.product_save(product=product)

    assert "15,900원" in Client().get(product.get_absolute_url()).content.decode()


def test_a_staff_edit_shows_at_once_on_the_cached_category_page(django_capture_on_commit_callbacks):
    """A category page is shared too; renaming or hiding one of its products changes it for the next visitor,
    and a sorted URL is rendered for its own query."""
    product = ProductFactory(name="린넨 셔츠")
    ProductOptionFactory(product=product)
    url = product.category.get_absolute_url()
    assert "린넨 셔츠" in Client().get(url).content.decode()

    product.name = "코튼 셔츠"
    with django_capture_on_commit_callbacks(execute=True):
        services.product_save(product=product)

    html = Client().get(url).content.decode()
    assert "코튼 셔츠" in html
    assert "린넨 셔츠" not in html
    assert "코튼 셔츠" in Client().get(url + "?sort=price_asc").content.decode()

    product.status = "hidden"
    with django_capture_on_commit_callbacks(execute=True):
        services.product_save(product=product)

    assert "코튼 셔츠" not in Client().get(url).content.decode()


def test_a_renamed_category_shows_on_a_cached_product_page(django_capture_on_commit_callbacks):
    """Every page shows the category navigation: a category edit reaches the shared product pages too."""
    product = ProductOptionFactory().product
    category = product.category
    Client().get(product.get_absolute_url())

    category.name = "새이름카테고리"
    with django_capture_on_commit_callbacks(execute=True):
        services.category_save(category=category)

    assert "새이름카테고리" in Client().get(product.get_absolute_url()).content.decode()


def test_a_stock_move_keeps_the_shared_category_pages(django_capture_on_commit_callbacks):
    """Cards show no stock: a reservation (a sale in a live drop) leaves every category page's copy alone."""
    option = ProductOptionFactory(stock=5)
    Client().get(option.product.category.get_absolute_url())
    key_before = caching.category_page_key(option.product.category.slug)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.option_stock_reserve(option_id=option.pk, quantity=1)
    pagecache.local_clear()

    assert caching.category_page_key(option.product.category.slug) == key_before


def test_a_logged_in_shopper_gets_the_page_rendered_for_them(client):
    """A member never sees the anonymous copy: the header offers their 마이페이지 instead of 로그인."""
    product = ProductOptionFactory().product
    Client().get(product.get_absolute_url())
    client.force_login(UserFactory(name="김하나"))

    html = client.get(product.get_absolute_url()).content.decode()

    assert 'title="김하나님 마이페이지"' in html
    assert 'title="로그인"' not in html


def test_a_renamed_product_shows_at_once_on_the_main_page_for_members_and_visitors(
    client, django_capture_on_commit_callbacks
):
    """The main page's sections are kept rendered for everyone; a product edit drops them with the page."""
    product = ProductOptionFactory().product
    client.force_login(UserFactory())
    assert product.name in client.get("/").content.decode()
    assert product.name in Client().get("/").content.decode()

    product.name = "이름바꾼상품"
    with django_capture_on_commit_callbacks(execute=True):
        services.product_save(product=product)

    assert "이름바꾼상품" in client.get("/").content.decode()
    assert "이름바꾼상품" in Client().get("/").content.decode()


def test_a_member_who_bought_the_product_gets_its_page_rendered_for_them(bought):
    """리뷰 쓰기 is the buyer's alone: their product page is not the members' shared copy, another member's is."""
    product = ProductOptionFactory().product
    buyer, other = UserFactory(), UserFactory()
    bought(buyer, product, 501)
    browsers = {}
    for user in (other, buyer):
        browsers[user] = Client()
        browsers[user].force_login(user)

    assert "리뷰 쓰기" not in browsers[other].get(product.get_absolute_url()).content.decode()
    assert "리뷰 쓰기" in browsers[buyer].get(product.get_absolute_url()).content.decode()
    assert "리뷰 쓰기" not in browsers[other].get(product.get_absolute_url()).content.decode()
