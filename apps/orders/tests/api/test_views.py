"""Cart and orders over /api/v1/: the cart's lines and amounts, checkout from the cart (a saved address or
typed fields), the order list and detail, cancel and confirm; another member's cart line or order is a 404."""

import pytest

from apps.accounts.tests.factories import ShippingAddressFactory, UserFactory
from apps.catalog.models import ProductOption
from apps.catalog.tests.factories import ProductOptionFactory
from apps.core.testing import api_client_for, api_error
from apps.orders import services as order_services
from apps.orders.models import CartItem, Order
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db

DELIVERY = {
    "recipient": "김민지",
    "recipient_phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
}


@pytest.fixture
def option():
    """An option of a 24,000원 product (list 30,000원) with 10 units."""
    return ProductOptionFactory(stock=10)


def test_cart_add_change_remove(option):
    client = api_client_for(UserFactory())

    added = client.post("/api/v1/cart/items/", {"option_id": option.pk, "quantity": 2}, format="json")
    assert added.status_code == 201
    line = added.json()["lines"][0]
    assert (line["option_id"], line["quantity"], line["unit_price"], line["amount"]) == (
        option.pk,
        2,
        24000,
        48000,
    )
    assert added.json()["amounts"]["total"] == 48000 + added.json()["amounts"]["shipping"]

    changed = client.patch(f"/api/v1/cart/items/{option.pk}/", {"quantity": 5}, format="json")
    assert changed.json()["lines"][0]["quantity"] == 5
    too_many = client.patch(f"/api/v1/cart/items/{option.pk}/", {"quantity": 11}, format="json")
    assert too_many.status_code == 400
    assert api_error(too_many)["message"] == "재고가 10개 남아 있어요."

    assert client.delete(f"/api/v1/cart/items/{option.pk}/").status_code == 204
    assert client.get("/api/v1/cart/").json()["lines"] == []


def test_a_sold_out_line_says_why_and_is_not_counted(option):
    shopper = UserFactory()
    order_services.cart_item_add(user=shopper, option_id=option.pk)
    ProductOption.objects.filter(pk=option.pk).update(stock=0)

    cart = api_client_for(shopper).get("/api/v1/cart/").json()

    assert cart["lines"][0]["orderable"] is False
    assert cart["lines"][0]["problem"] == "품절"
    assert cart["amounts"]["total"] == 0


def test_another_members_cart_line_is_a_404_and_stays(option):
    owner = UserFactory()
    order_services.cart_item_add(user=owner, option_id=option.pk, quantity=3)
    stranger = api_client_for(UserFactory())

    for response in (
        stranger.patch(f"/api/v1/cart/items/{option.pk}/", {"quantity": 1}, format="json"),
        stranger.delete(f"/api/v1/cart/items/{option.pk}/"),
    ):
        assert response.status_code == 404
        api_error(response)
    assert CartItem.objects.get(cart__user=owner, option=option).quantity == 3


def test_checkout_with_a_saved_address_reserves_the_stock(option):
    shopper = UserFactory()
    address = ShippingAddressFactory(user=shopper, is_default=True, recipient="박배송")
    order_services.cart_item_add(user=shopper, option_id=option.pk, quantity=2)
    client = api_client_for(shopper)
    total = client.get("/api/v1/cart/").json()["amounts"]["total"]

    response = client.post(
        "/api/v1/orders/", {"address_id": address.pk, "expected_total": total}, format="json"
    )

    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["status"], order["status_label"], order["total_amount"]) == ("pending", "결제대기", total)
    assert order["recipient"] == "박배송"
    assert [(line["option_id"], line["quantity"]) for line in order["lines"]] == [(option.pk, 2)]
    option.refresh_from_db()
    assert option.stock == 8


def test_checkout_with_typed_fields_can_save_the_address(option):
    shopper = UserFactory()
    order_services.cart_item_add(user=shopper, option_id=option.pk)

    response = api_client_for(shopper).post(
        "/api/v1/orders/", DELIVERY | {"save_address": True}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["road_address"] == DELIVERY["road_address"]
    assert shopper.addresses.get().recipient == "김민지"


def test_checkout_refuses_a_changed_total_an_empty_cart_and_someone_elses_address(option):
    shopper = UserFactory()
    client = api_client_for(shopper)

    empty = client.post("/api/v1/orders/", DELIVERY, format="json")
    assert empty.status_code == 400
    assert "먼저 담아" in api_error(empty)["message"]

    order_services.cart_item_add(user=shopper, option_id=option.pk)
    changed = client.post("/api/v1/orders/", DELIVERY | {"expected_total": 1}, format="json")
    assert changed.status_code == 400
    api_error(changed)

    foreign = ShippingAddressFactory(user=UserFactory())
    stolen = client.post("/api/v1/orders/", {"address_id": foreign.pk}, format="json")
    assert stolen.status_code == 404
    api_error(stolen)

    missing = client.post("/api/v1/orders/", {}, format="json")
    assert missing.status_code == 400
    assert set(api_error(missing)["fields"]) == {"recipient", "recipient_phone", "postcode", "road_address"}
    assert not Order.objects.filter(user=shopper).exists()


def test_order_list_and_detail_are_the_members_own(option):
    shopper, stranger = UserFactory(), UserFactory()
    order = order_make(user=shopper, option=option)
    order_make(user=stranger)

    listed = api_client_for(shopper).get("/api/v1/orders/").json()["results"]
    detail = api_client_for(shopper).get(f"/api/v1/orders/{order.merchant_uid}/").json()

    assert [o["merchant_uid"] for o in listed] == [order.merchant_uid]
    assert detail["lines"][0]["option_id"] == option.pk
    assert detail["can_cancel"] is True
    assert api_client_for(shopper).get("/api/v1/orders/?tab=cancelled").json()["results"] == []


def test_another_members_order_is_a_404_for_detail_cancel_and_confirm(option):
    order = order_make(user=UserFactory(), option=option)
    stranger = api_client_for(UserFactory())

    for response in (
        stranger.get(f"/api/v1/orders/{order.merchant_uid}/"),
        stranger.post(f"/api/v1/orders/{order.merchant_uid}/cancel/", {}, format="json"),
        stranger.post(f"/api/v1/orders/{order.merchant_uid}/confirm/", {}, format="json"),
        stranger.post("/api/v1/payments/prepare/", {"merchant_uid": order.merchant_uid}, format="json"),
        stranger.post("/api/v1/payments/verify/", {"merchant_uid": order.merchant_uid}, format="json"),
    ):
        assert response.status_code == 404
        api_error(response)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_cancel_an_unpaid_order_gives_the_stock_back(option):
    shopper = UserFactory()
    order = order_make(user=shopper, option=option, quantity=3)

    response = api_client_for(shopper).post(f"/api/v1/orders/{order.merchant_uid}/cancel/", {}, format="json")

    assert response.json()["status"] == "cancelled"
    option.refresh_from_db()
    assert option.stock == 10
    again = api_client_for(shopper).post(f"/api/v1/orders/{order.merchant_uid}/cancel/", {}, format="json")
    assert again.status_code == 400
    api_error(again)


def test_cancel_refuses_a_line_of_another_order(option):
    shopper = UserFactory()
    order = order_make(user=shopper, option=option)
    other_line = order_make(user=shopper).lines.get()

    response = api_client_for(shopper).post(
        f"/api/v1/orders/{order.merchant_uid}/cancel/", {"line_ids": [other_line.pk]}, format="json"
    )

    assert response.status_code == 400
    assert "line_ids" in api_error(response)["fields"]


def test_confirm_a_delivered_order_but_not_a_pending_one(option):
    shopper = UserFactory()
    pending = order_make(user=shopper)
    delivered = order_services.order_mark_paid_demo(order=order_make(user=shopper, option=option), imp_uid="")
    for step in (Order.Status.PREPARING, Order.Status.SHIPPING, Order.Status.DELIVERED):
        delivered = order_services.order_status_advance(
            order=delivered, to_status=step, actor="staff", tracking_number="1"
        )
    client = api_client_for(shopper)

    refused = client.post(f"/api/v1/orders/{pending.merchant_uid}/confirm/", format="json")
    confirmed = client.post(f"/api/v1/orders/{delivered.merchant_uid}/confirm/", format="json")

    assert refused.status_code == 400
    assert "구매 확정" in api_error(refused)["message"]
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["status_label"] == "구매확정"
