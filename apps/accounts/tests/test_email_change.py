"""Email change: the code goes to the new address, nothing changes before it is typed, the old address is told."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from apps.accounts import services
from apps.accounts.models import EmailVerification, User
from apps.accounts.tests.factories import PASSWORD, PendingUserFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/accounts/me/email/"


def code_in(message) -> str:
    return re.search(r"인증 코드: (\d{6})", message.body).group(1)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_address_changes_only_after_the_code_mailed_to_the_new_address():
    user = UserFactory(email="old@example.com")
    EmailAddress.objects.create(user=user, email="old@example.com", verified=True, primary=True)
    client = logged_in(user)

    response = client.post(PAGE, {"action": "send", "email": "New@Example.com", "password": PASSWORD})

    assert response.status_code == 302
    [code_mail] = mail.outbox
    assert code_mail.to == ["new@example.com"]
    user.refresh_from_db()
    assert user.email == "old@example.com"
    page = client.get(PAGE).content.decode()
    assert "new@example.com" in page
    assert "이메일 변경 완료" in page

    response = client.post(PAGE, {"action": "confirm", "code": code_in(code_mail)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert user.email_verified_at is not None
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@example.com", True, True)
    ]
    notice = mail.outbox[1]
    assert notice.to == ["old@example.com"]
    assert "ne*@example.com" in notice.body
    assert "비밀번호를 바꾸고" in notice.body
    assert not EmailVerification.objects.filter(user=user).exists()


def test_a_wrong_code_changes_nothing_and_the_fifth_locks_it():
    user = UserFactory(email="old@example.com")
    client = logged_in(user)
    client.post(PAGE, {"action": "send", "email": "new@example.com", "password": PASSWORD})
    right = code_in(mail.outbox[0])
    wrong = "000000" if right != "000000" else "111111"

    first = client.post(PAGE, {"action": "confirm", "code": wrong}).content.decode()
    for _ in range(4):
        client.post(PAGE, {"action": "confirm", "code": wrong})
    last = client.post(PAGE, {"action": "confirm", "code": right}).content.decode()

    assert "남은 시도 4회" in first
    assert "5번 잘못 입력해 잠겼어요" in last
    user.refresh_from_db()
    assert user.email == "old@example.com"


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        ("new@example.com", "wrong-password", "비밀번호가 맞지 않아요"),
        ("OLD@example.com", PASSWORD, "지금 쓰고 있는 이메일이에요"),
        ("taken@example.com", PASSWORD, "이미 가입된 이메일이에요"),
        ("not-an-email", PASSWORD, "유효한 이메일 주소를 입력하세요"),
    ],
)
def test_a_request_that_cannot_be_right_mails_nothing(email, password, error):
    UserFactory(email="taken@example.com")
    user = UserFactory(email="old@example.com")

    response = logged_in(user).post(PAGE, {"action": "send", "email": email, "password": password})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert mail.outbox == []


def test_a_second_code_waits_a_minute_whatever_the_address():
    """Otherwise the form would mail codes to any stranger's address as fast as it is posted."""
    user = UserFactory()
    services.email_change_request(user=user, new_email="one@example.com", password=PASSWORD)
    client = logged_in(user)
    client.post(PAGE, {"action": "cancel"})

    response = client.post(PAGE, {"action": "send", "email": "two@example.com", "password": PASSWORD})

    assert "1분에 한 번만" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["one@example.com"]]


def test_an_address_taken_while_the_code_travelled_is_not_applied():
    user = UserFactory(email="old@example.com")
    services.email_change_request(user=user, new_email="new@example.com", password=PASSWORD)
    PendingUserFactory(email="new@example.com")

    response = logged_in(user).post(PAGE, {"action": "confirm", "code": code_in(mail.outbox[0])}, follow=True)

    assert "다른 회원이 이 이메일로 가입했어요" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "old@example.com"


def test_a_kakao_member_without_a_password_changes_email_with_the_code_alone():
    user = UserFactory(email="kakao@example.com", join_channel=User.JoinChannel.KAKAO)
    user.set_unusable_password()
    user.save()
    client = logged_in(user)
    assert 'name="password"' not in client.get(PAGE).content.decode()

    client.post(PAGE, {"action": "send", "email": "mine@example.com"})
    client.post(PAGE, {"action": "confirm", "code": code_in(mail.outbox[0])})

    user.refresh_from_db()
    assert user.email == "mine@example.com"


def test_the_signup_code_page_does_not_take_an_email_change_code():
    """The two codes share a table; each code's hash names its purpose, so neither confirms the other."""
    user = UserFactory(email="old@example.com")
    services.email_change_request(user=user, new_email="new@example.com", password=PASSWORD)
    code = code_in(mail.outbox[0])

    with pytest.raises(Exception, match="인증 코드가 맞지 않아요"):
        services.email_verification_confirm(user=user, code=code)


def test_cancel_forgets_the_pending_change():
    user = UserFactory(email="old@example.com")
    services.email_change_request(user=user, new_email="new@example.com", password=PASSWORD)
    client = logged_in(user)
    code = code_in(mail.outbox[0])

    client.post(PAGE, {"action": "cancel"})
    response = client.post(PAGE, {"action": "confirm", "code": code})

    assert response.status_code == 302
    assert "인증 코드 받기" in client.get(PAGE).content.decode()
    user.refresh_from_db()
    assert user.email == "old@example.com"


def test_a_visitor_is_sent_to_login():
    response = Client().get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
