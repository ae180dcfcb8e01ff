"""My page and the address book over /api/v1/: a member reaches only their own addresses."""

import pytest

from apps.accounts.models import ShippingAddress
from apps.accounts.tests.factories import ShippingAddressFactory, UserFactory
from apps.core.testing import api_client_for, api_error

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "label": "회사",
    "recipient": "김민지",
    "phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
}


def test_my_page_shows_the_profile_and_the_default_address():
    shopper = UserFactory(name="김민지")
    address = ShippingAddressFactory(user=shopper, is_default=True)

    me = api_client_for(shopper).get("/api/v1/me/").json()

    assert me["name"] == "김민지"
    assert me["default_address"]["id"] == address.pk
    assert me["address_count"] == 1


def test_my_page_changes_name_and_phone_and_refuses_a_bad_phone():
    client = api_client_for(UserFactory())

    changed = client.patch("/api/v1/me/", {"name": "이서준", "phone": "010-9876-5432"}, format="json")
    refused = client.patch("/api/v1/me/", {"phone": "12"}, format="json")

    assert changed.json()["name"] == "이서준"
    assert changed.json()["phone"] == "010-9876-5432"
    assert refused.status_code == 400
    assert "phone" in api_error(refused)["fields"]


def test_the_first_address_becomes_the_default_and_a_second_can_take_over():
    shopper = UserFactory()
    client = api_client_for(shopper)

    first = client.post("/api/v1/me/addresses/", NEW_ADDRESS, format="json").json()
    second = client.post("/api/v1/me/addresses/", NEW_ADDRESS | {"label": "집"}, format="json").json()
    client.patch(f"/api/v1/me/addresses/{second['id']}/", {"is_default": True}, format="json")

    assert first["is_default"] is True
    listed = client.get("/api/v1/me/addresses/").json()
    assert [(a["id"], a["is_default"]) for a in listed] == [(second["id"], True), (first["id"], False)]


def test_a_bad_postcode_is_refused_with_the_field_named():
    response = api_client_for(UserFactory()).post(
        "/api/v1/me/addresses/", NEW_ADDRESS | {"postcode": "12"}, format="json"
    )

    assert response.status_code == 400
    assert "postcode" in api_error(response)["fields"]


def test_another_members_address_is_a_404_for_every_method():
    owner = UserFactory()
    address = ShippingAddressFactory(user=owner, is_default=True, recipient="주인")
    stranger = api_client_for(UserFactory())
    path = f"/api/v1/me/addresses/{address.pk}/"

    for response in (
        stranger.get(path),
        stranger.patch(path, {"recipient": "도둑"}, format="json"),
        stranger.delete(path),
    ):
        assert response.status_code == 404
        api_error(response)
    address.refresh_from_db()
    assert address.recipient == "주인"
    assert api_client_for(owner).delete(path).status_code == 204
    assert not ShippingAddress.objects.filter(pk=address.pk).exists()
