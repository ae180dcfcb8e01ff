"""Members' and addresses' phones are sealed in the database; the member sees and edits them whole, staff and
summaries see the last four digits."""

import pytest
from django.db import connection

from apps.accounts.tests.factories import PASSWORD, ShippingAddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def _stored(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def member():
    return UserFactory(username="sealed", phone="010-2468-1357")


@pytest.fixture
def logged_in(client, member):
    client.post("/accounts/login/", {"username": "sealed", "password": PASSWORD})
    return client


def test_the_member_and_address_tables_hold_no_phone_number(member):
    """A SELECT of the phone columns returns tokens, not the digits."""
    address = ShippingAddressFactory(user=member, phone="010-9753-1864")

    for table, pk, digits in (
        ("accounts_user", member.pk, "1357"),
        ("accounts_shippingaddress", address.pk, "1864"),
    ):
        stored = _stored(table, pk)
        assert stored.startswith("gAAAAA")
        assert digits not in stored


def test_the_member_sees_the_whole_number_only_in_the_edit_forms(logged_in, member):
    """The profile and address forms show the number to edit; the my page and address list show its end."""
    address = ShippingAddressFactory(user=member, phone="010-9753-1864", is_default=True)

    profile = logged_in.get("/accounts/me/profile/").content.decode()
    address_form = logged_in.get(f"/accounts/me/addresses/{address.pk}/edit/").content.decode()
    my_page = logged_in.get("/accounts/me/").content.decode()
    address_list = logged_in.get("/accounts/me/addresses/").content.decode()

    assert 'value="010-2468-1357"' in profile
    assert 'value="010-9753-1864"' in address_form
    assert "***-****-1357" in my_page
    assert "***-****-1864" in my_page
    assert "2468" not in my_page
    assert "***-****-1864" in address_list
    assert "010-9753-1864" not in address_list


def test_the_member_changes_the_phone_and_reads_it_back(logged_in, member):
    """A new number saved from the profile form is stored sealed and shown whole in the form again."""
    logged_in.post("/accounts/me/profile/", {"name": "새이름", "phone": "010-1212-3434"})

    member.refresh_from_db()
    assert member.phone == "010-1212-3434"
    assert "3434" not in _stored("accounts_user", member.pk)
    assert 'value="010-1212-3434"' in logged_in.get("/accounts/me/profile/").content.decode()


def test_staff_see_members_phones_masked_and_search_without_them(client, member):
    """The admin's member list, member page and address list show ***-****-1357, and its search still works."""
    ShippingAddressFactory(user=member, phone="010-9753-1864")
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.post("/accounts/login/", {"username": "boss", "password": PASSWORD})

    listing = client.get("/admin/accounts/user/", {"q": "sealed"}).content.decode()
    change = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    addresses = client.get("/admin/accounts/shippingaddress/", {"q": "sealed"}).content.decode()

    assert "***-****-1357" in listing
    assert "***-****-1357" in change
    assert "***-****-1864" in change
    assert "***-****-1864" in addresses
    for page in (listing, change, addresses):
        assert "2468-1357" not in page
        assert "9753-1864" not in page
