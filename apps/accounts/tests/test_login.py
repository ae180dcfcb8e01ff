"""Login with ID and password: throttling, "자동 로그인" sessions in Redis, logout."""

import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client

from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.core.ratelimit import LOGIN_FAILURE

pytestmark = pytest.mark.django_db

WRONG = "아이디 또는 비밀번호가 올바르지 않아요"
THROTTLED = "로그인 시도가 너무 많아요"


def _login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def _session_ttl(session_key: str) -> int:
    raw = redis.Redis.from_url(settings.REDIS_URL)
    return raw.ttl(cache.make_key(f"django.contrib.sessions.cache{session_key}"))


def test_a_wrong_password_and_an_unknown_id_get_the_same_message(client):
    """The failure message never tells whether the ID exists."""
    UserFactory(username="realuser")

    wrong_password = _login(client, "realuser", "nope1234!").content.decode()
    unknown_id = _login(client, "ghostuser", "nope1234!").content.decode()

    assert WRONG in wrong_password
    assert WRONG in unknown_id


def test_failed_logins_are_throttled_per_account_even_with_the_right_password(client):
    """After five failures on one ID even its right password is refused for a while, and the message says so."""
    UserFactory(username="target")
    for _attempt in range(LOGIN_FAILURE.per_user):
        _login(client, "target", "guess123!")

    response = _login(client, "target", PASSWORD)

    assert THROTTLED in response.content.decode()
    assert client.get("/accounts/me/").status_code == 302


def test_an_unknown_id_is_throttled_exactly_like_a_real_one(client):
    """Hammering an ID that does not exist ends in the same throttle message (no enumeration by throttling)."""
    for _attempt in range(LOGIN_FAILURE.per_user):
        _login(client, "nobody_here", "guess123!")

    assert THROTTLED in _login(client, "nobody_here", "guess123!").content.decode()


def test_failed_logins_are_throttled_per_ip_across_ids(client):
    """One address trying many IDs is stopped, while another address can still log in."""
    UserFactory(username="victim")
    for number in range(LOGIN_FAILURE.per_ip):
        _login(client, f"spray{number}", "guess123!")

    assert THROTTLED in _login(client, "victim", PASSWORD).content.decode()
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert _login(other, "victim", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_account_failures(client):
    """Four typos and a success leave the shopper with a clean slate."""
    UserFactory(username="typo")
    for _attempt in range(LOGIN_FAILURE.per_user - 1):
        _login(client, "typo", "typo1234!")
    assert _login(client, "typo", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _attempt in range(LOGIN_FAILURE.per_user - 1):
        _login(client, "typo", "typo1234!")
    assert _login(client, "typo", PASSWORD).status_code == 302


def test_without_remember_me_the_session_ends_with_the_browser(client):
    """The session cookie has no expiry, so the browser drops it when it closes."""
    UserFactory(username="oneoff")

    response = _login(client, "oneoff", PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


@pytest.mark.django_db(transaction=True)
def test_remember_me_keeps_a_two_hour_session_in_redis_that_outlives_a_restart(client):
    """A "자동 로그인" session lives in Redis for two hours; a fresh process with the cookie is still logged in."""
    UserFactory(username="keeper", name="오래로그인")

    response = _login(client, "keeper", PASSWORD, remember="on")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 2 * 60 * 60
    assert 2 * 60 * 60 - 5 <= _session_ttl(cookie.value) <= 2 * 60 * 60
    # "Restart": drop every connection and in-process cache client this process holds.
    connections.close_all()
    cache.close()
    restarted = Client()
    restarted.cookies[settings.SESSION_COOKIE_NAME] = cookie.value
    assert "오래로그인님, 반가워요" in restarted.get("/accounts/me/").content.decode()


def test_remember_me_slides_with_use_and_ends_after_the_ttl(client, settings):
    """Used within its TTL the session stays; left alone longer than the TTL, it is gone."""
    # Three uses a second apart outlast a TTL of 3 s only by sliding; each may take a second under a loaded CI.
    settings.ACCOUNTS_REMEMBER_ME_TTL = 3
    UserFactory(username="slider")
    _login(client, "slider", PASSWORD, remember="on")

    for _tick in range(4):
        time.sleep(1)
        assert client.get("/accounts/me/").status_code == 200
    time.sleep(3.5)

    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_remembered_session_is_saved_again_only_after_a_tenth_of_its_ttl(client, settings, monkeypatch):
    """Most requests write nothing (no session save, no new cookie); once a tenth of the TTL has passed the
    next request pushes the expiry forward again."""
    from apps.accounts import middleware

    settings.ACCOUNTS_REMEMBER_ME_TTL = 100
    UserFactory(username="steady")
    _login(client, "steady", PASSWORD, remember="on")
    client.get("/accounts/me/")  # the first use after login records the refresh

    quiet = client.get("/accounts/me/")
    assert settings.SESSION_COOKIE_NAME not in quiet.cookies

    later = time.time() + 11
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    refreshed = client.get("/accounts/me/")

    assert int(refreshed.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 100
    assert 95 <= _session_ttl(refreshed.cookies[settings.SESSION_COOKIE_NAME].value) <= 100


def test_logout_ends_the_session(client):
    """After logging out the my page asks for login again."""
    UserFactory(username="leaver")
    _login(client, "leaver", PASSWORD)
    assert client.get("/accounts/me/").status_code == 200

    client.post("/accounts/logout/")

    assert client.get("/accounts/me/").status_code == 302


def test_login_returns_to_the_page_that_asked_for_it_but_never_off_site(client):
    """``next`` brings the shopper back to where they were; a foreign address is ignored."""
    UserFactory(username="returner")

    back = client.post(
        "/accounts/login/", {"username": "returner", "password": PASSWORD, "next": "/accounts/me/addresses/"}
    )
    client.post("/accounts/logout/")
    away = client.post(
        "/accounts/login/", {"username": "returner", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert back["Location"] == "/accounts/me/addresses/"
    assert away["Location"] == "/"
