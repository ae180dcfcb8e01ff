"""A shopper who has only the API (an app: no session, no cookies, no pages) buys end to end on a live server:
log in for a JWT, search, add to the cart, place the order, prepare the payment, pay in the PG sandbox's
window with the parameters the app hands the SDK, verify: the order is 결제완료. Also the payments API's own
refusals: a declined card and a callback that claims a payment the PG never took leave the order unpaid."""

import pytest
import requests

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.core.testing import api_client_for, api_error
from apps.orders.models import Order
from apps.orders.tests.factories import order_make

DELIVERY = {
    "recipient": "김민지",
    "recipient_phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
}
TIMEOUT = 10


class App:
    """What a phone app does: JSON over HTTP with a bearer token, nothing else."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> dict:
        response = requests.request(
            method, f"{self.base_url}/api/v1{path}", headers=self.headers, timeout=TIMEOUT, **kwargs
        )
        assert response.status_code == expect, (path, response.status_code, response.text)
        return response.json() if response.content else {}


@pytest.mark.django_db(transaction=True)
def test_a_shopper_buys_through_the_api_alone(live_server, portone, pg_sandbox):
    UserFactory(username="app_shopper")
    option = ProductOptionFactory(product=ProductFactory(name="봄 플로럴 원피스"), stock=5)
    ProductFactory(name="겨울 패딩")
    # Only the app's own verify may pay the order here: the PG's webhook stays silent.
    pg_sandbox.set_webhook_mode("off")
    app = App(live_server.url)

    tokens = app.call("POST", "/auth/token/", json={"username": "app_shopper", "password": PASSWORD})
    app.headers["Authorization"] = f"Bearer {tokens['access']}"

    found = app.call("GET", "/products/", params={"q": "원피스", "in_stock": "true"})["results"]
    assert [product["name"] for product in found] == ["봄 플로럴 원피스"]
    detail = app.call("GET", f"/products/{found[0]['id']}/")
    option_id = detail["options"][0]["id"]
    assert option_id == option.pk

    cart = app.call("POST", "/cart/items/", expect=201, json={"option_id": option_id, "quantity": 2})
    total = cart["amounts"]["total"]
    order = app.call("POST", "/orders/", expect=201, json=DELIVERY | {"expected_total": total})
    assert (order["status"], order["total_amount"]) == ("pending", total)

    prepared = app.call(
        "POST", "/payments/prepare/", json={"merchant_uid": order["merchant_uid"], "method": "card"}
    )
    params = prepared["params"]
    assert (params["merchant_uid"], params["amount"], params["pay_method"]) == (
        order["merchant_uid"],
        total,
        "card",
    )
    assert prepared["sandbox"] is True

    # The SDK opens the PG's window with exactly these parameters; the shopper types a card and pays.
    callback = pg_sandbox.shopper_pay(**params)
    assert callback["imp_success"] == "true"

    verified = app.call(
        "POST",
        "/payments/verify/",
        json={"merchant_uid": order["merchant_uid"], "imp_uid": callback["imp_uid"]},
    )
    assert (verified["outcome"], verified["order_status"], verified["order_status_label"]) == (
        "paid",
        "paid",
        "결제완료",
    )
    paid = app.call("GET", f"/orders/{order['merchant_uid']}/")
    assert (paid["status_label"], paid["paid_at"] is not None) == ("결제완료", True)
    assert app.call("GET", "/cart/")["lines"] == []
    # Verifying again changes nothing (the app may retry after a dropped connection).
    again = app.call("POST", "/payments/verify/", json={"merchant_uid": order["merchant_uid"]})
    assert again["order_status"] == "paid"
    assert Order.objects.get(merchant_uid=order["merchant_uid"]).imp_uid == callback["imp_uid"]


@pytest.mark.django_db
def test_a_declined_card_leaves_the_order_unpaid(portone, pg_sandbox):
    pg_sandbox.set_webhook_mode("off")
    shopper = UserFactory()
    order = order_make(user=shopper)
    client = api_client_for(shopper)
    params = client.post(
        "/api/v1/payments/prepare/", {"merchant_uid": order.merchant_uid}, format="json"
    ).json()["params"]

    callback = pg_sandbox.shopper_pay(card_number="4000-0000-0000-0002", **params)
    verified = client.post(
        "/api/v1/payments/verify/",
        {"merchant_uid": order.merchant_uid, "imp_uid": callback.get("imp_uid", "")},
        format="json",
    ).json()

    assert verified["outcome"] != "paid"
    assert verified["order_status"] == "pending"


@pytest.mark.django_db
def test_a_callback_claiming_a_payment_the_pg_never_took_pays_nothing(portone, pg_sandbox):
    """The app's word is only a hint: the PG is asked, and it knows no such payment."""
    shopper = UserFactory()
    order = order_make(user=shopper)
    client = api_client_for(shopper)
    client.post("/api/v1/payments/prepare/", {"merchant_uid": order.merchant_uid}, format="json")

    verified = client.post(
        "/api/v1/payments/verify/",
        {"merchant_uid": order.merchant_uid, "imp_uid": "imp_forged"},
        format="json",
    ).json()

    assert verified["outcome"] != "paid"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


@pytest.mark.django_db
def test_prepare_offers_the_enabled_methods_and_refuses_a_paid_order(portone, pg_sandbox):
    shopper = UserFactory()
    order = order_make(user=shopper)
    client = api_client_for(shopper)

    prepared = client.post(
        "/api/v1/payments/prepare/", {"merchant_uid": order.merchant_uid}, format="json"
    ).json()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    refused = client.post("/api/v1/payments/prepare/", {"merchant_uid": order.merchant_uid}, format="json")

    assert prepared["method"] == prepared["methods"][0]["code"]
    assert prepared["params"]["notice_url"].endswith("/payments/webhook/")
    assert refused.status_code == 400
    assert api_error(refused)["message"] == "결제할 수 있는 주문이 아니에요."
