"""The members' admin: who may sell is not a box staff tick, it follows the reviewed seller application."""

import pytest

from apps.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_cannot_make_a_member_a_seller_from_the_members_admin(client):
    """The member's change page shows 셀러 as read-only, not as a box to tick."""
    staff = UserFactory(username="operator", is_staff=True, is_superuser=True)
    member = UserFactory(username="member1")
    client.force_login(staff)

    page = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()

    assert 'name="is_seller"' not in page
    assert "셀러" in page
