"""Checkout's payment methods and the 가상계좌 instructions in Chromium, saved at phone and desktop size."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.orders.models import Order
from apps.orders.services import carts
from apps.orders.tests.factories import ShippingAddressFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_checkout_methods_then_a_virtual_account_shown_on_the_order_page_until_the_deposit(
    page, screenshot, portone, pg_sandbox, settings, live_server
):
    """The shopper picks 가상계좌, gets an account in the window, reads it on the order page; the deposit pays."""
    settings.PORTONE_SANDBOX = True
    settings.PORTONE_SDK_URL = f"{pg_sandbox.url}sandbox/iamport.js"
    product = ProductFactory(name="울 블렌드 롱 코트", list_price=129000, sale_price=99000)
    option = ProductOptionFactory(product=product, name="카멜 / M", stock=5)
    shopper = UserFactory(username="vbank-buyer", name="이입금", phone="010-3456-7890")
    ShippingAddressFactory(user=shopper, label="집", recipient="이입금", is_default=True)
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=1)
    _log_in(page, shopper, live_server.url)

    page.goto("/checkout/")
    methods = page.get_by_test_id("pay-methods")
    for label in ("신용·체크카드", "카카오페이", "네이버페이", "토스페이", "가상계좌"):
        assert methods.get_by_text(label, exact=True).is_visible()
    assert page.get_by_test_id("pay-method-card").is_checked()
    page.get_by_test_id("pay-method-vbank").check()
    page.get_by_label("주문 내용을 확인했으며 결제에 동의합니다").check()
    screenshot(page, "payments-checkout-methods")

    page.get_by_test_id("pay-button").click()
    page.wait_for_url(f"{pg_sandbox.url}sandbox/pay**")
    page.select_option("#vbank_code", "088")
    screenshot(page, "payments-vbank-window")
    page.get_by_role("button", name="계좌 발급받기").click()
    page.wait_for_url("**/orders/*/")

    order = Order.objects.get(user=shopper)
    assert order.status == Order.Status.PENDING
    instructions = page.get_by_test_id("vbank-instructions")
    assert instructions.is_visible()
    assert page.get_by_test_id("vbank-bank").inner_text() == "신한은행"
    payment = pg_sandbox.ledger.payment_find(order.merchant_uid)
    assert page.get_by_test_id("vbank-number").inner_text() == payment["vbank_num"]
    assert "까지" in page.get_by_test_id("vbank-deadline").inner_text()
    screenshot(page, "payments-vbank-instructions")

    pg_sandbox.vbank_deposit(payment["imp_uid"])
    page.reload()

    assert page.get_by_test_id("order-status").inner_text() == "결제완료"
    assert not page.get_by_test_id("vbank-instructions").count()
    assert page.get_by_test_id("refund-account").is_visible()
    screenshot(page, "payments-vbank-paid-refund-account")


def test_the_kakaopay_window_pays_from_checkout(page, screenshot, portone, pg_sandbox, settings, live_server):
    """카카오페이 chosen at checkout opens 카카오페이's approval window; approving it pays the order."""
    settings.PORTONE_SANDBOX = True
    settings.PORTONE_SDK_URL = f"{pg_sandbox.url}sandbox/iamport.js"
    option = ProductOptionFactory(stock=5)
    shopper = UserFactory(username="kakao-buyer", name="박카카오", phone="010-4567-8901")
    ShippingAddressFactory(user=shopper, label="집", recipient="박카카오", is_default=True)
    carts.cart_item_add(user=shopper, option_id=option.pk, quantity=1)
    _log_in(page, shopper, live_server.url)

    page.goto("/checkout/")
    page.get_by_test_id("pay-method-kakaopay").check()
    page.get_by_label("주문 내용을 확인했으며 결제에 동의합니다").check()
    page.get_by_test_id("pay-button").click()
    page.wait_for_url(f"{pg_sandbox.url}sandbox/pay**")
    assert page.get_by_role("heading", name="카카오페이").is_visible()
    screenshot(page, "payments-kakaopay-window")
    page.get_by_role("button", name="결제하기").click()
    page.wait_for_url("**/orders/*/?completed=1")

    assert page.get_by_test_id("order-status").inner_text() == "결제완료"
    assert "카카오페이" in page.get_by_role("region", name="결제 정보").inner_text()
