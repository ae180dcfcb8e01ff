"""Returns and exchanges over /api/v1/orders/<merchant_uid>/returns/: a shopper asks for a return of a
delivered parcel (with a photo), sees it listed, types the way back's tracking number once approved; an
exchange for an option, a return outside the window and another member's order are refused."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.accounts.tests.factories import UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.core.testing import api_client_for, api_error
from apps.live.tests.factories import SellerFactory
from apps.orders import services as order_services
from apps.orders.models import Order, ReturnRequest, Shipment
from apps.orders.services import returns
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    """A seller's 24,000원 product with two options of the same price (10 units each)."""
    seller = SellerFactory()
    product = ProductFactory(seller=seller.seller, name="라운드 니트")
    return (
        seller,
        ProductOptionFactory(product=product, name="아이보리", stock=10),
        ProductOptionFactory(product=product, name="차콜", stock=10),
    )


def _paid_delivered(option, *, quantity=1, days_ago: float = 1) -> Order:
    order = order_make(user=UserFactory(), items={option.pk: quantity})
    order = order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_api_return_{order.pk}")
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        order = order_services.order_status_advance(
            order=order, to_status=step, actor="staff", tracking_number="601234567890"
        )
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now() - timedelta(days=days_ago))
    return Order.objects.get(pk=order.pk)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("flaw.png", buffer.getvalue(), content_type="image/png")


def test_a_shopper_asks_for_a_return_through_the_api_and_sees_it_on_the_order(shop):
    _, ivory, _ = shop
    order = _paid_delivered(ivory, quantity=2)
    client = api_client_for(order.user)
    parcel = client.get(f"/api/v1/orders/{order.merchant_uid}/").json()["parcels"][0]
    line_id = parcel["line_ids"][0]

    asked = client.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/",
        {
            "shipment_id": parcel["shipment_id"],
            "kind": "return",
            "reason": "changed_mind",
            "detail": "사이즈가 맞지 않아요",
            "lines": [{"line_id": line_id, "quantity": 1}],
        },
        format="json",
    )

    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert (body["status"], body["status_label"], body["return_fee"]) == (
        "requested",
        "판매자 확인 대기",
        3000,
    )
    assert body["lines"] == [{"line_id": line_id, "quantity": 1}]
    listed = client.get(f"/api/v1/orders/{order.merchant_uid}/returns/").json()
    assert [item["id"] for item in listed] == [body["id"]]
    # The unit asked back is no longer offered: a second request for 2 units is over what is left.
    again = client.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/",
        {
            "shipment_id": parcel["shipment_id"],
            "kind": "return",
            "reason": "changed_mind",
            "lines": [{"line_id": line_id, "quantity": 2}],
        },
        format="json",
    )
    assert again.status_code == 400
    assert "수량" in api_error(again)["message"]


def test_a_multipart_request_carries_photos_and_an_exchange_option(shop):
    _, ivory, charcoal = shop
    order = _paid_delivered(ivory)
    client = api_client_for(order.user)
    line = order.lines.get()

    asked = client.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/",
        {
            "shipment_id": str(order.shipments.get().pk),
            "kind": "exchange",
            "reason": "defective",
            "exchange_option_id": str(charcoal.pk),
            "lines": f'[{{"line_id": {line.pk}, "quantity": 1}}]',
            "photos": [_png()],
        },
        format="multipart",
    )

    assert asked.status_code == 201, asked.json()
    made = ReturnRequest.objects.get(pk=asked.json()["id"])
    assert (made.kind, made.exchange_option_id, made.return_fee) == ("exchange", charcoal.pk, 0)
    assert made.photos.count() == 1


def test_an_exchange_without_an_option_and_a_late_return_are_refused_with_korean_reasons(shop):
    _, ivory, _ = shop
    order = _paid_delivered(ivory, days_ago=9)
    client = api_client_for(order.user)
    base = {
        "shipment_id": order.shipments.get().pk,
        "reason": "changed_mind",
        "lines": [{"line_id": order.lines.get().pk, "quantity": 1}],
    }

    no_option = client.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/", {**base, "kind": "exchange"}, format="json"
    )
    late = client.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/", {**base, "kind": "return"}, format="json"
    )

    assert no_option.status_code == 400
    assert "exchange_option_id" in api_error(no_option)["fields"]
    assert late.status_code == 400
    assert "기간" in api_error(late)["message"]
    assert not ReturnRequest.objects.exists()


def test_the_shopper_types_the_way_back_once_approved(shop):
    seller, ivory, _ = shop
    order = _paid_delivered(ivory)
    made = returns.return_request(
        shipment=order.shipments.get(),
        user=order.user,
        kind="return",
        reason="defective",
        quantities={order.lines.get().pk: 1},
    )
    returns.return_approve(request=made, seller_id=seller.seller.pk, actor=seller.username)
    client = api_client_for(order.user)

    sent = client.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/{made.pk}/tracking/",
        {"carrier": "cj", "tracking_number": "6012-3456-7890"},
        format="json",
    )

    assert sent.status_code == 200, sent.json()
    assert (sent.json()["status"], sent.json()["tracking_number"]) == ("sent_back", "601234567890")


def test_another_members_order_and_return_are_404_and_nothing_is_asked(shop):
    _, ivory, _ = shop
    order = _paid_delivered(ivory)
    made = returns.return_request(
        shipment=order.shipments.get(),
        user=order.user,
        kind="return",
        reason="defective",
        quantities={order.lines.get().pk: 1},
    )
    stranger = api_client_for(UserFactory())

    listed = stranger.get(f"/api/v1/orders/{order.merchant_uid}/returns/")
    asked = stranger.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/",
        {
            "shipment_id": order.shipments.get().pk,
            "kind": "return",
            "reason": "defective",
            "lines": [{"line_id": order.lines.get().pk, "quantity": 1}],
        },
        format="json",
    )
    tracking = stranger.post(
        f"/api/v1/orders/{order.merchant_uid}/returns/{made.pk}/tracking/",
        {"carrier": "cj", "tracking_number": "601234567890"},
        format="json",
    )

    assert [r.status_code for r in (listed, asked, tracking)] == [404, 404, 404]
    for response in (listed, asked, tracking):
        api_error(response)
    assert ReturnRequest.objects.count() == 1


def test_the_shopper_withdraws_a_request_over_the_api_and_a_stranger_gets_404(shop):
    """POST …/withdraw/ closes an unanswered request; another member's call is a 404 and changes nothing."""
    _seller, ivory, _ = shop
    order = _paid_delivered(ivory)
    made = returns.return_request(
        shipment=order.shipments.get(),
        user=order.user,
        kind="return",
        reason="defective",
        quantities={order.lines.get().pk: 1},
    )
    url = f"/api/v1/orders/{order.merchant_uid}/returns/{made.pk}/withdraw/"

    stranger = api_client_for(UserFactory()).post(url)
    assert stranger.status_code == 404
    api_error(stranger)
    assert ReturnRequest.objects.get(pk=made.pk).status == ReturnRequest.Status.REQUESTED

    withdrawn = api_client_for(order.user).post(url)
    assert withdrawn.status_code == 200, withdrawn.json()
    assert (withdrawn.json()["status"], withdrawn.json()["status_label"]) == ("withdrawn", "신청 철회")


def test_withdrawing_after_the_seller_approved_is_refused_in_korean(shop):
    seller, ivory, _ = shop
    order = _paid_delivered(ivory)
    made = returns.return_request(
        shipment=order.shipments.get(),
        user=order.user,
        kind="return",
        reason="defective",
        quantities={order.lines.get().pk: 1},
    )
    returns.return_approve(request=made, seller_id=seller.seller.pk, actor=seller.username)

    refused = api_client_for(order.user).post(
        f"/api/v1/orders/{order.merchant_uid}/returns/{made.pk}/withdraw/"
    )

    assert refused.status_code == 400
    assert "철회할 수 없어요" in api_error(refused)["message"]
    assert ReturnRequest.objects.get(pk=made.pk).status == ReturnRequest.Status.APPROVED
