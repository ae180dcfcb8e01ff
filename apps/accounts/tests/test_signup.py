"""Signup, the mailed 6-digit code, and what an unverified account may do."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import EmailVerification, User
from apps.accounts.tests.factories import PendingUserFactory, UserFactory
from apps.core import services as services_core
from apps.core.tests.factories import policies_fresh

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newbie_01",
    "password1": "Spring2026!",
    "password2": "Spring2026!",
    "name": "이신규",
    "email": "newbie@example.com",
    "phone": "010-2222-3333",
    "postcode": "06236",
    "road_address": "서울 강남구 테헤란로 152",
    "detail_address": "12층",
    "agree_terms": "on",
    "agree_privacy": "on",
    # The versions the signup page links to: the first ones, written by core's data migration.
    "terms_version": 1,
    "privacy_version": 1,
}


def _signup(client, capture, **changes):
    with capture(execute=True):
        return client.post("/accounts/signup/", {**SIGNUP, **changes})


def test_the_whole_journey_signup_code_mail_verify_login_my_page(
    client, django_capture_on_commit_callbacks, mailed_code
):
    """A shopper signs up, gets the code by mail, verifies, logs in and sees their my page and address."""
    response = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/verify/"
    assert mail.outbox[-1].to == ["newbie@example.com"]
    user = User.objects.get(username="newbie_01")
    assert not user.is_active
    assert user.status == User.Status.PENDING

    page = client.get("/accounts/verify/").content.decode()
    assert "newbie@example.com" in page
    assert "data-field-error" not in page
    response = client.post("/accounts/verify/", {"action": "verify", "code": mailed_code()})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    response = client.post("/accounts/login/", {"username": "newbie_01", "password": "Spring2026!"})
    assert response.status_code == 302
    page = client.get("/accounts/me/").content.decode()
    assert "이신규님, 반가워요" in page
    assert "서울 강남구 테헤란로 152" in page
    user.refresh_from_db()
    assert user.is_active
    assert user.is_email_verified


def test_an_unverified_account_cannot_log_in_and_is_sent_to_the_code_page(client):
    """The right password of an unverified account leads to the code page, not into the shop."""
    user = PendingUserFactory(username="waiting1")
    services.email_verification_send(user=user)

    response = client.post("/accounts/login/", {"username": "waiting1", "password": "tri1234!"})

    assert response["Location"] == "/accounts/verify/"
    assert client.get("/accounts/me/").status_code == 302


def test_a_duplicate_login_id_is_refused_under_the_field(client, django_capture_on_commit_callbacks):
    """Taking an existing ID (in any letter case) shows the ID field's message and creates nothing."""
    UserFactory(username="newbie_01")

    response = _signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "이미 사용 중인 아이디예요" in response.content.decode()
    assert User.objects.filter(email="newbie@example.com").count() == 0
    assert mail.outbox == []


def test_the_id_field_is_checked_while_typing(client):
    """The htmx check under the ID field says taken, free, or which rule the ID breaks."""
    UserFactory(username="taken_id")

    taken = client.get("/accounts/signup/check-username/", {"username": "taken_id"}).content.decode()
    free = client.get("/accounts/signup/check-username/", {"username": "free_id"}).content.decode()
    bad = client.get("/accounts/signup/check-username/", {"username": "가나"}).content.decode()

    assert "이미 사용 중인 아이디예요" in taken
    assert "사용할 수 있는 아이디예요" in free
    assert "영문 소문자, 숫자" in bad


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefgh1", "특수문자를 포함해"),
        ("abcdefgh!", "숫자를 포함해"),
        ("12345678!", "영문을 포함해"),
        ("ab1!", "8자"),
    ],
)
def test_a_weak_password_is_refused_saying_which_rule_failed(
    client, django_capture_on_commit_callbacks, password, message
):
    """Each missing kind of character (or the length) is named under the password field."""
    response = _signup(client, django_capture_on_commit_callbacks, password1=password, password2=password)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="password1"' in body
    assert message in body
    assert not User.objects.filter(username="newbie_01").exists()


def test_five_wrong_codes_lock_the_code_even_the_right_one(
    client, django_capture_on_commit_callbacks, mailed_code
):
    """After five wrong tries the real code no longer works and a new code must be requested."""
    _signup(client, django_capture_on_commit_callbacks)
    code = mailed_code()
    wrong = "000000" if code != "000000" else "111111"

    for left in (4, 3, 2, 1):
        body = client.post("/accounts/verify/", {"action": "verify", "code": wrong}).content.decode()
        assert f"남은 시도 {left}회" in body
    body = client.post("/accounts/verify/", {"action": "verify", "code": wrong}).content.decode()
    assert "5번 잘못 입력해 잠겼어요" in body

    body = client.post("/accounts/verify/", {"action": "verify", "code": code}).content.decode()
    assert "잠겼어요" in body
    assert not User.objects.get(username="newbie_01").is_active


def test_an_expired_code_is_refused(client, django_capture_on_commit_callbacks, mailed_code):
    """A code older than ten minutes does not activate the account."""
    _signup(client, django_capture_on_commit_callbacks)
    EmailVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    body = client.post("/accounts/verify/", {"action": "verify", "code": mailed_code()}).content.decode()

    assert "유효 시간(10분)이 지났어요" in body
    assert not User.objects.get(username="newbie_01").is_active


def test_a_code_lives_ten_minutes():
    """The code's expiry is ten minutes after it was sent."""
    user = PendingUserFactory()

    verification = services.email_verification_send(user=user)

    assert verification.expires_at - verification.sent_at == timedelta(minutes=10)


def test_resend_is_throttled_to_once_a_minute_and_replaces_the_code(
    client, django_capture_on_commit_callbacks, mailed_code
):
    """A resend within a minute is refused; after a minute a new code comes and the old one is dead."""
    _signup(client, django_capture_on_commit_callbacks)
    first = mailed_code()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/verify/", {"action": "resend"}, follow=True)
    assert "1분에 한 번만" in response.content.decode()
    assert len(mail.outbox) == 1

    EmailVerification.objects.update(sent_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/verify/", {"action": "resend"}, follow=True)
    assert "새 인증 코드를 보냈어요" in response.content.decode()
    assert len(mail.outbox) == 2
    second = mailed_code()
    if first != second:
        body = client.post("/accounts/verify/", {"action": "verify", "code": first}).content.decode()
        assert "인증 코드가 맞지 않아요" in body
    client.post("/accounts/verify/", {"action": "verify", "code": second})
    assert User.objects.get(username="newbie_01").is_active


# --- Agreeing to the terms and the privacy policy ----------------------------------------------------------


def test_signup_records_the_versions_the_member_agreed_to(client, django_capture_on_commit_callbacks):
    """The new account keeps which 이용약관 and 개인정보처리방침 versions it agreed to, and when."""
    documents = policies_fresh()

    response = _signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    user = User.objects.get(username="newbie_01")
    agreed = {consent.document for consent in user.policy_consents.all()}
    assert agreed == {documents["terms"], documents["privacy"]}
    assert all(consent.agreed_at for consent in user.policy_consents.all())


def test_the_signup_page_links_each_agreement_to_the_version_in_force(client):
    """Each checkbox has its own 내용 보기 link to the very version being agreed to."""
    documents = policies_fresh()
    services_core.policy_document_create(
        kind="terms", title="이용약관", body="<p>2판</p>", effective_at=timezone.now() - timedelta(minutes=1)
    )

    html = client.get("/accounts/signup/").content.decode()

    assert 'href="/terms/2/"' in html
    assert f'href="/privacy/{documents["privacy"].version}/"' in html
    assert 'name="terms_version" value="2"' in html


def test_signup_without_both_agreements_is_refused_in_korean(client, django_capture_on_commit_callbacks):
    """Each agreement is required on its own; no account without both."""
    policies_fresh()

    response = _signup(client, django_capture_on_commit_callbacks, agree_privacy="")

    assert response.status_code == 200
    assert "개인정보 수집·이용에 동의해 주세요." in response.content.decode()
    assert not User.objects.filter(username="newbie_01").exists()


def test_terms_changed_while_the_form_was_open_asks_again(client, django_capture_on_commit_callbacks):
    """The page showed version 1; version 2 came into force before the post: agree again, no account yet."""
    policies_fresh()
    services_core.policy_document_create(
        kind="terms", title="이용약관", body="<p>2판</p>", effective_at=timezone.now() - timedelta(minutes=1)
    )

    response = _signup(client, django_capture_on_commit_callbacks, terms_version=1)

    html = response.content.decode()
    assert "이용약관이 새 버전으로 바뀌었어요" in html
    assert 'name="terms_version" value="2"' in html
    assert not User.objects.filter(username="newbie_01").exists()
