"""Email change in Chromium: my page → new address → code from the mail → the new address on my page."""

import re

import pytest
from django.core import mail

from apps.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_changes_email_with_the_code_sent_to_the_new_address(page, screenshot):
    UserFactory(username="mover", email="old.address@example.com")
    page.goto("/accounts/login/")
    page.get_by_label("아이디").fill("mover")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_url("**/")
    page.goto("/accounts/me/")
    page.get_by_role("link", name="이메일 변경").first.click()
    page.get_by_role("heading", name="이메일 변경").wait_for()
    screenshot(page, "accounts-email-change")

    page.get_by_label("새 이메일").fill("new.address@example.com")
    page.get_by_label("현재 비밀번호").fill("wrong-password")
    page.get_by_role("button", name="인증 코드 받기").click()
    page.get_by_text("비밀번호가 맞지 않아요.").wait_for()
    screenshot(page, "accounts-email-change-error")
    page.get_by_label("현재 비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="인증 코드 받기").click()
    page.get_by_test_id("pending-email").wait_for()
    screenshot(page, "accounts-email-change-code")

    assert mail.outbox[-1].to == ["new.address@example.com"]
    code = re.search(r"인증 코드: (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("인증 코드 6자리").fill(code)
    page.get_by_role("button", name="이메일 변경 완료").click()

    page.get_by_text("이메일을 바꿨어요").wait_for()
    assert "new.address@example.com" in page.locator(".info-list").inner_text()
    page.goto("/accounts/me/email/")
    assert page.get_by_test_id("current-email").inner_text() == "new.address@example.com"
    assert mail.outbox[-1].to == ["old.address@example.com"]
