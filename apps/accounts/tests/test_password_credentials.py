"""A new password ends what the old one opened: refresh tokens and the account's other sessions."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from apps.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Autumn2026#"


def _refresh_token(username: str) -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()["refresh"]


def _refresh(token: str) -> int:
    return APIClient().post("/api/auth/token/refresh/", {"refresh": token}, format="json").status_code


def _browser(username: str) -> Client:
    browser = Client()
    assert browser.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return browser


def _session_exists(browser: Client) -> bool:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return store().exists(browser.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_password_change_ends_refresh_tokens_and_other_sessions(django_capture_on_commit_callbacks):
    """After a change on the my page the old refresh token gets 401 and another browser's session is gone;
    the browser that made the change stays logged in."""
    UserFactory(username="changer")
    token = _refresh_token("changer")
    this_browser, other_browser = _browser("changer"), _browser("changer")

    with django_capture_on_commit_callbacks(execute=True):
        response = this_browser.post(
            "/accounts/me/password/",
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

    assert response.status_code == 302
    assert _refresh(token) == 401
    assert not _session_exists(other_browser)
    assert other_browser.get("/accounts/me/").status_code == 302
    assert this_browser.get("/accounts/me/").status_code == 200


def test_a_password_reset_ends_refresh_tokens_and_sessions(client, django_capture_on_commit_callbacks):
    """After allauth's reset link sets a new password, the old refresh token gets 401 and every session of
    the account is gone."""
    UserFactory(username="resetter", email="resetter@example.com")
    token = _refresh_token("resetter")
    logged_in_browser = _browser("resetter")
    client.post("/accounts/password/reset/", {"email": "resetter@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert _refresh(token) == 401
    assert not _session_exists(logged_in_browser)
    assert logged_in_browser.get("/accounts/me/").status_code == 302
