"""Kakao and Naver login through allauth, against a local fake speaking their OAuth protocol."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount

from apps.accounts.models import User
from apps.accounts.tests.factories import PASSWORD, UserFactory
from apps.core.tests.factories import policies_fresh

pytestmark = pytest.mark.django_db

# What the signup step's agreements post: both boxes ticked, the versions the page linked to.
AGREE = {"agree_terms": "on", "agree_privacy": "on", "terms_version": 1, "privacy_version": 1}


@pytest.fixture(autouse=True)
def policies(db):
    return policies_fresh()


def _social_login(client, provider: str, *, code: str = "auth-code"):
    """Press the provider's button, "approve" at the fake, and come back to the callback."""
    start = client.post(f"/accounts/{provider}/login/")
    assert start.status_code == 302
    query = parse_qs(urlparse(start["Location"]).query)
    return client.get(f"/accounts/{provider}/login/callback/", {"code": code, "state": query["state"][0]})


def test_buttons_appear_only_for_configured_providers(client, settings):
    """Without client ids the login page shows no Kakao/Naver button; with them it shows both."""
    settings.SOCIALACCOUNT_PROVIDERS = {}
    bare = client.get("/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"kakao": {"APPS": [{"client_id": "k", "secret": "s"}]}}
    kakao_only = client.get("/accounts/login/").content.decode()

    assert "카카오로 시작하기" not in bare
    assert "네이버로 시작하기" not in bare
    assert "카카오로 시작하기" in kakao_only
    assert "네이버로 시작하기" not in kakao_only


def test_the_login_button_goes_to_the_providers_authorize_page(client, fake_oauth):
    """The redirect carries our client id, the callback address and a state."""
    start = client.post("/accounts/kakao/login/")

    location = urlparse(start["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{fake_oauth.url}/oauth/authorize"
    assert query["client_id"] == ["kakao-client"]
    assert query["redirect_uri"] == ["http://testserver/accounts/kakao/login/callback/"]
    assert query["state"]


def test_first_kakao_login_asks_only_for_the_missing_phone(client, fake_oauth):
    """Kakao gave a nickname and a verified email, so the form asks only for the mobile number."""
    fake_oauth.profiles["kakao"] = fake_oauth.kakao_profile(
        id=4242001, nickname="카카오친구", email="friend@kakao.example"
    )

    response = _social_login(client, "kakao")
    assert response.status_code == 302
    form_page = client.get(response["Location"]).content.decode()
    assert 'name="phone"' in form_page
    assert 'name="email"' not in form_page
    assert 'name="name"' not in form_page

    done = client.post(response["Location"], {"phone": "010-5555-6666", **AGREE})
    assert done.status_code == 302
    user = User.objects.get(socialaccount__provider="kakao", socialaccount__uid="4242001")
    assert (user.name, user.email, user.phone) == ("카카오친구", "friend@kakao.example", "010-5555-6666")
    assert user.join_channel == User.JoinChannel.KAKAO
    assert user.is_email_verified
    assert client.get("/accounts/me/").status_code == 200
    assert fake_oauth.token_requests[-1]["client_secret"] == "kakao-secret"


def test_kakao_without_an_email_asks_for_email_and_phone(client, fake_oauth):
    """When the shopper did not share their email with Kakao, the form asks for it (unverified)."""
    fake_oauth.profiles["kakao"] = fake_oauth.kakao_profile(id=4242002, nickname="비공개", email=None)

    response = _social_login(client, "kakao")
    form_page = client.get(response["Location"]).content.decode()
    assert 'name="email"' in form_page
    assert 'name="phone"' in form_page

    client.post(response["Location"], {"email": "typed@example.com", "phone": "010-7777-8888", **AGREE})
    user = User.objects.get(email="typed@example.com")
    assert not user.is_email_verified


def test_first_naver_login_with_everything_asks_only_for_the_agreements(client, fake_oauth, policies):
    """Naver gives name, verified email and mobile: the one step left is agreeing to the terms and the
    privacy policy, and the account records the versions agreed to."""
    fake_oauth.profiles["naver"] = fake_oauth.naver_profile(
        id="naver-8a7b6c", name="네이버회원", email="member@naver.example", mobile="010-3333-4444"
    )

    response = _social_login(client, "naver")
    form_page = client.get(response["Location"]).content.decode()
    refused = client.post(response["Location"], {}).content.decode()
    done = client.post(response["Location"], AGREE)

    for asked in ('name="name"', 'name="email"', 'name="phone"'):
        assert asked not in form_page
    assert 'name="agree_terms"' in form_page
    assert 'href="/privacy/1/"' in form_page
    assert "이용약관에 동의해 주세요." in refused
    assert done.status_code == 302
    user = User.objects.get(socialaccount__provider="naver", socialaccount__uid="naver-8a7b6c")
    assert (user.name, user.phone, user.join_channel) == ("네이버회원", "010-3333-4444", "naver")
    assert user.is_email_verified
    assert {consent.document for consent in user.policy_consents.all()} == set(policies.values())
    assert "네이버회원님, 반가워요" in client.get("/accounts/me/").content.decode()


def test_a_returning_social_user_logs_straight_in(client, fake_oauth):
    """The second Naver login finds the linked account and creates nothing new."""
    fake_oauth.profiles["naver"] = fake_oauth.naver_profile(
        id="naver-again", name="재방문", email="again@naver.example", mobile="010-1212-3434"
    )
    client.post(_social_login(client, "naver")["Location"], AGREE)
    client.post("/accounts/logout/")

    _social_login(client, "naver", code="second-code")

    assert User.objects.filter(email="again@naver.example").count() == 1
    assert client.get("/accounts/me/").status_code == 200


def test_linking_to_an_existing_account_needs_that_accounts_password(client, fake_oauth):
    """A Kakao email equal to a member's verified email links only after the member's password."""
    member = UserFactory(username="member77", email="same@example.com")
    fake_oauth.profiles["kakao"] = fake_oauth.kakao_profile(
        id=4242003, nickname="동일인", email="same@example.com"
    )

    response = _social_login(client, "kakao")
    assert response["Location"] == "/accounts/social/connect/"
    page = client.get("/accounts/social/connect/").content.decode()
    assert "me*****7" in page
    assert client.get("/accounts/me/").status_code == 302

    wrong = client.post("/accounts/social/connect/", {"password": "wrong123!"}).content.decode()
    assert "비밀번호가 올바르지 않아요" in wrong
    assert not SocialAccount.objects.filter(user=member).exists()

    client.post("/accounts/social/connect/", {"password": PASSWORD})
    assert SocialAccount.objects.get(user=member).uid == "4242003"
    assert User.objects.filter(email="same@example.com").count() == 1
    client.post("/accounts/logout/")

    _social_login(client, "kakao", code="next-time")
    assert "member77" in client.get("/accounts/me/").content.decode()


def test_an_unverified_same_email_is_never_linked(client, fake_oauth):
    """An account that never verified the email is not offered for linking; the form asks for another email."""
    UserFactory(username="squatter", email="contested@example.com", email_verified_at=None)
    fake_oauth.profiles["kakao"] = fake_oauth.kakao_profile(
        id=4242004, nickname="진짜주인", email="contested@example.com"
    )

    response = _social_login(client, "kakao")

    assert response["Location"] != "/accounts/social/connect/"
    form_page = client.get(response["Location"]).content.decode()
    assert 'name="email"' in form_page
    assert not SocialAccount.objects.exists()


def test_a_failing_provider_shows_the_error_page(client, fake_oauth, settings):
    """A refused token request (wrong secret) ends on a Korean error page, logged out."""
    settings.SOCIALACCOUNT_PROVIDERS = {"kakao": {"APPS": [{"client_id": "kakao-client", "secret": "bad"}]}}
    fake_oauth.profiles["kakao"] = fake_oauth.kakao_profile(id=1, nickname="x", email="x@example.com")

    response = _social_login(client, "kakao")

    assert "SNS 로그인에 실패했어요" in response.content.decode()
    assert not User.objects.filter(email="x@example.com").exists()
