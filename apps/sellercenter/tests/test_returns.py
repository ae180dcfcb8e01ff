"""Returns and exchanges through the pages: the shopper asks on the order page's form, the seller answers in the
seller center, the refund reaches the PG sandbox; refusals show their reason; other shops and shoppers get 404."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.accounts.tests.factories import UserFactory
from apps.catalog.models import ProductOption
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services
from apps.orders.models import Order, ReturnRequest, Shipment
from apps.orders.tests.factories import order_make
from apps.payments import services as payment_services

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shop():
    seller = SellerFactory()
    product = ProductFactory(seller=seller.seller, name="라운드 니트")
    return (
        seller,
        ProductOptionFactory(product=product, name="아이보리", stock=10),
        ProductOptionFactory(product=product, name="차콜", stock=10),
    )


def _deliver(order: Order, days_ago: float = 1) -> Order:
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order = order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="601234567890"
        )
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=days_ago))
    return Order.objects.get(pk=order.pk)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("torn.png", buffer.getvalue(), content_type="image/png")


def _form_url(order: Order) -> str:
    return reverse("orders:return-new", args=[order.merchant_uid, order.shipments.get().pk])


def test_a_return_asked_on_the_page_ends_in_a_partial_refund_at_the_sandbox(
    shop, portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """2 of 3 units back for 단순 변심 (72,000원 order, free shipping → 6,000원 왕복): the sandbox refunds 42,000원."""
    seller, ivory, _charcoal = shop
    shopper = UserFactory()
    order = order_make(user=shopper, items={ivory.pk: 3})
    payment_services.payment_start(order=order)
    paid = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    payment_services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=paid["imp_uid"])
    order = _deliver(Order.objects.get(pk=order.pk))
    line = order.lines.get()
    me = _client(shopper)

    page = me.get(order.get_absolute_url()).content.decode()
    assert "반품·교환 신청" in page
    form = me.get(_form_url(order)).content.decode()
    assert "왕복 배송비" in form
    assert "6,000원" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = me.post(
            _form_url(order),
            {"kind": "return", "reason": "changed_mind", f"qty_{line.pk}": "2", "photos": [_png()]},
        )
    assert response.status_code == 302
    request = ReturnRequest.objects.get()
    seller_client = _client(seller)
    assert order.merchant_uid in seller_client.get(reverse("sellercenter:returns")).content.decode()
    assert (
        "고객 부담 6,000원"
        in seller_client.get(reverse("sellercenter:return-detail", args=[request.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(reverse("sellercenter:return-approve", args=[request.pk]))
        me.post(
            reverse("orders:return-tracking", args=[order.merchant_uid, request.pk]),
            {"carrier": "hanjin", "tracking_number": "5123-4567-8901"},
        )
        seller_client.post(reverse("sellercenter:return-collect", args=[request.pk]))

    payment = pg_sandbox.ledger.payment_get(paid["imp_uid"])
    assert payment["cancel_amount"] == 48000 - 6000
    assert payment["status"] == "paid"  # partly cancelled: one unit is still the shopper's
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    assert request.tracking_number == "512345678901"
    assert ProductOption.objects.get(pk=ivory.pk).stock == 10 - 3 + 2
    page = me.get(order.get_absolute_url()).content.decode()
    assert "반품 · 환불 완료" in page
    assert "환불 42,000원" in page


def test_a_refusal_needs_a_reason_and_the_shopper_reads_it(shop):
    seller, ivory, _charcoal = shop
    order = _deliver(
        order_services.order_mark_paid_demo(order=order_make(items={ivory.pk: 1}), imp_uid="imp_r")
    )
    me = _client(order.user)
    me.post(_form_url(order), {"kind": "return", "reason": "defective", f"qty_{order.lines.get().pk}": "1"})
    request = ReturnRequest.objects.get()
    seller_client = _client(seller)

    empty = seller_client.post(reverse("sellercenter:return-refuse", args=[request.pk]), {"reason": ""})
    seller_client.post(
        reverse("sellercenter:return-refuse", args=[request.pk]), {"reason": "착용 흔적이 있어요"}
    )

    assert empty.status_code == 400
    assert "거부 사유를 입력해 주세요" in empty.content.decode()
    page = me.get(order.get_absolute_url()).content.decode()
    assert "판매자가 거절했어요: 착용 흔적이 있어요" in page
    assert "구매 확정" in page  # nothing open any more: the order may be confirmed


def test_the_form_refuses_day_8_and_an_empty_choice_in_korean(shop):
    _seller, ivory, _charcoal = shop
    late = _deliver(
        order_services.order_mark_paid_demo(order=order_make(items={ivory.pk: 1}), imp_uid="imp_l"),
        days_ago=8,
    )
    fresh = _deliver(
        order_services.order_mark_paid_demo(order=order_make(items={ivory.pk: 1}), imp_uid="imp_f")
    )

    assert "반품·교환 신청" not in _client(late.user).get(late.get_absolute_url()).content.decode()
    assert "신청 기간" in _client(late.user).get(_form_url(late)).content.decode()
    refused = _client(late.user).post(_form_url(late), {"kind": "return", "reason": "defective"})
    empty = _client(fresh.user).post(_form_url(fresh), {"kind": "return", "reason": "defective"})
    assert empty.status_code == 400
    assert "반품·교환할 상품과 수량을 골라 주세요" in empty.content.decode()
    assert refused.status_code == 400
    assert not ReturnRequest.objects.exists()


def test_an_exchange_ships_from_the_seller_center(shop):
    seller, ivory, charcoal = shop
    order = _deliver(
        order_services.order_mark_paid_demo(order=order_make(items={ivory.pk: 1}), imp_uid="imp_e")
    )
    me = _client(order.user)
    me.post(
        _form_url(order),
        {
            "kind": "exchange",
            "reason": "changed_mind",
            f"qty_{order.lines.get().pk}": "1",
            "exchange_option": charcoal.pk,
        },
    )
    request = ReturnRequest.objects.get()
    seller_client = _client(seller)
    seller_client.post(reverse("sellercenter:return-approve", args=[request.pk]))
    seller_client.post(reverse("sellercenter:return-collect", args=[request.pk]))
    ship = reverse("sellercenter:return-exchange-ship", args=[request.pk])

    bad = seller_client.post(ship, {"exchange-carrier": "cj", "exchange-tracking_number": "12"})
    seller_client.post(ship, {"exchange-carrier": "cj", "exchange-tracking_number": "601234567899"})

    assert bad.status_code == 400
    assert "송장번호" in bad.content.decode()
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.EXCHANGE_SHIPPED
    assert ProductOption.objects.get(pk=charcoal.pk).stock == 9
    page = me.get(order.get_absolute_url()).content.decode()
    assert "교환 발송 CJ대한통운" in page
    assert "교환 옵션: 차콜" in page


def test_another_seller_and_another_shopper_get_404(shop):
    _seller, ivory, _charcoal = shop
    order = _deliver(
        order_services.order_mark_paid_demo(order=order_make(items={ivory.pk: 1}), imp_uid="imp_o")
    )
    _client(order.user).post(
        _form_url(order), {"kind": "return", "reason": "defective", f"qty_{order.lines.get().pk}": "1"}
    )
    request = ReturnRequest.objects.get()
    other_seller = _client(SellerFactory())
    other_shopper = _client(UserFactory())
    detail = reverse("sellercenter:return-detail", args=[request.pk])
    actions = [
        reverse(f"sellercenter:return-{name}", args=[request.pk])
        for name in ("approve", "refuse", "tracking", "collect", "exchange-ship")
    ]

    assert other_seller.get(detail).status_code == 404
    assert other_seller.post(detail).status_code == 404
    for url in actions:
        assert other_seller.post(url, {"reason": "안 돼요"}).status_code == 404
        assert other_seller.get(url).status_code == 405
    assert order.merchant_uid not in other_seller.get(reverse("sellercenter:returns")).content.decode()
    assert other_shopper.get(_form_url(order)).status_code == 404
    assert other_shopper.post(_form_url(order), {"kind": "return"}).status_code == 404
    tracking = reverse("orders:return-tracking", args=[order.merchant_uid, request.pk])
    assert (
        other_shopper.post(tracking, {"carrier": "cj", "tracking_number": "601234567890"}).status_code == 404
    )
    assert ReturnRequest.objects.get().status == ReturnRequest.Status.REQUESTED
