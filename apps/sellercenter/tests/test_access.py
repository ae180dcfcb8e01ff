"""The seller center's door: a shop that may use it gets in, everyone else is sent where they can go."""

import pytest

from apps.accounts.tests.factories import UserFactory
from apps.live.tests.factories import SellerFactory
from apps.sellers.models import Seller

pytestmark = pytest.mark.django_db


def test_an_approved_seller_sees_its_own_shop_name(client):
    seller = SellerFactory()
    client.force_login(seller)
    response = client.get("/seller/")
    assert response.status_code == 200
    assert seller.seller.business_name in response.content.decode()


def test_a_suspended_seller_still_gets_in_and_is_told_what_stopped(client):
    seller = SellerFactory()
    Seller.objects.filter(pk=seller.seller.pk).update(
        status=Seller.Status.SUSPENDED, status_reason="서류 보완"
    )
    client.force_login(seller)
    body = client.get("/seller/").content.decode()
    assert "판매가 정지된 상점이에요 (서류 보완)" in body


@pytest.mark.parametrize("status", [Seller.Status.PENDING, Seller.Status.REJECTED])
def test_a_shop_not_approved_is_sent_to_its_application(client, status):
    seller = SellerFactory()
    Seller.objects.filter(pk=seller.seller.pk).update(status=status)
    client.force_login(seller)
    response = client.get("/seller/")
    assert response.status_code == 302
    assert response.url == "/seller/apply/"


def test_a_member_without_a_shop_is_sent_to_apply_and_anonymous_to_login(client):
    response = client.get("/seller/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    client.force_login(UserFactory())
    response = client.get("/seller/", follow=True)
    assert response.redirect_chain[-1][0] == "/seller/apply/"
    assert "셀러센터는 입점 승인 후에 열려요." in response.content.decode()
