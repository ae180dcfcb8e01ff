"""Staff's second factor: one TOTP device (django-otp) per staff member, asked for at the admin's login.

A device is added unconfirmed (its secret shown once on ``/accounts/staff/2fa/``) and counts only after one
code from the phone confirmed it; a staff member without a confirmed device logs in with the password alone.
A session that passed the code carries django-otp's ``DEVICE_ID_SESSION_KEY`` (written by django-otp's own
``user_logged_in`` receiver, or by ``totp_device_confirm`` for the session that added the device), and the
admin site (``apps.accounts.staff_login.StaffAdminSite``) admits a staff member with a device only then.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User

DEVICE_NAME = "OTP 앱"


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device, created with a fresh secret when there is none yet.

    Refused when a confirmed device exists: it has to be removed first, with one of its codes.
    """
    if totp_device_confirmed(user=user):
        raise ValidationError("이미 2단계 인증을 쓰고 있어요.", code="device_exists")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_code_check(*, device: TOTPDevice, token: str) -> bool:
    """True when ``token`` is the device's current code. django-otp counts failures on the device and refuses
    every code for a growing delay after each one, so six digits cannot be walked through."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return device.verify_token(token.strip())


def totp_device_confirm(*, user: User, token: str, session: SessionBase) -> TOTPDevice:
    """Activate the user's new device with one code from it; the session that did it counts as verified."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError("먼저 OTP 앱에 등록할 키를 받아 주세요.", code="device_missing")
    if not totp_code_check(device=device, token=token):
        raise ValidationError(
            "인증 코드가 맞지 않아요. 앱에 보이는 6자리를 다시 입력해 주세요.", code="invalid"
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    return device


def totp_device_remove(*, user: User, token: str) -> None:
    """Remove the user's device after one of its current codes, so a borrowed session alone cannot."""
    device = totp_device_confirmed(user=user)
    if device is None:
        return
    if not totp_code_check(device=device, token=token):
        raise ValidationError(
            "인증 코드가 맞지 않아요. 앱에 보이는 6자리를 다시 입력해 주세요.", code="invalid"
        )
    TOTPDevice.objects.filter(user=user).delete()


def second_factor_satisfied(*, user: User, session: SessionBase) -> bool:
    """True for a user without a confirmed device, or whose session passed that device's code."""
    device = totp_device_confirmed(user=user)
    return device is None or session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id


def totp_setup_display(*, device: TOTPDevice) -> dict[str, str]:
    """What a phone's OTP app needs to add the device: its base32 ``secret``, the ``otpauth://`` URI
    (``config_url``) and that URI as an inline SVG QR code (``qr_svg``: no script, no external image)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return {
        "secret": b32encode(device.bin_key).decode(),
        "config_url": device.config_url,
        "qr_svg": image.to_string(encoding="unicode"),
    }
