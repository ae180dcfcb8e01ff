"""The admin site's door: django-axes' lockout, scoped to the admin's login, and the staff's TOTP code.

- ``AdminLockoutBackend`` (first in ``AUTHENTICATION_BACKENDS``) refuses a login ID + address pair that failed
  ``AXES_FAILURE_LIMIT`` times, before any password is checked; ``axes.middleware.AxesMiddleware`` then answers
  with ``accounts/admin_lockout.html`` (429).
- ``AdminSiteLockoutHandler`` records only the admin's logins: the shop's login has its own limit
  (``apps.core.ratelimit.LOGIN_FAILURE``), and its failures must neither count against staff nor turn the
  shop's page into axes' lockout page.
- ``StaffAdminSite`` (Django's default site, through ``apps.accounts.apps.StaffAdminConfig``) asks for the
  6-digit code of a staff member's confirmed TOTP device (``apps.accounts.twofactor``), and admits such a
  member only in a session that passed it, however the session logged in.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from apps.accounts import twofactor


class AdminLockoutBackend(AxesStandaloneBackend):
    """axes' lockout check. A call without a request (a shell, the test client's ``login``) cannot be the
    admin's login page, which is all axes watches here, so it goes straight to the other backends."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class AdminSiteLockoutHandler(AxesDatabaseHandler):
    """axes' database handler (attempts, lockouts and logins listed in admin), told only of the admin's logins."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_out(sender, request, user, **kwargs)


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form plus the code of the staff member's TOTP device, required only when there is one.

    A wrong or missing code is reported to ``user_login_failed`` like a wrong password, so axes counts it.
    """

    otp_token = forms.CharField(
        label="2단계 인증 코드",
        required=False,
        max_length=6,
        help_text="2단계 인증을 켠 경우 OTP 앱의 6자리 코드를 입력해 주세요.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        device = user and twofactor.totp_device_confirmed(user=user)
        if device:
            token = cleaned.get("otp_token", "")
            if not token or not twofactor.totp_code_check(device=device, token=token):
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=self.request
                )
                raise ValidationError(
                    "2단계 인증 코드가 맞지 않아요. OTP 앱에 보이는 6자리를 입력해 주세요.",
                    code="otp_invalid",
                )
            # django-otp's user_logged_in receiver marks the session verified by this device.
            user.otp_device = device
        return cleaned


class StaffAdminSite(admin.AdminSite):
    login_form = StaffAuthenticationForm
    login_template = "accounts/admin_login.html"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and twofactor.second_factor_satisfied(
            user=request.user, session=request.session
        )
