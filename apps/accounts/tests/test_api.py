"""The JSON API: tokens with rotation and blacklisting, the WebSocket token, /api/me/, Korean errors."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.core.ratelimit import LOGIN_FAILURE

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _tokens(api, username: str) -> dict:
    response = api.post("/api/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def test_token_pair_lifetimes_are_15_minutes_and_14_days(api):
    """ID and password give an access token for 15 minutes and a refresh token for 14 days."""
    UserFactory(username="mobile")

    tokens = _tokens(api, "mobile")

    access = AccessToken(tokens["access"])
    # simplejwt takes the access token's expiry from the refresh token's clock reading and its iat from a
    # later one: a second may tick between the two (seen once in CI: 899).
    assert 15 * 60 - 1 <= access["exp"] - access["iat"] <= 15 * 60
    refresh = RefreshToken(tokens["refresh"])
    assert refresh["exp"] - refresh["iat"] == 14 * 24 * 60 * 60


def test_wrong_credentials_get_a_korean_json_error_with_a_code(api):
    """A bad password answers 401 with a machine code and a Korean message, whatever the ID."""
    UserFactory(username="mobile")

    known = api.post("/api/auth/token/", {"username": "mobile", "password": "x"}, format="json")
    unknown = api.post("/api/auth/token/", {"username": "nobody", "password": "x"}, format="json")

    assert known.status_code == unknown.status_code == 401
    assert (
        known.json()
        == unknown.json()
        == {"error": {"code": "login_failed", "message": "아이디 또는 비밀번호가 올바르지 않아요."}}
    )


def test_token_requests_share_the_login_throttle(api):
    """Five wrong passwords through the API lock the ID there too (429, Korean message)."""
    UserFactory(username="mobile")
    for _attempt in range(LOGIN_FAILURE.per_user):
        api.post("/api/auth/token/", {"username": "mobile", "password": "x"}, format="json")

    response = api.post("/api/auth/token/", {"username": "mobile", "password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert "로그인 시도가 너무 많아요" in response.json()["error"]["message"]


def test_refresh_rotates_and_a_used_refresh_token_is_refused(api):
    """Refreshing gives a new pair; presenting the old refresh token again is refused."""
    UserFactory(username="mobile")
    tokens = _tokens(api, "mobile")

    first = api.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    again = api.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")

    assert first.status_code == 200
    assert first.json()["refresh"] != tokens["refresh"]
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "token_not_valid"
    assert "다시 로그인" in again.json()["error"]["message"]


def test_logout_blacklists_the_refresh_token(api):
    """After logout the refresh token can no longer make access tokens."""
    UserFactory(username="mobile")
    tokens = _tokens(api, "mobile")

    assert api.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 200
    response = api.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 401


def test_an_expired_access_token_is_refused(api):
    """An access token past its 15 minutes no longer opens /api/me/."""
    user = UserFactory(username="mobile")
    expired = AccessToken.for_user(user)
    expired.set_exp(from_time=timezone.now() - timedelta(minutes=16))

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {expired}")
    response = api.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_me_reads_and_changes_only_the_callers_profile(api):
    """GET/PATCH /api/me/ act on the token's user; there is no way to name another user."""
    me = UserFactory(username="mobile", name="나")
    other = UserFactory(username="other", name="남")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_tokens(api, 'mobile')['access']}")

    assert api.get("/api/me/").json()["username"] == "mobile"
    changed = api.patch("/api/me/", {"name": "새이름", "id": other.pk, "username": "other"}, format="json")

    assert changed.status_code == 200
    me.refresh_from_db()
    other.refresh_from_db()
    assert (me.name, me.username) == ("새이름", "mobile")
    assert other.name == "남"


def test_me_refuses_an_invalid_phone_with_field_errors(api):
    """Validation errors come back as code "invalid" with the field's message."""
    UserFactory(username="mobile")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_tokens(api, 'mobile')['access']}")

    response = api.patch("/api/me/", {"phone": "12345"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "010-1234-5678" in response.json()["error"]["fields"]["phone"][0]


def test_me_without_credentials_is_a_korean_401(api):
    """An anonymous caller is told to log in, in Korean."""
    response = api.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert re.search("[가-힣]", response.json()["error"]["message"])


def test_a_logged_in_page_gets_a_websocket_token_without_the_password(client):
    """The page's session (with its CSRF token) exchanges for a token pair that opens the API."""
    UserFactory(username="viewer")
    client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    api = APIClient(enforce_csrf_checks=True)
    api.cookies = client.cookies
    page = client.get("/accounts/me/")
    csrf = page.cookies.get("csrftoken") or client.cookies["csrftoken"]

    forged = api.post("/api/auth/session-token/")
    response = api.post("/api/auth/session-token/", HTTP_X_CSRFTOKEN=csrf.value)

    assert forged.status_code == 403
    assert response.status_code == 201
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert bearer.get("/api/me/").json()["username"] == "viewer"


def test_the_websocket_token_needs_a_session(api):
    """Without a logged-in session there is no token."""
    assert api.post("/api/auth/session-token/").status_code in (401, 403)


def test_the_schema_documents_the_auth_endpoints(api):
    """/api/schema/ lists the token, refresh, logout, session-token and me endpoints."""
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    for path in (
        "/api/auth/token/",
        "/api/auth/token/refresh/",
        "/api/auth/logout/",
        "/api/auth/session-token/",
    ):
        assert path in schema
    assert "/api/me/" in schema
