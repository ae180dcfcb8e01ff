"""The admin's login: locked out after repeated failures (django-axes), and a TOTP code for staff who turned
it on (django-otp). The shop's own login keeps its own limit."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "로그인이 잠시 잠겼어요"
OTP_WRONG = "2단계 인증 코드가 맞지 않아요"


def _admin_login(client: Client, username: str, password: str, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/", **extra}
    )


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def staff():
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


def test_repeated_wrong_admin_passwords_lock_the_login_out(client, staff, settings):
    """25 wrong passwords in a row are not all answered 200: the pair is locked out (429, Korean page), and
    the right password is refused while the lockout lasts."""
    statuses = [_admin_login(client, "operator", f"wrong-{n}").status_code for n in range(25)]

    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    refused = _admin_login(client, "operator", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AccessAttempt.objects.filter(username="operator", ip_address="127.0.0.1").exists()


def test_the_lockout_is_per_login_id_and_address(client, staff, settings):
    """Another address can still log the same staff member in."""
    for number in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "operator", f"wrong-{number}")

    elsewhere = Client(REMOTE_ADDR="10.0.0.9")

    assert _admin_login(elsewhere, "operator", PASSWORD).status_code == 302
    assert elsewhere.get("/admin/").status_code == 200


def test_the_cool_off_ends_the_lockout(client, staff, settings):
    """Once the cool-off has passed, the right password works again."""
    for number in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "operator", f"wrong-{number}")
    assert _admin_login(client, "operator", PASSWORD).status_code == 429

    attempt = AccessAttempt.objects.get(username="operator")
    attempt.attempt_time -= settings.AXES_COOLOFF_TIME
    attempt.save(update_fields=["attempt_time"])

    assert _admin_login(client, "operator", PASSWORD).status_code == 302


def test_the_shops_login_failures_neither_lock_the_admin_nor_change_the_shop(client, staff, settings):
    """The shop's failures are not axes' business: no attempt is recorded, the shop answers as before."""
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "operator", "password": f"wrong-{number}"})
        assert response.status_code == 200

    assert not AccessAttempt.objects.exists()
    assert _admin_login(client, "operator", PASSWORD).status_code == 302


def test_staff_without_a_device_log_in_with_the_password_alone(client, staff):
    """Nothing changes for staff who did not turn on the second factor."""
    assert _admin_login(client, "operator", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_with_a_device_need_its_code(client, staff):
    """With a confirmed TOTP device the password alone or a wrong code is refused; the current code works."""
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    without = _admin_login(client, "operator", PASSWORD)
    wrong = _admin_login(
        client, "operator", PASSWORD, otp_token="000000" if _code(device) != "000000" else "111111"
    )
    device.refresh_from_db()
    device.throttle_reset()
    with_code = _admin_login(client, "operator", PASSWORD, otp_token=_code(device))

    assert without.status_code == 200
    assert OTP_WRONG in without.content.decode()
    assert wrong.status_code == 200
    assert OTP_WRONG in wrong.content.decode()
    assert with_code.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, staff, settings):
    """Guessing codes behind a known password meets the same lockout as guessing passwords."""
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)

    statuses = [
        _admin_login(client, "operator", PASSWORD, otp_token="12345").status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT + 1)
    ]

    assert statuses[-1] == 429


def test_a_shop_login_does_not_open_the_admin_for_staff_with_a_device(client, staff):
    """A staff member with a device who logged in on the shop's page must still pass the code for admin."""
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "operator", "password": PASSWORD})
    assert client.get("/accounts/me/").status_code == 200

    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    assert _admin_login(client, "operator", PASSWORD, otp_token=_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_turn_the_second_factor_on_and_off(client, staff):
    """The page shows a secret; one code confirms the device, and one code removes it."""
    client.force_login(staff)
    page = client.get("/accounts/staff/2fa/").content.decode()
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7=]+)<', page).group(1)
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed

    wrong = client.post("/accounts/staff/2fa/", {"action": "confirm", "code": "12345x"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    confirmed = client.post("/accounts/staff/2fa/", {"action": "confirm", "code": _code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert secret.rstrip("=") in device.config_url
    # The session that confirmed the device counts as verified: the admin stays open.
    assert client.get("/admin/").status_code == 200

    device.last_t -= 1
    device.save(update_fields=["last_t"])
    removed = client.post("/accounts/staff/2fa/", {"action": "remove", "code": _code(device)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_the_second_factor_page_is_for_staff_only(client):
    """A shopper gets 403, an anonymous visitor the login page."""
    assert client.get("/accounts/staff/2fa/")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get("/accounts/staff/2fa/").status_code == 403
