"""Withdrawal: anonymised data, every session and token ended, ``account.withdrawn`` handled with retries."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ShippingAddress, User
from apps.accounts.tests.factories import PASSWORD, ShippingAddressFactory, UserFactory
from apps.core.events import subscribe

pytestmark = pytest.mark.django_db(transaction=True)

handled: list[dict] = []
attempts = {"cart": 0}


@subscribe("account.withdrawn")
def flaky_cart_empty(*, event: str, payload: dict) -> None:
    """Stands in for another module's subscriber whose first two attempts fail."""
    attempts["cart"] += 1
    if attempts["cart"] < 3:
        raise ConnectionError("cart store not reachable yet")
    handled.append(payload)


@pytest.fixture(autouse=True)
def _reset():
    handled.clear()
    attempts["cart"] = 0


def _logged_in(username: str, **client_kwargs) -> Client:
    client = Client(**client_kwargs)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD, "remember": "on"})
    assert response.status_code == 302
    return client


def test_withdrawal_anonymises_and_ends_every_session_and_token():
    """Personal data is gone, both devices are logged out, and refresh and access tokens stop working."""
    user = UserFactory(
        username="leaving", name="떠나는이", email="leaving@example.com", phone="010-9999-0000"
    )
    ShippingAddressFactory(user=user, is_default=True)
    SocialAccount.objects.create(user=user, provider="kakao", uid="777")
    phone, laptop = _logged_in("leaving"), _logged_in("leaving", REMOTE_ADDR="10.0.0.9")
    api = APIClient()
    tokens = api.post("/api/auth/token/", {"username": "leaving", "password": PASSWORD}, format="json").json()
    laptop_session = laptop.cookies[settings.SESSION_COOKIE_NAME].value

    response = phone.post("/accounts/me/withdraw/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.status == User.Status.WITHDRAWN
    assert (user.name, user.email, user.phone) == ("탈퇴회원", "", "")
    assert user.username == f"withdrawn-{user.pk}"
    assert not user.has_usable_password()
    assert not ShippingAddress.objects.filter(user=user).exists()
    assert cache.get(f"django.contrib.sessions.cache{laptop_session}") is None
    assert laptop.get("/accounts/me/").status_code == 302
    refreshed = api.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/me/").status_code == 401
    assert Client().post("/accounts/login/", {"username": "leaving", "password": PASSWORD}).status_code == 200


def test_withdrawal_runs_subscribers_and_retries_a_failing_one():
    """accounts' own subscriber unlinks Kakao; a subscriber failing twice is retried and still runs."""
    user = UserFactory(username="leaving2")
    SocialAccount.objects.create(user=user, provider="kakao", uid="778")

    services.user_withdraw(user=user, password=PASSWORD)

    assert not SocialAccount.objects.filter(user=user).exists()
    assert attempts["cart"] == 3
    assert handled == [{"user_id": user.pk}]


def test_a_wrong_password_withdraws_nothing():
    """The withdrawal page refuses a wrong password and the account keeps working."""
    user = UserFactory(username="staying", name="남는이")
    client = _logged_in("staying")

    response = client.post("/accounts/me/withdraw/", {"password": "wrong123!", "confirm": "on"})

    assert "비밀번호가 맞지 않아요" in response.content.decode()
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE
    assert client.get("/accounts/me/").status_code == 200
    assert attempts["cart"] == 0
