"""The demo accounts `make run` prints must work as printed."""

import pytest
from django.test import Client

from apps.accounts import demo
from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_accounts_log_in_with_their_printed_passwords_and_roles():
    """admin is staff, seller is a seller, shopper is neither; all are verified and can log in; reruns are safe."""
    printed = demo.load(progress=lambda items, desc: items)
    demo.load(progress=lambda items, desc: items)

    assert ("셀러", "seller", "sell1234!") in printed
    for _role, username, password in printed:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
    users = {user.username: user for user in User.objects.filter(username__in=["admin", "seller", "shopper"])}
    assert users["admin"].is_staff
    assert users["seller"].is_seller
    assert not users["shopper"].is_seller
    assert all(user.is_email_verified for user in users.values())
