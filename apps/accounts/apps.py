from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "apps.accounts"
    verbose_name = "회원"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts import personal
        from apps.accounts.adapters import provider_hosts_follow_settings

        personal.register()
        provider_hosts_follow_settings()
        # Every login (ID/password, Kakao, Naver, admin) indexes its session, so withdrawal can end them all.
        user_logged_in.connect(_index_session, dispatch_uid="accounts.index_session")


def _index_session(sender, request, user, **kwargs) -> None:
    from apps.accounts.services import session_register

    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        session_register(user_id=user.pk, session_key=request.session.session_key)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks staff for their TOTP code (``apps.accounts.staff_login``).
    Named in INSTALLED_APPS in place of ``django.contrib.admin``; ``apps.accounts`` itself is AccountsConfig."""

    default = False
    default_site = "apps.accounts.staff_login.StaffAdminSite"
