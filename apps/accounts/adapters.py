"""allauth, fitted to TriMarket: Korean social profiles, login IDs for social users, password-checked linking.

``provider_hosts_follow_settings`` (called from ``AccountsConfig.ready``) makes allauth's Kakao and Naver
adapters read their hosts from settings on every request, so tests and the demo can point them at a local
fake that speaks the providers' protocol (``KAKAO_AUTH_URL``, ``KAKAO_API_URL``, ``NAVER_AUTH_URL``,
``NAVER_API_URL``).
"""

import re

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect

from apps.accounts import selectors, services
from apps.accounts.consents import policy_consents_record

SOCIAL_CONNECT_SESSION_KEY = "accounts_social_connect"


class _SettingsURL:
    """A class attribute whose value is ``settings.<setting> + path``, read when it is used."""

    def __init__(self, setting: str, path: str) -> None:
        self.setting, self.path = setting, path

    def __get__(self, instance, owner) -> str:
        return getattr(settings, self.setting).rstrip("/") + self.path


def provider_hosts_follow_settings() -> None:
    from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter
    from allauth.socialaccount.providers.naver.views import NaverOAuth2Adapter

    KakaoOAuth2Adapter.authorize_url = _SettingsURL("KAKAO_AUTH_URL", "/oauth/authorize")
    KakaoOAuth2Adapter.access_token_url = _SettingsURL("KAKAO_AUTH_URL", "/oauth/token")
    KakaoOAuth2Adapter.profile_url = _SettingsURL("KAKAO_API_URL", "/v2/user/me")
    NaverOAuth2Adapter.authorize_url = _SettingsURL("NAVER_AUTH_URL", "/oauth2.0/authorize")
    NaverOAuth2Adapter.access_token_url = _SettingsURL("NAVER_AUTH_URL", "/oauth2.0/token")
    NaverOAuth2Adapter.profile_url = _SettingsURL("NAVER_API_URL", "/v1/nid/me")


def korean_mobile(number: str | None) -> str:
    """``+82 10-1234-5678`` (Kakao) or ``010-1234-5678`` (Naver) → ``010-1234-5678``; '' when unusable."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("82"):
        digits = "0" + digits[2:]
    if not re.fullmatch(r"01[016789]\d{7,8}", digits):
        return ""
    return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"


def social_profile(sociallogin: SocialLogin) -> dict:
    """Name, phone and (verified) email as Kakao or Naver gave them; missing ones are ''."""
    data = sociallogin.account.extra_data or {}
    if sociallogin.account.provider == "kakao":
        account = data.get("kakao_account", {})
        name = account.get("name") or account.get("profile", {}).get("nickname", "")
        phone = korean_mobile(account.get("phone_number"))
    else:
        name = data.get("name") or data.get("nickname", "")
        phone = korean_mobile(data.get("mobile"))
    verified = {address.email.lower() for address in sociallogin.email_addresses if address.verified}
    return {"name": (name or "")[:50], "phone": phone, "verified_emails": verified}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return True

    def set_password(self, user, password: str) -> None:
        """allauth's password reset (its change and set views redirect to the my page's): every refresh token
        and every session of the account ends with the old password."""
        services.user_set_password(user=user, new_password=password)


class SocialAppMissing(SocialApp.DoesNotExist, Http404):
    """No Kakao/Naver client configured: a 404 for the provider's URLs, still a DoesNotExist for allauth."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise SocialAppMissing(f"{provider} 로그인이 설정되지 않았어요.") from error

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        profile = social_profile(sociallogin)
        user.name = profile["name"]
        user.phone = profile["phone"]
        user.username = f"{sociallogin.account.provider}_{sociallogin.account.uid}"[:150]
        return user

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        """Never without the form: a new member agrees to 이용약관 and 개인정보처리방침 there, even when the
        provider gave everything else (the form then asks for nothing more)."""
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        """A first login whose email is an existing account's verified email goes through that account's
        password (``accounts:social_connect``) instead of creating a second account or linking silently."""
        if sociallogin.is_existing or request.user.is_authenticated:
            return
        emails = [address.email for address in sociallogin.email_addresses] + [sociallogin.user.email]
        owner = selectors.user_with_verified_email(emails=emails)
        if owner:
            request.session[SOCIAL_CONNECT_SESSION_KEY] = {
                "sociallogin": sociallogin.serialize(),
                "user_id": owner.pk,
            }
            raise ImmediateHttpResponse(redirect("accounts:social_connect"))

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        cleaned = form.cleaned_data if form else {}
        user = services.user_social_signup(
            request=request,
            sociallogin=sociallogin,
            name=cleaned.get("name") or sociallogin.user.name,
            email=cleaned.get("email") or sociallogin.user.email,
            phone=cleaned.get("phone") or sociallogin.user.phone,
            verified_emails=social_profile(sociallogin)["verified_emails"],
        )
        # The account and what it agreed to, together or not at all.
        policy_consents_record(user=user, documents=form.policies.values() if form else ())
        return user
