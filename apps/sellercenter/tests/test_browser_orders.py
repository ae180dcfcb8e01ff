"""The seller center's orders pages in Chromium, at phone and desktop size: the list by status, one parcel
(발주 확인, 발송 처리, a cancel request), the CSV preview with a bad row, and the shopper's order page of a
two-shop order with its two parcels and tracking link. Screenshots in var/screenshots/sellercenter-orders-*."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services
from apps.orders.models import CancelRequest, Order
from apps.orders.services import cart_item_add
from apps.orders.tests.factories import UserFactory, order_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user, base_url: str) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _paid(order):
    return order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_browser_{order.pk}")


def test_two_shops_ship_one_order_and_the_shopper_sees_both_parcels(page, screenshot, live_server, tmp_path):
    """Shop A ships by the form, shop B refuses a cancel; the shopper sees two parcels, a tracking link and why."""
    seller_a = SellerFactory(username="shop_a")
    seller_b = SellerFactory(username="shop_b")
    option_a = ProductOptionFactory(
        stock=20,
        name="아이보리 / M",
        product=ProductFactory(seller=seller_a.seller, name="캐시미어 라운드 니트"),
    )
    option_b = ProductOptionFactory(
        stock=20, name="1kg", product=ProductFactory(seller=seller_b.seller, name="제주 감귤 선물세트")
    )
    shopper = UserFactory(username="two_shops", name="김여정")
    order = _paid(order_make(user=shopper, items={option_a.pk: 1, option_b.pk: 2}))
    for _ in range(2):
        _paid(order_make(items={option_a.pk: 1}))
    parcel_a = order.shipments.get(seller=seller_a.seller)
    parcel_b = order.shipments.get(seller=seller_b.seller)

    _log_in(page, seller_a, live_server.url)
    page.goto("/seller/orders/")
    assert page.get_by_test_id("shipment-row").count() == 3
    assert "제주 감귤" not in page.get_by_test_id("shipments").inner_text()
    screenshot(page, "sellercenter-orders-list")
    page.get_by_test_id("shipment-row").nth(2).locator("input[type=checkbox]").check()
    page.get_by_test_id("acknowledge-selected").click()
    page.wait_for_load_state()
    assert "1건 발주를 확인했어요" in page.content()
    assert page.get_by_test_id("shipment-row").count() == 2

    page.goto(f"/seller/orders/{parcel_a.pk}/")
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state()
    page.select_option("#id_carrier", "cj")
    page.fill("#id_tracking_number", "1234")
    page.get_by_test_id("ship").click()
    page.wait_for_load_state()
    assert "CJ대한통운 송장번호는 10~12자리예요" in page.get_by_test_id("ship-error").inner_text()
    screenshot(page, "sellercenter-orders-detail-error")
    page.fill("#id_tracking_number", "6012-3456-7890")
    page.get_by_test_id("ship").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("shipment-tracking").get_by_text("601234567890").is_visible()
    screenshot(page, "sellercenter-orders-detail-shipped")

    upload = tmp_path / "ship.csv"
    upload.write_bytes("주문번호,택배사,송장번호\nTM000000-NOPE,CJ대한통운,601234567890\n".encode("cp949"))
    page.goto("/seller/orders/ship-upload/")
    screenshot(page, "sellercenter-orders-upload")
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="미리 보기").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("row-error").inner_text() == "내 상점의 주문번호가 아니에요."
    screenshot(page, "sellercenter-orders-upload-preview")

    order_services.shipment_acknowledge(shipment=parcel_b, seller_id=seller_b.seller.pk, actor="shop_b")
    order_services.order_cancel(
        order=order, actor=shopper.username, line_ids=[order.lines.get(seller=seller_b.seller).pk]
    )
    _log_in(page, seller_b, live_server.url)
    page.goto("/seller/orders/?tab=cancel_requested")
    assert page.get_by_test_id("shipment-row").count() == 1
    page.goto(f"/seller/orders/{parcel_b.pk}/")
    assert page.get_by_test_id("cancel-request").is_visible()
    screenshot(page, "sellercenter-orders-detail-cancel-request")
    page.fill(f"#refuse-{CancelRequest.objects.get().pk}", "오늘 오전에 이미 포장을 마쳤어요")
    page.get_by_test_id("cancel-refuse").click()
    page.wait_for_load_state()
    assert CancelRequest.objects.get().status == CancelRequest.Status.REFUSED

    _log_in(page, shopper, live_server.url)
    page.goto(order.get_absolute_url())
    assert page.get_by_test_id("parcel").count() == 2
    link = page.get_by_test_id("tracking-link")
    assert (
        link.get_attribute("href")
        == "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=601234567890"
    )
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert "오늘 오전에 이미 포장을 마쳤어요" in page.get_by_test_id("cancel-refused").inner_text()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING
    screenshot(page, "sellercenter-orders-shopper-two-parcels")


def test_a_cart_of_two_shops_shows_each_shops_shipping(page, screenshot, live_server):
    """The cart groups lines by shop, each with its own fee, so the total adds up for the shopper."""
    shopper = UserFactory(username="cart_two_shops")
    for name, seller_name in (("캐시미어 라운드 니트", "shop_c"), ("제주 감귤 선물세트", "shop_d")):
        seller = SellerFactory(username=seller_name)
        option = ProductOptionFactory(stock=5, product=ProductFactory(seller=seller.seller, name=name))
        cart_item_add(user=shopper, option_id=option.pk)
    _log_in(page, shopper, live_server.url)

    page.goto("/cart/")

    assert page.get_by_test_id("cart-shop").count() == 2
    assert page.get_by_test_id("shop-shipping").all_inner_texts() == ["배송비 3,000원", "배송비 3,000원"]
    assert "54,000원" in page.get_by_test_id("order-total").inner_text()
    screenshot(page, "sellercenter-orders-cart-two-shops")

    page.get_by_test_id("checkout-button").click()
    page.wait_for_url("**/checkout/")
    assert page.get_by_test_id("checkout-shop").count() == 2
    screenshot(page, "sellercenter-orders-checkout-two-shops")
