"""The shopper's journey in Chromium: product → cart → checkout → the PG sandbox window → my orders (결제완료).

The PG sandbox runs as a real HTTP server; the page loads its SDK stand-in and the window is its own page.
Every step is saved at phone and desktop size in var/screenshots/.
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from apps.catalog import services as catalog_services
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory, image_upload
from apps.orders.models import Order
from apps.orders.tests.factories import ShippingAddressFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_product_to_cart_to_checkout_to_sandbox_payment_to_my_orders(
    page, screenshot, portone, pg_sandbox, settings, live_server
):
    """A shopper buys two items through the sandbox window and finds the order 결제완료 in my orders."""
    settings.PORTONE_SANDBOX = True
    settings.PORTONE_SDK_URL = f"{pg_sandbox.url}sandbox/iamport.js"
    product = ProductFactory(name="캐시미어 라운드 니트", brand="트라이", list_price=59000, sale_price=39000)
    catalog_services.product_image_add(product=product, image=image_upload("knit.png", colour="#c9b8f0"))
    option = ProductOptionFactory(product=product, name="아이보리 / M", stock=12)
    ProductOptionFactory(product=product, name="차콜 / L", stock=3)
    shopper = UserFactory(username="journey", name="김여정", phone="010-2345-6789")
    ShippingAddressFactory(user=shopper, label="집", recipient="김여정", is_default=True)
    _log_in(page, shopper, live_server.url)

    page.goto(product.get_absolute_url())
    page.select_option("[data-option-select]", str(option.pk))
    page.fill("#quantity", "2")
    page.get_by_role("button", name="장바구니", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("cart-count").inner_text() == "1"

    page.goto("/cart/")
    assert page.get_by_test_id("cart-lines").get_by_text("캐시미어 라운드 니트").is_visible()
    assert "78,000원" in page.get_by_test_id("order-total").inner_text()
    screenshot(page, "orders-cart")

    page.get_by_test_id("checkout-button").click()
    page.wait_for_url("**/checkout/")
    assert page.get_by_text("서울 성동구 성수이로 100").is_visible()
    page.get_by_label("주문 내용을 확인했으며 결제에 동의합니다").check()
    screenshot(page, "orders-checkout")

    page.get_by_test_id("pay-button").click()
    page.wait_for_url(f"{pg_sandbox.url}sandbox/pay**")
    assert page.get_by_text("78,000").first.is_visible()
    page.fill("#card_number", "4111 1111 1111 1111")
    page.fill("#expiry", "12/30")
    page.fill("#pwd_2digit", "12")
    screenshot(page, "orders-sandbox-window")

    page.get_by_role("button", name="78,000원 결제하기").click()
    page.wait_for_url("**/orders/*/?completed=1")
    assert page.get_by_test_id("order-complete").is_visible()
    assert page.get_by_test_id("order-status").inner_text() == "결제완료"
    screenshot(page, "orders-complete")

    order = Order.objects.get(user=shopper)
    assert order.status == Order.Status.PAID
    assert order.total_amount == 78000
    assert order.history.filter(to_status=Order.Status.PAID).count() == 1
    assert pg_sandbox.ledger.payment_get(order.imp_uid)["amount"] == 78000

    page.goto("/orders/")
    assert page.get_by_test_id("order-list").get_by_text("결제완료").is_visible()
    screenshot(page, "orders-my-orders")

    page.goto(order.get_absolute_url())
    assert page.get_by_test_id("cancel-button").is_visible()
    screenshot(page, "orders-detail")
    assert page.get_by_test_id("cart-count").count() == 0  # paid items left the cart
