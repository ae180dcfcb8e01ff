"""What every /api/v1/ endpoint shares: the error body, the cursor pages, the throttles, JWT only, the schema."""

import pytest
from django.core.management import call_command

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.catalog.tests.factories import ProductFactory
from apps.core.testing import api_client_for, api_error

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401_with_the_error_body_on_a_protected_endpoint():
    response = api_client_for().get("/api/v1/cart/")

    assert response.status_code == 401
    assert api_error(response)["code"] == "not_authenticated"


def test_a_bad_token_is_refused_with_a_korean_message():
    client = api_client_for()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert api_error(response)["code"] == "token_not_valid"


def test_invalid_input_names_the_fields():
    response = api_client_for(UserFactory()).post("/api/v1/cart/items/", {"quantity": 0}, format="json")

    assert response.status_code == 400
    error = api_error(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"option_id", "quantity"}


def test_a_service_refusal_carries_its_own_korean_sentence():
    """The API calls the cart service: its 재고 message reaches the app word for word."""
    from apps.catalog.tests.factories import ProductOptionFactory

    option = ProductOptionFactory(stock=2)
    response = api_client_for(UserFactory()).post(
        "/api/v1/cart/items/", {"option_id": option.pk, "quantity": 5}, format="json"
    )

    assert response.status_code == 400
    assert api_error(response) == {"code": "refused", "message": "재고가 2개 남아 있어요."}


def test_an_unknown_object_is_a_404_with_the_error_body():
    response = api_client_for().get("/api/v1/products/999999/")

    assert response.status_code == 404
    assert api_error(response)["code"] == "not_found"


def test_pages_follow_the_cursor_to_the_end_without_repeats():
    products = [ProductFactory(sale_price=1000 + i, list_price=5000) for i in range(5)]
    client = api_client_for()

    seen, url = [], "/api/v1/products/?sort=price_asc&page_size=2"
    while url:
        body = client.get(url).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]

    assert seen == [product.pk for product in products]


def test_a_session_post_without_its_csrf_token_is_refused():
    """The site's own pages may call the API with their session, but never cross-site: CSRF applies."""
    from django.test import Client

    from apps.catalog.tests.factories import ProductOptionFactory

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    option = ProductOptionFactory()

    response = browser.post("/api/v1/cart/items/", {"option_id": option.pk}, content_type="application/json")

    assert response.status_code == 403
    assert api_error(response)["code"] == "permission_denied"
    assert browser.get("/api/v1/cart/").json()["lines"] == []


def test_order_placing_has_its_own_tighter_throttle(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = dict(SimpleRateThrottle.THROTTLE_RATES, checkout="2/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = api_client_for(UserFactory())
    statuses = [client.post("/api/v1/orders/", {}, format="json").status_code for _ in range(2)]
    last = client.post("/api/v1/orders/", {}, format="json")

    assert statuses[:2] == [400, 400]
    assert last.status_code == 429
    assert api_error(last)["code"] == "throttled"
    assert int(last["Retry-After"]) > 0
    assert client.get("/api/v1/orders/").status_code == 200  # reading is not the checkout's limit


def test_login_gives_a_token_the_api_accepts():
    UserFactory(username="app_user")
    client = api_client_for()

    tokens = client.post(
        "/api/v1/auth/token/", {"username": "app_user", "password": PASSWORD}, format="json"
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    assert client.get("/api/v1/me/").json()["username"] == "app_user"


def test_the_schema_of_api_v1_generates_without_warnings(tmp_path):
    """drf-spectacular's --fail-on-warn: every endpoint's request and response is typed, no enum clashes."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/orders/{merchant_uid}/cancel/" in schema
    assert "/api/v1/payments/verify/" in schema


def test_an_api_address_no_route_matches_answers_the_error_body_and_pages_keep_their_404():
    """``/api/v1/cart/items/-1/`` (no ``<int:>`` route takes it) is the JSON 404 an app can read."""
    api = api_client_for(UserFactory()).get("/api/v1/cart/items/-1/")
    page = api_client_for().get("/no-such-page/")

    assert api.status_code == page.status_code == 404
    assert api_error(api)["code"] == "not_found"
    assert page["Content-Type"].startswith("text/html")


def test_the_anonymous_throttle_is_not_dodged_by_a_forged_forwarded_for(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "100/min"})
    client = api_client_for()

    statuses = [
        client.get("/api/v1/categories/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
