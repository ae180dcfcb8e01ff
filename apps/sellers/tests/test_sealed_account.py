"""A shop's payout account and contact phone are sealed in the database; staff paying out read the account
whole on the shop's admin page, nowhere else."""

import pytest
from django.db import connection

from apps.accounts.tests.factories import UserFactory
from apps.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_the_seller_table_holds_no_account_or_phone_number():
    """A SELECT of the account and phone columns returns tokens, not the digits."""
    seller = SellerFactory(account_number="110-123-456789", phone="02-335-1200")

    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number, phone FROM sellers_seller WHERE id = %s", [seller.pk])
        account, phone = cursor.fetchone()

    assert account.startswith("gAAAAA")
    assert "456789" not in account
    assert phone.startswith("gAAAAA")
    assert "1200" not in phone


def test_staff_read_the_payout_account_on_the_shops_page_and_search_by_name(client):
    """The change page (payout processing) has the whole account; the list searches by 상호 without it."""
    seller = SellerFactory(business_name="정산상회", account_number="110-123-456789")
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))

    listing = client.get("/admin/sellers/seller/", {"q": "정산상회"}).content.decode()
    change = client.get(f"/admin/sellers/seller/{seller.pk}/change/").content.decode()

    assert "정산상회" in listing
    assert "456789" not in listing
    assert 'value="110-123-456789"' in change


def test_the_shop_page_still_shows_its_contact_phone(client):
    """The customer-service phone is the shop's public 사업자 정보: shown whole to shoppers."""
    seller = SellerFactory(phone="02-335-1200")

    assert "02-335-1200" in client.get(seller.get_absolute_url()).content.decode()
