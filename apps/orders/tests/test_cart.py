"""Carts: adding, the guest cart merged at login, re-checks of stock and price, the header count."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.catalog import services as catalog_services
from apps.core.events import publish
from apps.orders import selectors
from apps.orders.models import CartItem
from apps.orders.services import carts
from apps.orders.tests.factories import PASSWORD, ProductOptionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _add(client, option, quantity=1, action="cart"):
    return client.post(
        reverse("orders:cart-add"),
        {"product": option.product_id, "option": option.pk, "quantity": quantity, "action": action},
    )


def test_guest_cart_is_merged_into_the_member_cart_at_login(client, option):
    """A guest's cart joins the member's at login: same options add up, the session cart empties."""
    user = UserFactory()
    carts.cart_item_add(user=user, option_id=option.pk, quantity=2)
    other = ProductOptionFactory(stock=5)
    _add(client, option, 3)
    _add(client, other, 1)

    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    quantities = dict(CartItem.objects.filter(cart__user=user).values_list("option_id", "quantity"))
    assert quantities == {option.pk: 5, other.pk: 1}
    assert selectors.guest_cart_items(client.session) == {}


def test_merge_caps_quantities_at_stock(option):
    """Merged quantities never pass the option's stock."""
    user = UserFactory()
    carts.cart_item_add(user=user, option_id=option.pk, quantity=8)

    carts.cart_merge(user=user, items={option.pk: 5})

    assert CartItem.objects.get(cart__user=user, option=option).quantity == 10


def test_adding_more_than_stock_is_refused(shopper, option):
    """The cart says how many are left instead of taking more than the stock."""
    with pytest.raises(ValidationError, match="10개"):
        carts.cart_item_add(user=shopper, option_id=option.pk, quantity=11)


def test_cart_page_notes_price_and_stock_changes(client, shopper, option):
    """Shown again, the cart re-checks: a price that moved and a stock that shrank are both said."""
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=4)
    product = option.product
    product.sale_price = 21000
    catalog_services.product_save(product=product)
    catalog_services.option_stock_set(option_id=option.pk, stock=2)
    client.force_login(shopper)

    page = client.get(reverse("orders:cart")).content.decode()

    assert "24,000원에서 21,000원으로 바뀌었어요" in page
    assert "재고가 2개 남았어요" in page


def test_header_shows_the_cart_count(client, shopper, option):
    """The header's badge counts the member's cart lines."""
    carts.cart_item_add(user=shopper, option_id=option.pk)
    client.force_login(shopper)

    page = client.get("/").content.decode()

    assert 'data-testid="cart-count">1<' in page


def test_cart_page_query_budget(client, django_assert_max_num_queries, shopper):
    """The cart page's queries do not grow with its lines."""
    for _ in range(6):
        carts.cart_item_add(user=shopper, option_id=ProductOptionFactory(stock=5).pk)
    client.force_login(shopper)
    client.get(reverse("orders:cart"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("orders:cart"))

    assert response.status_code == 200
    assert len(response.context["cart"].lines) == 6


def test_quantity_change_and_removal(client, shopper, option):
    """The stepper sets a quantity; × takes the line out."""
    carts.cart_item_add(user=shopper, option_id=option.pk)
    client.force_login(shopper)

    client.post(reverse("orders:cart-item-update", args=[option.pk]), {"quantity": 3})
    assert CartItem.objects.get(cart__user=shopper).quantity == 3

    client.post(reverse("orders:cart-item-remove", args=[option.pk]))
    assert not CartItem.objects.filter(cart__user=shopper).exists()


def test_direct_checkout_goes_to_checkout_with_only_that_option(client, shopper, option):
    """바로 구매 skips the cart: the checkout shows that option alone."""
    carts.cart_item_add(user=shopper, option_id=ProductOptionFactory().pk)
    client.force_login(shopper)

    response = _add(client, option, 2, action="buy")
    page = client.get(response["Location"])

    assert response["Location"] == reverse("orders:checkout") + "?now=1"
    assert [line.option.pk for line in page.context["lines"]] == [option.pk]


def test_direct_checkout_of_an_item_that_sold_out_meanwhile_goes_back_to_the_product_saying_so(
    client, shopper, option
):
    """A live drop's last unit went while the shopper filled in the checkout: 결제하기 answers 품절 on the
    product page, not an empty-cart prompt."""
    client.force_login(shopper)
    _add(client, option, 1, action="buy")
    catalog_services.option_stock_set(option_id=option.pk, stock=0)

    response = client.post(reverse("orders:checkout") + "?now=1", {"agree": "on"}, follow=True)

    assert response.redirect_chain[0][0] == option.product.get_absolute_url()
    shown = [str(message) for message in response.context["messages"]]
    assert any("품절" in message and option.product.name in message for message in shown)


def test_withdrawal_empties_the_cart(django_capture_on_commit_callbacks, shopper, option):
    """account.withdrawn empties the withdrawn member's cart."""
    carts.cart_item_add(user=shopper, option_id=option.pk)

    with django_capture_on_commit_callbacks(execute=True):
        publish("account.withdrawn", {"user_id": shopper.pk})

    assert selectors.cart_count(user=shopper) == 0
