"""My page: profile, password, addresses with one default, find ID, password reset, and nobody else's data."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import ShippingAddress
from apps.accounts.tests.factories import PASSWORD, ShippingAddressFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "label": "회사",
    "recipient": "김회사",
    "phone": "010-4444-5555",
    "postcode": "06164",
    "road_address": "서울 강남구 영동대로 513",
    "detail_address": "8층",
}


@pytest.fixture
def shopper():
    return UserFactory(username="mine", name="나쇼핑")


@pytest.fixture
def logged_in(client, shopper):
    client.post("/accounts/login/", {"username": "mine", "password": PASSWORD})
    return client


def test_my_page_needs_login(client):
    """An anonymous visitor is sent to the login page, coming back afterwards."""
    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/me/"


def test_my_page_links_to_orders_and_wishlist(logged_in, django_assert_max_num_queries):
    """The my page shows the member and links to order history and the wishlist, in few queries (once the
    member's bag for the header is built: a few queries once per change, apps/core/personal.py)."""
    logged_in.get("/accounts/me/")
    with django_assert_max_num_queries(5):
        body = logged_in.get("/accounts/me/").content.decode()

    assert "나쇼핑님, 반가워요" in body
    assert 'href="/orders/"' in body
    assert 'href="/wishlist/"' in body


def test_profile_edit_changes_name_and_phone(logged_in, shopper):
    """Saving the profile form updates the member's name and phone."""
    response = logged_in.post("/accounts/me/profile/", {"name": "새이름", "phone": "010-8888-9999"})

    assert response.status_code == 302
    shopper.refresh_from_db()
    assert (shopper.name, shopper.phone) == ("새이름", "010-8888-9999")


def test_password_change_keeps_this_session_and_ends_the_others(logged_in, shopper):
    """After changing the password this browser stays in, another device is out, the new password works."""
    other_device = Client()
    other_device.post("/accounts/login/", {"username": "mine", "password": PASSWORD})

    response = logged_in.post(
        "/accounts/me/password/",
        {"old_password": PASSWORD, "new_password1": "Autumn2026#", "new_password2": "Autumn2026#"},
    )

    assert response.status_code == 302
    assert logged_in.get("/accounts/me/").status_code == 200
    assert other_device.get("/accounts/me/").status_code == 302
    assert Client().login(username="mine", password="Autumn2026#")


def test_password_change_refuses_a_weak_password(logged_in):
    """The new password must mix letters, digits and a symbol too."""
    response = logged_in.post(
        "/accounts/me/password/",
        {"old_password": PASSWORD, "new_password1": "onlyletters", "new_password2": "onlyletters"},
    )

    assert "숫자, 특수문자를 포함해" in response.content.decode()


def test_addresses_keep_exactly_one_default(logged_in, shopper):
    """The first address is the default; choosing another moves it; deleting the default promotes one."""
    logged_in.post("/accounts/me/addresses/new/", NEW_ADDRESS)
    logged_in.post("/accounts/me/addresses/new/", {**NEW_ADDRESS, "label": "집", "is_default": "on"})
    office, home = ShippingAddress.objects.filter(user=shopper).order_by("created_at", "pk")
    assert [address.label for address in ShippingAddress.objects.filter(is_default=True)] == ["집"]

    logged_in.post(f"/accounts/me/addresses/{office.pk}/default/")
    assert list(ShippingAddress.objects.filter(is_default=True)) == [office]

    logged_in.post(f"/accounts/me/addresses/{office.pk}/delete/")
    home.refresh_from_db()
    assert home.is_default
    assert "기본 배송지" in logged_in.get("/accounts/me/addresses/").content.decode()


def test_address_edit_and_postcode_rule(logged_in, shopper):
    """An address can be corrected; a postcode that is not five digits is refused under its field."""
    address = ShippingAddressFactory(user=shopper, is_default=True)

    bad = logged_in.post(f"/accounts/me/addresses/{address.pk}/edit/", {**NEW_ADDRESS, "postcode": "123"})
    good = logged_in.post(f"/accounts/me/addresses/{address.pk}/edit/", NEW_ADDRESS)

    assert "우편번호는 숫자 5자리예요" in bad.content.decode()
    assert good.status_code == 302
    address.refresh_from_db()
    assert address.road_address == "서울 강남구 영동대로 513"


def test_nobody_can_see_or_change_another_members_addresses(logged_in):
    """Another member's address is a 404 for viewing, editing, deleting and making default."""
    theirs = ShippingAddressFactory(road_address="남의 집 주소 1", is_default=True)

    assert "남의 집 주소" not in logged_in.get("/accounts/me/addresses/").content.decode()
    assert logged_in.get(f"/accounts/me/addresses/{theirs.pk}/edit/").status_code == 404
    assert logged_in.post(f"/accounts/me/addresses/{theirs.pk}/edit/", NEW_ADDRESS).status_code == 404
    assert logged_in.post(f"/accounts/me/addresses/{theirs.pk}/default/").status_code == 404
    assert logged_in.post(f"/accounts/me/addresses/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.road_address == "남의 집 주소 1"


def test_find_id_mails_the_id_and_shows_it_masked(client):
    """Name and email find the ID: the page shows it masked, the mail carries it whole."""
    UserFactory(username="findme77", name="찾는이", email="find@example.com")

    body = client.post("/accounts/find-id/", {"name": "찾는이", "email": "FIND@example.com"}).content.decode()

    assert "fi*****7" in body
    assert "findme77" not in body
    assert "findme77" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["find@example.com"]


def test_find_id_with_no_match_says_so_and_mails_nothing(client):
    """A name and email that match nobody show a message and send no mail."""
    body = client.post("/accounts/find-id/", {"name": "없음", "email": "none@example.com"}).content.decode()

    assert "일치하는 회원이 없어요" in body
    assert mail.outbox == []


def test_find_id_is_limited_per_typed_email(client):
    """The fourth search for one email within the hour is refused with 429 and says so; nothing is mailed
    for it, and another email can still be searched."""
    UserFactory(username="findme77", name="찾는이", email="find@example.com")
    for _ in range(3):
        assert (
            client.post("/accounts/find-id/", {"name": "찾는이", "email": "find@example.com"}).status_code
            == 200
        )

    refused = client.post("/accounts/find-id/", {"name": "찾는이", "email": "FIND@example.com"})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "아이디 찾기 요청이 너무 많아요" in refused.content.decode()
    assert len(mail.outbox) == 3
    other = client.post("/accounts/find-id/", {"name": "없음", "email": "none@example.com"})
    assert other.status_code == 200


def _reset_link(client, email: str) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)


def test_password_reset_link_works_once(client):
    """The mailed link sets a new password; the same link cannot be used again."""
    UserFactory(username="forgetful", email="forgot@example.com")
    link = _reset_link(client, "forgot@example.com")

    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"password1": "Winter2026$", "password2": "Winter2026$"})
    assert done.status_code == 302
    assert Client().login(username="forgetful", password="Winter2026$")

    reused = Client().get(link, follow=True).content.decode()
    assert "링크를 사용할 수 없어요" in reused


def test_password_reset_link_expires_after_30_minutes(client, settings):
    """The link's validity is PASSWORD_RESET_TIMEOUT = 30 minutes; an older link is refused."""
    assert timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT) == timedelta(minutes=30)
    UserFactory(username="slowpoke", email="slow@example.com")
    link = _reset_link(client, "slow@example.com")
    settings.PASSWORD_RESET_TIMEOUT = -1

    page = client.get(link, follow=True).content.decode()

    assert "링크를 사용할 수 없어요" in page


def test_staff_find_members_in_admin_with_korean_filters(client):
    """Admin's member list searches by name and filters by status, join channel and date."""
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    UserFactory(username="searched", name="검색될회원")
    client.post("/accounts/login/", {"username": "boss", "password": PASSWORD})

    body = client.get("/admin/accounts/user/", {"q": "검색될"}).content.decode()

    assert "searched" in body
    assert "가입 경로" in body
    assert "상태" in body
    assert "이메일 인증 대기" in body


def test_allauths_own_account_pages_lead_to_the_my_page(logged_in):
    """allauth's email and password pages, which TriMarket does its own way, redirect to the my page's."""
    assert logged_in.get("/accounts/email/")["Location"] == "/accounts/me/"
    assert logged_in.get("/accounts/password/change/")["Location"] == "/accounts/me/password/"


@pytest.mark.django_db
def test_my_page_leads_a_member_to_the_seller_application_and_a_seller_to_the_studio(client):
    """A member sees 판매자 신청 linking to /seller/apply/; a seller sees the way to its studio instead."""
    member = UserFactory()
    client.force_login(member)
    assert 'href="/seller/apply/"' in client.get("/accounts/me/").content.decode()

    seller = UserFactory(is_seller=True)
    client.force_login(seller)
    page = client.get("/accounts/me/").content.decode()
    assert 'href="/live/studio/"' in page
    assert 'href="/seller/apply/"' not in page
