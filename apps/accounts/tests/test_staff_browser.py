"""Staff's second factor in Chromium: turned on from its page, then asked for at the admin's login."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _admin_login(page, password: str) -> None:
    page.get_by_label("사용자 이름").fill("operator")
    page.get_by_label("비밀번호").fill(password)


def test_staff_turn_on_the_second_factor_and_the_admin_then_asks_for_it(page, screenshot):
    """The QR page turns the factor on with one code; the admin's login then needs the app's code too."""
    UserFactory(username="operator", is_staff=True, is_superuser=True)
    page.goto("/admin/login/?next=/accounts/staff/2fa/")
    _admin_login(page, PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.goto("/accounts/staff/2fa/")
    page.get_by_test_id("two-factor-secret").wait_for()
    screenshot(page, "accounts-staff-two-factor-setup")

    device = TOTPDevice.objects.get(user__username="operator")
    page.get_by_label("인증 코드").fill(_code(device))
    page.get_by_role("button", name="확인하고 켜기").click()
    page.get_by_test_id("two-factor-on").wait_for()
    screenshot(page, "accounts-staff-two-factor-on")

    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/")
    _admin_login(page, PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.get_by_text("2단계 인증 코드").first.wait_for()
    assert "/admin/login/" in page.url
    screenshot(page, "accounts-admin-login-asks-for-the-code")

    _admin_login(page, PASSWORD)
    page.get_by_label("2단계 인증 코드").fill(_code(device))
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/admin/")


def test_repeated_wrong_admin_passwords_show_the_lockout_page(page, screenshot, settings):
    """After the limit of wrong passwords the admin's login answers with the Korean lockout page."""
    UserFactory(username="operator", is_staff=True, is_superuser=True)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/admin/login/?next=/admin/")
        _admin_login(page, "wrong-password-1!")
        page.get_by_role("button", name="로그인").click()
    page.get_by_text("로그인이 잠시 잠겼어요").wait_for()
    screenshot(page, "accounts-admin-lockout")
