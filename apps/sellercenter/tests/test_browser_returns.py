"""Returns in Chromium at phone and desktop size: the shopper's request form, the order page with a return in
progress, the seller's returns list and one request. Screenshots in var/screenshots/returns-*."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services
from apps.orders.models import Order, ReturnRequest, Shipment
from apps.orders.services import returns
from apps.orders.tests.factories import UserFactory, order_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, base_url: str) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_a_shopper_asks_for_a_return_and_the_seller_sees_it(page, screenshot, live_server):
    seller = SellerFactory(username="shop_returns")
    product = ProductFactory(seller=seller.seller, name="캐시미어 라운드 니트")
    ivory = ProductOptionFactory(product=product, name="아이보리 / M", stock=10)
    ProductOptionFactory(product=product, name="차콜 / M", stock=10)
    shopper = UserFactory(username="returner", name="김반품")
    order = order_make(user=shopper, items={ivory.pk: 2})
    order = order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_browser_{order.pk}")
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order = order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="601234567890"
        )
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=2))

    _log_in(page, shopper, live_server.url)
    page.goto(order.get_absolute_url())
    page.get_by_test_id("return-link").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("return-fee").inner_text() == "3,000원"
    screenshot(page, "returns-request-form")
    page.get_by_test_id("return-submit").click()
    page.wait_for_load_state()
    assert "반품·교환할 상품과 수량을 골라 주세요" in page.get_by_test_id("return-error").inner_text()
    screenshot(page, "returns-request-form-error")
    page.get_by_test_id("return-qty").select_option("1")
    page.get_by_label("상품 불량").check()
    page.fill("textarea[name=detail]", "소매 박음질이 풀려 있어요")
    page.get_by_test_id("return-submit").click()
    page.wait_for_load_state()
    assert "판매자 확인 대기" in page.get_by_test_id("return-status").inner_text()
    assert page.get_by_test_id("confirm-button").count() == 0

    request = ReturnRequest.objects.get()
    returns.return_approve(request=request, seller_id=seller.seller.pk, actor="shop")
    page.reload()
    page.select_option("select[name=carrier]", "cj")
    page.fill("input[name=tracking_number]", "601234567891")
    page.get_by_role("button", name="등록").click()
    page.wait_for_load_state()
    assert "회수 중" in page.get_by_test_id("return-status").inner_text()
    screenshot(page, "returns-order-in-progress")

    _log_in(page, seller, live_server.url)
    page.goto("/seller/returns/?tab=collecting")
    assert page.get_by_test_id("return-row").count() == 1
    screenshot(page, "returns-seller-list")
    page.get_by_test_id("return-row").get_by_role("link").click()
    page.wait_for_load_state()
    assert "판매자 부담" in page.content()
    screenshot(page, "returns-seller-detail")


def test_a_shopper_withdraws_a_request_after_confirming(page, screenshot, live_server):
    """신청 철회 asks first, then the request reads 신청 철회 and the button is gone."""
    seller = SellerFactory(username="shop_withdraw")
    ivory = ProductOptionFactory(product=ProductFactory(seller=seller.seller, name="울 머플러"), stock=5)
    shopper = UserFactory(username="withdrawer", name="김철회")
    order = order_make(user=shopper, items={ivory.pk: 1})
    order = order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_browser_{order.pk}")
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order = order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="601234567892"
        )
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=1))
    request = returns.return_request(
        shipment=order.shipments.get(),
        user=shopper,
        kind="return",
        reason="changed_mind",
        quantities={order.lines.get().pk: 1},
    )
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    _log_in(page, shopper, live_server.url)
    page.goto(order.get_absolute_url())
    screenshot(page, "returns-withdraw-button")
    page.on("dialog", answer)
    page.get_by_test_id("return-withdraw").click()
    page.wait_for_load_state()

    assert asked[:1] == ["반품 신청을 철회할까요? 철회한 뒤에도 기간 안에는 다시 신청할 수 있어요."]
    assert "신청 철회" in page.get_by_test_id("return-status").inner_text()
    assert page.get_by_test_id("return-withdraw").count() == 0
    assert ReturnRequest.objects.get(pk=request.pk).status == ReturnRequest.Status.WITHDRAWN
    screenshot(page, "returns-withdrawn")
